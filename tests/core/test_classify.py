"""POLICY.md section 2, case by case: who is identified, and what about them is confidential."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dlp.pipeline import ScanResult

Scan = Callable[..., ScanResult]

STUDENT_RECORDS = [
    "Your son Daniel Kim was absent five days this month; this is his second truancy letter.",
    "Lily Chen (3rd grade) has a severe peanut allergy; her epinephrine is in the health office.",
    "Student: Marcus Bell\nGrade: 8\nReason for referral: repeated defiance, two detentions",
    "Re: Ethan Nakamura - his current grade in Biology is 58% and he is failing the lab portion.",
    "The IEP team met for Sofia Ramírez-Ortega today; her speech therapy minutes increase to 60.",
    "Please update the address for Owen Park, grade 2: he now lives at 412 Willow Creek Drive.",
    "Enrollment verification: Amara Okafor, student number 20418833, DOB 2011-06-09.",
    "Perm ID 4471902 was suspended for two days after the altercation on Friday.",
    "Su hijo Mateo García tiene una calificación de D en matemáticas y está reprobando.",
    "Estudiante: Valeria Torres\nFecha de nacimiento: 14/03/2013\nDiagnóstico: asma",
]


@pytest.mark.parametrize("body", STUDENT_RECORDS)
def test_identified_student_with_confidential_information_is_a_student_record(
    scan: Scan, body: str
) -> None:
    result = scan(body)
    assert "student_record" in result.categories, result.classification.notes


NOT_STUDENT_RECORDS = [
    "Congratulations to Maria G. and Devon T. for their science fair ribbons!",
    "Our 5th grade team will visit the museum on May 3; 64 students and 8 chaperones.",
    "Reminder: IEP training for new case managers is Thursday in room 12, led by Dana Moss.",
    "Sofia did a wonderful job in the spring concert. See you at the picnic!",
    "Author Jason Reynolds writes about anxiety and grades in his new novel for teens.",
    "The only son of Colin Powell now chairs the FCC; critics say his discipline is lax.",
]


@pytest.mark.parametrize("body", NOT_STUDENT_RECORDS)
def test_no_identified_student_or_nothing_confidential_is_not_a_student_record(
    scan: Scan, body: str
) -> None:
    assert "student_record" not in scan(body).categories


STAFF_RECORDS = [
    "Jordan Lee, 3rd grade teacher, is approved for FMLA medical leave from 3/1 to 4/15.",
    "Annual evaluation for Priya Natarajan (Librarian): overall rating Needs Improvement.",
    "Employee No. 20413: annual salary $71,250, step 6 column III.",
    "Attached is the letter of reprimand for Carlos Mendoza, custodian at Oak Elementary.",
]


@pytest.mark.parametrize("body", STAFF_RECORDS)
def test_identified_staff_member_with_personnel_information_is_a_staff_record(
    scan: Scan, body: str
) -> None:
    assert "staff_record" in scan(body).categories


def test_job_posting_with_salary_range_is_not_a_staff_record(scan: Scan) -> None:
    body = (
        "Now hiring: Instructional Aide, bilingual. Salary range $18.50-$24.00/hour.\n"
        "Questions? Contact Rachel Kim, HR Technician, at (916) 555-0101."
    )
    assert scan(body).categories == []


HIGH_RISK = [
    "For payroll setup: social security #536-22-8745",
    "Routing: 121000358  Account: 000123456789 (checking)",
    "Chaperone passport no. X12345678, expires 2031",
    "Driver's license: 123456789 (Nevada) for the van driver",
    "Please charge card 4111-1111-1111-1111, exp 09/28",
    "ITIN 912-73-4567 for the vendor",
]


@pytest.mark.parametrize("body", HIGH_RISK)
def test_government_and_financial_identifiers_are_high_risk(scan: Scan, body: str) -> None:
    assert "high_risk_id" in scan(body).categories


def _roster(n: int, sep: str = "\t") -> str:
    first = ["Ava", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jia", "Kai", "Lea"]
    last = ["Stone", "Ortiz", "Nguyen", "Patel", "Reyes", "Singh", "Tran", "Walsh", "Young", "Zhou"]
    rows = [sep.join(["Name", "Email", "Phone"])]
    for i in range(n):
        name = f"{first[i % len(first)]} {last[(i * 7) % len(last)]}{'' if i < 10 else 'son'}"
        rows.append(sep.join([name, f"p{i}@family-mail.com", f"(530) 555-{1000 + i:04d}"]))
    return "Contact list for the club:\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize("sep", ["\t", " | "])
def test_ten_people_with_contact_details_are_a_bulk_roster(scan: Scan, sep: str) -> None:
    assert "bulk_roster" in scan(_roster(12, sep)).categories


def test_nine_people_stay_below_the_bulk_threshold(scan: Scan) -> None:
    assert "bulk_roster" not in scan(_roster(9)).categories


# No role word next to the name: the message as a whole says it is about school life.
SCHOOL_LIFE_RECORDS = [
    # a class period and a teacher's signature; mental health and a failing grade
    "Hi Dana,\n\nQuick heads-up about Jayden Brooks in my 4th period. He told me about his "
    "panic attacks last spring and he is failing the unit tests right now.\n\n"
    "Thanks,\nRuth Alvarez\nMath Teacher, Lincoln Middle School",
    # health details only in the quoted part of a reply
    "Sounds good, see you Monday.\n\n> On Tue, Mrs. Lee wrote:\n> Dear Mrs. Lee,\n>\n"
    "> Olivia Martin's asthma got worse today; her inhaler stays in the health office.\n"
    "> School Nurse, Cedar Grove Elementary",
    # the first name alone after the full name in the subject line's thread
    "Hello families,\n\nI met with Camila Ortega's counselor today.\n\n"
    "Camila has been very anxious and her absences are adding up; she was diagnosed with "
    "depression in March.\n\nMs. Ruiz, 6th grade",
    # Spanish: a parent addressed, a special-education meeting
    "Estimada Sra. Herrera:\n\nLe escribo sobre Santiago Herrera Vidal. En la reunión del IEP "
    "acordamos terapia del habla dos veces por semana.\n\nAtentamente,\nLa maestra",
    # Vietnamese: a parent addressed about a child's health and results
    "Kính gửi phụ huynh em Nguyễn Minh Khoa,\n\nEm Nguyễn Minh Khoa bị hen suyễn và đã nghỉ học "
    "ba ngày tuần này. Kết quả học tập học kỳ này chưa đạt.\n\nGiáo viên chủ nhiệm lớp 4",
    "Kinh gui phu huynh,\n\nHoc sinh Tran Gia Bao bi di ung dau phong, thuoc de o phong y te.",
]


@pytest.mark.parametrize("body", SCHOOL_LIFE_RECORDS)
def test_a_person_named_in_mail_about_school_life_with_student_information_is_a_student(
    scan: Scan, body: str
) -> None:
    result = scan(body)
    assert "student_record" in result.categories, result.classification.notes


NOT_SCHOOL_LIFE_RECORDS = [
    # a workshop about rights in general, presented by a named lawyer: no student
    "Estimadas familias:\n\nLos invitamos a un taller sobre sus derechos en el proceso del IEP y "
    "el plan 504, presentado por la Lic. Marta Salinas, abogada de educación especial.\n\n"
    "Jueves 6:00 p.m., biblioteca de la Escuela Primaria Roosevelt.",
    # a name far from the health words, in another paragraph
    "Dear families,\n\nThank you to Alicia Ramos for organising the book fair.\n\n"
    "Flu season reminder: keep children with a fever home, and send any medication to the "
    "health office with the authorization form.\n\nRoosevelt Elementary",
    # outside mail that mentions a teacher, with no school life
    "Bob Miller says the new medication helps his back. My teacher friend agrees.",
]


@pytest.mark.parametrize("body", NOT_SCHOOL_LIFE_RECORDS)
def test_school_mail_without_a_student_tied_to_information_is_not_a_student_record(
    scan: Scan, body: str
) -> None:
    result = scan(body)
    assert "student_record" not in result.categories, result.classification.notes


def test_notes_show_the_school_life_evidence_and_what_tied_the_information(scan: Scan) -> None:
    notes = " | ".join(scan(SCHOOL_LIFE_RECORDS[1]).classification.notes)
    assert "about school life" in notes and "a school staff member's title" in notes, notes
    assert "a parent or guardian addressed" in notes and "same paragraph" in notes, notes


def test_staff_home_contact_in_the_same_paragraph_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Hi,\n\nAs requested, the home contact for our counselor Teresa Ngata, who starts her "
        "medical leave next week.\n\nHome address: 418 Alder Lane, Westfield\n"
        "Personal cell: (530) 555-0187\n"
    )
    assert "staff_record" in scan(body).categories


NAMES_AS_TYPED = [
    # lower case, a class period in the subject's words, a mark in prose
    "amy - zoe park (4th pd) pulled a 48 on the unit test, she's at 61% for the quarter.\ng",
    # capitals, a grade level and a foster placement
    "Rt 14 add: JAYDEN MOORE, gr 3, foster placement as of Mon. Release only to foster mom.",
    # Vietnamese: the given name alone, in a later paragraph, carries the health details
    "Kính gửi phụ huynh,\n\nHọc sinh Nguyễn Minh Khoa, lớp 4, đã được kiểm tra.\n\n"
    "Khoa bị hen suyễn và cần mang thuốc theo.",
    # the first name alone, accented, in a later paragraph
    "Hello Mr. Ramírez,\n\nI met with Sofía Ramírez today.\n\nSofía told me about her panic "
    "attacks; her counselor will call you.\n\nRoosevelt Middle School",
]


@pytest.mark.parametrize("body", NAMES_AS_TYPED)
def test_names_typed_in_lower_case_capitals_or_by_given_name_alone_are_found(
    scan: Scan, body: str
) -> None:
    result = scan(body)
    assert "student_record" in result.categories, result.classification.notes


def test_given_names_with_an_initial_identify_nobody(scan: Scan) -> None:
    body = "Cuadro de honor (promedio 3.5 o más): Ana R., José Luis C., Valeria P."
    assert "student_record" not in scan(body).categories
