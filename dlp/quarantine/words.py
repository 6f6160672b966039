"""What a finding is, in words a teacher or a privacy officer uses.

Entity names (`US_SSN`, `NAME_CANDIDATE`, `STUDENT_RECORD_TERM`) are the
detector's vocabulary; notices and the evidence view speak of "Social
Security numbers" and "names". A site's own entity falls back to its role's
words, then to the entity name made readable, never to the raw name.
"""

from __future__ import annotations

# entity → (one, many)
ENTITIES: dict[str, tuple[str, str]] = {
    "US_SSN": ("Social Security number", "Social Security numbers"),
    "US_ITIN": ("taxpayer ID number", "taxpayer ID numbers"),
    "US_PASSPORT": ("passport number", "passport numbers"),
    "US_DRIVER_LICENSE": ("driver's license number", "driver's license numbers"),
    "US_BANK_ACCOUNT": ("bank account number", "bank account numbers"),
    "ABA_ROUTING_NUMBER": ("bank routing number", "bank routing numbers"),
    "CREDIT_CARD": ("credit card number", "credit card numbers"),
    "CA_SSID": ("statewide student ID", "statewide student IDs"),
    "STUDENT_ID": ("student ID", "student IDs"),
    "ROSTER_STUDENT_ID": ("student ID", "student IDs"),
    "EMPLOYEE_ID": ("employee ID", "employee IDs"),
    "ROSTER_STAFF_ID": ("employee ID", "employee IDs"),
    "DATE_OF_BIRTH": ("birth date", "birth dates"),
    "ROSTER_DOB": ("birth date", "birth dates"),
    "HOME_ADDRESS": ("home address", "home addresses"),
    "STREET_ADDRESS": ("street address", "street addresses"),
    "PERSONAL_PHONE": ("personal phone number", "personal phone numbers"),
    "ROSTER_STAFF_CONTACT": ("staff member's personal contact", "staff personal contacts"),
    "PHONE_NUMBER": ("phone number", "phone numbers"),
    "EMAIL_ADDRESS": ("email address", "email addresses"),
    "ROSTER_STUDENT_NAME": ("student's name", "student names"),
    "ROSTER_STAFF_NAME": ("staff member's name", "staff names"),
    "PERSON": ("name", "names"),
    "NAME_CANDIDATE": ("name", "names"),
    "LABELLED_NAME": ("name", "names"),
    "TITLED_NAME": ("name", "names"),
    "STUDENT_INFO": ("student record detail", "student record details"),
    "STUDENT_RECORD_TERM": ("student record", "student record words"),
    "STUDENT_MARK": ("grade or mark", "grades or marks"),
    "STAFF_INFO": ("personnel record detail", "personnel record details"),
    "SALARY_AMOUNT": ("salary", "salaries"),
}
ROLES: dict[str, tuple[str, str]] = {
    "student_id": ENTITIES["STUDENT_ID"],
    "staff_id": ENTITIES["EMPLOYEE_ID"],
    "high_risk_id": ("government or financial ID", "government or financial IDs"),
    "date_of_birth": ENTITIES["DATE_OF_BIRTH"],
    "home_address": ENTITIES["HOME_ADDRESS"],
    "street_address": ENTITIES["STREET_ADDRESS"],
    "personal_phone": ENTITIES["PERSONAL_PHONE"],
    "contact": ("contact detail", "contact details"),
    "student_info": ENTITIES["STUDENT_INFO"],
    "student_record_doc": ENTITIES["STUDENT_RECORD_TERM"],
    "staff_info": ENTITIES["STAFF_INFO"],
    "person_name": ENTITIES["PERSON"],
    "roster_student": ENTITIES["ROSTER_STUDENT_NAME"],
    "roster_staff": ENTITIES["ROSTER_STAFF_NAME"],
}
# Roles whose findings are words ("grades", "IEP"): nothing to reveal, shown as they are.
PLAIN_ROLES = frozenset(
    {"student_info", "student_record_doc", "staff_info", "student_context", "staff_context"}
)


def kind(entity: str, role: str = "", count: int = 1) -> str:
    """'Social Security number' / '3 Social Security numbers'."""
    one, many = ENTITIES.get(entity) or ROLES.get(role) or _readable(entity)
    return one if count == 1 else f"{count} {many}"


def label(entity: str, role: str = "") -> str:
    """'Social Security number' with a capital: a list item's start."""
    text = kind(entity, role)
    return text[:1].upper() + text[1:]


def _readable(entity: str) -> tuple[str, str]:
    words = entity.removeprefix("ROSTER_").replace("_", " ").lower().strip() or "finding"
    return words, words + "s"


def listing(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
