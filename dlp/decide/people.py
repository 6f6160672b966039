"""Who a message is about: name mentions, their role, and how many people it lists.

A name is a student's when a student word (student, son, grade 4) or a
student ID is nearer to it than any staff word (teacher, Ms., principal); a
staff member's when a title sits right next to it.  What one mention
establishes holds for every mention of the same name in the message, so the
subject line "504 plan for Timothy Baldwin" is tied to the body that calls him
a grade 7 student.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dlp.decide.nearby import BLANK_LINE
from dlp.detect.names import (
    NER_RECOGNIZER,
    given_name,
    reads_as_a_word,
    structural_word,
    surname,
    vietnamese_order,
)
from dlp.detect.regex_set import RegexSet
from dlp.detect.validators import parse_date
from dlp.model import ChunkKind, Extraction, Finding

STAFF_TIGHT = 60  # a title right before/after a name: "Donna Estes (Office Manager"
STUDENT_REACH = 150  # "Student: X, grade 4" / "X (Student ID 123)"
STAFF_REACH = 150
IDENTIFIER_ROLES = {
    "student_id", "staff_id", "date_of_birth", "contact", "street_address", "home_address",
    "personal_phone",
    "high_risk_id",
}  # fmt: skip
_ORG_WORDS = {
    "school", "elementary", "middle", "high", "district", "academy", "university", "college",
    "county", "department", "office", "center", "centre", "room", "grade", "usd", "unified",
    "board", "committee", "team", "club", "association", "foundation", "inc", "llc",
    "street", "avenue", "road", "drive", "lane", "way", "hall", "library", "cafe", "services",
    "ave", "blvd", "rd", "hwy", "pkwy", "ln",
    "iep", "sped", "plan", "program", "report", "notes", "summary", "minutes", "agenda",
    # clubs, publications and services: "Mock Trial", "Mariner Messenger", "Access Line"
    "trial", "newsletter", "messenger", "gazette", "bulletin", "news", "times", "line",
    # in Spanish: "Feria de Empleo", an Outlook header's "Enviado:" run into a name
    "feria", "taller", "junta", "programa", "oficina", "departamento", "distrito", "servicios",
    "centro", "empleo", "enviado", "asunto",
    "hotline", "access", "health", "tournament", "robotics", "orchestra", "choir", "festival",
    # job titles and school abbreviations: "McKinney-Vento Liaison", "Camas Flats El."
    "liaison", "coordinator", "specialist", "interpreter", "officer", "el", "elem", "hs",
    "balanced",
    "st", "ct", "cir", "pl", "ter", "trl", "app", "needs", "dietary",
    "post", "tribune", "herald", "journal", "chronicle", "observer", "examiner",  # papers
    "courier", "sentinel", "dispatch",
}  # fmt: skip
CASED_NAMES = "proper_noun_names"
LOWER_CASE_NAMES = {CASED_NAMES, "vi_person_name"}  # recognizers that vouch for lower case
_INITIAL_AFTER = re.compile(r"[ \t]+[A-ZÁÉÍÓÚÑ]\.(?!\w)")
_ADDRESS_ROLES = {"street_address", "home_address"}
_PARTICLES = {"de", "del", "la", "los", "van", "der", "von", "da", "di", "le"}
_HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sr", "sra", "srta",
    # clergy: "Hola Padre Tomás", "Hermana Lucía:"
    "padre", "pastor", "pastora", "hermana", "hermano", "sor", "father", "fr", "rev", "reverend",
    # Vietnamese forms of address, as typed and with accents folded (name_key)
    "em", "cháu", "chau", "anh", "chị", "chi", "cô", "co", "thầy", "thay", "ông", "ong", "bà",
    "ba", "bé", "be", "chú", "bác", "bac", "dì", "cậu", "mợ", "thím",  # "Chú Hùng," an uncle
    "jr", "iii", "iv",  # "CANTU JR, JESUS": a generation, not a name
    "deputy", "sheriff", "sgt", "sergeant", "officer",  # "Deputy Nguyen" names one word
}  # fmt: skip
_VENUE_BEFORE = re.compile(
    r"\b(?:Farmacia|Tienda|Panadería|Panaderia|Supermercado|Restaurante|Taquería|Taqueria|"
    r"Uniformes|Librería|Libreria|Clínica|Clinica|"
    # "Phòng Dinh Dưỡng" (the nutrition office), "Sở Y Tế", "Nhà thuốc Long Châu"
    r"Phòng|Sở|Bệnh viện|Nhà thuốc|Công ty|Văn phòng|"
    # a school named after its kind: "Escuela Secundaria Sandhill Crane", "Trường Tiểu học ..."
    r"Escuela|Primaria|Secundaria|Preparatoria|Intermedia|Colegio|Academia|Trường|Truong|"
    r"(?i:tiểu học|tieu hoc|trung học|trung hoc|cơ sở|co so|alumnos de|estudiantes de|"
    r"familias de|students (?:at|of)|families (?:at|of)))[ \t]+$"
)
_WEEKDAY = re.compile(
    r"(?:MON|TUES?|WED|THU(?:RS?)?|FRI|SAT|SUN)[ \t]+\w+|"
    r"(?i:thứ|thu)[ \t]+(?i:hai|ba|tư|tu|năm|nam|sáu|sau|bảy|bay)|(?i:chủ|chu)[ \t]+(?i:nhật|nhat)|"
    # months: "Tháng Chín" (September), "Tháng Mười Hai"
    r"(?i:tháng|thang)[ \t]+(?i:một|mot|giêng|gieng|hai|ba|tư|tu|năm|nam|sáu|sau|bảy|bay|tám|tam|"
    r"chín|chin|mười|muoi|chạp|chap)(?:[ \t]+(?i:một|mot|hai))?"
)
_FESTIVAL_BEFORE = re.compile(
    r"(?:\bTết|\bTet|\bLễ hội|\bLe hoi|\bHội|\bFiesta de|\bDía de|\bDia de|\bLễ|\bnghỉ lễ)[ \t]+$"
)
_FESTIVAL_FIRST = re.compile(r"(?:Tết|Tet|Lễ|Hội|Fiesta|Día|Dia)[ \t]")
# holidays that read as two capitalised names: Thanksgiving in Spanish and in Vietnamese
_HOLIDAY = re.compile(
    r"(?i:(?:de[ \t]+)?acci[oó]n de gracias|tạ ơn|ta on|"
    # countries that read as two names
    r"vi[eệ]t[ \t]+nam|el[ \t]+salvador|costa[ \t]+rica|puerto[ \t]+rico|estados[ \t]+unidos|"
    # Spain, the United States, China, Korea, Japan, India and Thailand in Vietnamese
    r"t[aâ]y[ \t]+ban[ \t]+nha|hoa[ \t]+k[yỳ]|trung[ \t]+qu[oố]c|h[aà]n[ \t]+qu[oố]c|"
    r"nh[aậ]t[ \t]+b[aả]n|[aấ]n[ \t]+[dđ][oộ]|th[aá]i[ \t]+lan)"
)
# Names matched against the district's roster (dlp.roster): who they are is known, not guessed.
ROSTER_NAMES = {"roster_student": "student", "roster_staff": "staff"}
_SIGN_OFF = re.compile(
    r"^\s*(?:--+|__+|thanks?(?: you)?|many thanks|best(?: regards| wishes)?|regards|kind regards|"
    r"warm regards|sincerely(?: yours)?|cheers|respectfully|cordially|gracias|atentamente|saludos)"
    r"[\s,.!]*$",
    re.I,
)


BY_BIRTH_DATE = "a name with a date of birth"  # a child's: a pupil
ADULT_BIRTH_DATE = "a name with an adult's date of birth"  # staff in mail about staff
ADULT_AGE = 22  # older than any pupil, special-education students to 21 included


@dataclass(frozen=True)
class Mention:
    chunk: int
    start: int
    end: int
    key: str  # normalised full name: lower-case, accents and punctuation removed
    finding: int  # index of the name finding
    role: str  # "student", "staff", "unknown", "place" (a street), "contact" (the one to ask)
    why: str
    is_author: bool


def name_key(text: str) -> str:
    # "Đ" has no decomposition: fold it by hand, so "Đỗ Ngọc Linh" and "Do Ngoc Linh" agree
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"[a-z]+", folded.lower().replace("'s", "").replace("’s", ""))
    return " ".join(w for w in words if w not in _HONORIFICS)


def full_name(text: str, lower_case: bool = False) -> bool:
    """A first and last name; not "Maria G." (F.2.a limited identification), not a place."""
    raw = re.sub(r"['’]s$", "", text.strip(" \t\n.,;:()[]")).replace("\n", " ")
    tokens = [t for t in re.split(r"\s+", raw) if t and t[0] not in "\"“'("]  # drop "nicknames"
    tokens = [t for t in tokens if t.lower().strip(".,") not in _HONORIFICS]
    if not 2 <= len(tokens) <= 4 or any(any(ch.isdigit() for ch in t) for t in tokens):
        return False
    if len(tokens[-1].rstrip(".")) <= 1:  # "Maria G." identifies nobody
        return False
    if any(t.lower().strip(".,") in _ORG_WORDS or structural_word(t) for t in tokens):
        return False
    # "de la Cruz, Lucía"; a capitalised "Le" or "Van" is a Vietnamese family or middle name
    kept = [t for t in tokens if t not in _PARTICLES]
    tokens = kept if len(kept) >= 2 else [t for t in tokens if t.lower() not in _PARTICLES]
    if len(tokens) < 2:
        return False
    if all(t.islower() for t in tokens):  # "owen castellano": typed in a hurry, still a name
        return lower_case
    capitals = [t.strip(".,").isupper() for t in tokens]
    if all(capitals):  # "NGUYEN, BAO" in a form's capitals is a name; "IEP Team" is not
        return True
    return all(t[0].isupper() for t in tokens) and not any(
        c and len(t) > 3 for c, t in zip(capitals, tokens, strict=True)
    )


_PLACE_NEXT = re.compile(
    r"^[ \t]+(?:School|Elementary|Middle|High|Unified|District|Academy|Park|Center|Library|"
    r"College|University|Community|County|Department|Office|Street|Avenue|Road|"
    r"[Tt]eam|[Ss]taff|[Gg]roup|[Cc]rew|Day|Foundation|Scholarship|Award)\b"
)


def _names_a_place(text: str, end: int) -> bool:
    """'West Park School District', 'Cedar Grove Elementary': a place, not a person; and
    'César Chávez Day', 'Gates Foundation': a day or a body named after one."""
    return bool(_PLACE_NEXT.match(text[end : end + 20]))


def _distance(f: Finding, start: int, end: int) -> int:
    if f.end <= start:
        return start - f.end
    if f.start >= end:
        return f.start - end
    return 0


# a title before a name: an adult (staff, or a parent addressed), never the student
_HONORIFIC_BEFORE = re.compile(
    r"\b(?:mr|mrs|ms|dr|miss|sr|sra|srta|lic|licda|dra|prof|profa|thầy|cô|ông|bà|coach|padre|"
    r"pastor|father|fr|rev)\.?\s*$"
)
# "Questions? Contact Ana Reyes", "llame a", "liên hệ cô": the person to ask, not the subject
_CONTACT_BEFORE = re.compile(
    r"(?:\b(?:contact|email|e-mail|call|text|ask|reach out to|questions\?|see|rsvp to|"
    r"comuníquese con|comuniquese con|llame a|escriba a|contacte a|pregunte a|"
    r"liên hệ|lien he|gọi cho|goi cho|hỏi)[ \t]+(?:(?:with|to|for|the|our|con|a|la|el|"
    r"mr|mrs|ms|dr|sr|sra|srta|cô|co|thầy|thay|y tá|y ta)\.?[ \t]+){0,2})$",
    re.I,
)
# NER sometimes takes the verb in: "Email Janet Cole", "Contact Ana Reyes"
# or a lower-case particle before the name: "de Brayan Ochoa Pineda"
_LEADING_VERB = re.compile(
    r"(?:(?:Email|E-mail|Contact|Call|Ask|Text|See|Welcome|Thank|Thanks|Hi|Hello|Hola|Dear|"
    r"Estimad[oa]|Querid[oa]|Chào|Chao|Thưa|Thua|Kính gửi|Kinh gui)[ \t]+|"
    r"(?:de|del|a|la|el)[ \t]+(?=[A-ZÁÉÍÓÚÑ]))"
)
_PARENT_OF = re.compile(r"^\s+of\s+(?:the\s+)?$", re.I)  # "son of Colin Powell": a parent
_POSSESSIVE = re.compile(r"^['’]s?\s+(?:\w+\s+)?$")  # "Colin Powell's son": a parent
_POSSESSIVE_OWNER = re.compile(r"^(?:['’]s?)?[ \t]+(?:[\w-]+[ \t]+)?$")


def _points_away(text: str, f: Finding, start: int, end: int) -> bool:
    """A family word that names someone's parent, not the student ("son of X", "X's son")."""
    if f.end <= start:
        return bool(_PARENT_OF.match(text[f.end : start]))
    return f.start >= end and bool(_POSSESSIVE.match(text[end : f.start]))


def _titles(text: str, f: Finding, start: int, end: int) -> bool:
    """A title before the name, or under a name standing alone (a signature); not one later
    in a sentence about the person ("... nurse sent her back") or a signature under it."""
    line_start, line_end = _line_bounds(text, start, end)
    if f.start < start:  # "Program Coordinator ... cardholder Gregory Abernathy"
        return not _titles_another(text, f, start)
    rest = (text[line_start:start] + " " + text[end:line_end]).strip(" \t>,.-|")
    alone = len(rest.split()) <= 1  # "Diana Sparks" or "Donna Pruitt, RN" on its own line
    return alone and f.start >= line_end  # a title line under a name standing alone


# "Coach Dre, Addison Hale sustained ...": the title is Dre's, whom the sentence addresses
# "... as the counselor. Jalen": a sentence ends (not an initial: "S. Thibodeaux")
_SENTENCE_END = re.compile(r"(?:^|[a-z]{2}|[A-Z]{2})[.!?](?:\s|$)")  # "... de DHS. Lucía"
_OWN_NAME_AFTER = re.compile(r"[ \t]+[A-Z][\w'’-]+[ \t]*\n[ \t>]*\n")
_VOCATIVE = re.compile(r"^[ \t]+[A-Z][\w'’-]*[ \t]*[,:;!][ \t]*$")


# "Presenter: Lisa Ambrose": who gives a training is named as its speaker, not discussed
_PRESENTING = re.compile(
    r"(?i:presenter|speaker|facilitator|presented by|facilitated by|led by|hosted by)"
)


def _titles_another(text: str, f: Finding, start: int) -> bool:
    """'Maestra Beatriz Soto wrote: ... Emilio Quintero': the title is another name's.
    So is one that ends a sentence ("... to you as the counselor. Jalen Pierre-Louis") or
    addresses the reader ("> Coach, for this weekend's tournament: Marisa Quintanilla")."""
    between = text[f.end : start]
    if _VOCATIVE.match(between) or _SENTENCE_END.search(between):
        return True
    if _DOCUMENT_AFTER.match(between):  # "School nurse note: Jayden Whitcombe, DOB ..."
        return True
    first_line, newline, _ = between.partition("\n")
    name_line = text[text.rfind("\n", 0, start) + 1 : start]
    if newline and first_line.strip(" \t,") and name_line.strip(" \t>"):
        # "Renata Kowalczyk, substitute, 02/26/2025 / I asked Jayden Whitcombe to sit down":
        # the title's line goes on past it, and the name sits inside the next line's sentence
        return True
    if _OWN_NAME_AFTER.match(between):  # "To: Coach Villarreal\n\n> ... Marisa Quintanilla"
        return True
    line_start = text.rfind("\n", 0, f.start) + 1
    if between.startswith(",") and not text[line_start : f.start].strip(" \t>"):
        return len(between.split()) > 3  # a title opening its line, then a comma: vocative
    words = between.split()
    return (
        len(words) >= 3
        and between[:1] in " \t"
        and all(w[:1].isupper() and w.isalpha() for w in words[:2])
    )


# what a title's person wrote about someone else: "Nurse note:", "Counselor report -"
_DOCUMENT_AFTER = re.compile(r"[ \t]+(?i:notes?|report|statement|log|summary|referral)\b")


# "Ethan Vigil (#7) was evaluated by our athletic trainer": a title later in the sentence,
# after "our" or "the", is someone else's; "Dana Lee, our nurse," is an apposition
_DETERMINER_BEFORE = re.compile(
    r"\b(?:our|the|his|her|their|my|your|a|an|nuestr[oa]|el|la|su|sus)[ \t]+(?:[\w-]+[ \t]+)?$",
    re.I,
)


def _someone_elses_title(text: str, end: int, f: Finding) -> bool:
    between = text[end : f.start]
    if between.lstrip().startswith(",") or _SENTENCE_END.search(between):
        return False  # "Marta López, nuestra nueva enfermera": her own title
    return len(between.split()) >= 3 and bool(_DETERMINER_BEFORE.search(between))


# "Kaylee Brandt's dad", "la mamá de Santiago López", "mother of Ana Ruiz": somebody's child
_PARENT_AFTER = re.compile(
    r"['’]s?[ \t]+(?:(?:step|foster)-?)?(?:mom|mommy|mother|dad|daddy|father|parents?|"
    r"guardians?|grandma|grandmother|grandpa|grandfather)\b",
    re.I,
)
_PARENT_BEFORE = re.compile(
    r"\b(?:(?:mom|mother|dad|father|parents?|guardians?|grandmother|grandma)[ \t]+of|"
    r"(?:mamá|mama|papá|papa|madre|padre|padres|abuel[ao]|tutor[a]?|tutores|familia)[ \t]+de|"
    r"(?:mẹ|bố|ba|phụ huynh|phu huynh)[ \t]+(?:của[ \t]+|cua[ \t]+)?(?:em|cháu|chau))[ \t]+$",
    re.I,
)
# "Isabella Marchand (my room 22)", "diego salinas (3rd per)", "Sofía Reséndez (7th)": a
# pupil placed in a class; a bare "(room 12)" may as well be a teacher's room
_IN_CLASS_AFTER = re.compile(
    r"[ \t]*\((?:(?:my|our|in my)[ \t]+(?:room|rm|class|homeroom|period|per|pd|hr|block)|"
    r"\d{1,2}(?:st|nd|rd|th)(?:[ \t]+(?:per|period|pd|hr|hour|block|grade|gr))?[),]|"
    r"\d{1,2}(?:\.?[º°o]|er|ro|do|to|vo|no|mo)(?:[ \t]+grado)?[),]|"
    r"gr(?:ade)?\.?[ \t]*\d{1,2}\b|per(?:iod)?\.?[ \t]*\d\b|TK\)|K\))",
    re.I,
)
# "4th hr": a class period, not human resources
_CLASS_HOUR = re.compile(r"\d(?:st|nd|rd|th)[ \t]*$")


def _someones_child(text: str, start: int, end: int) -> str:
    """The words that make the named one somebody's child or a pupil in a class, if any."""
    for m in (_PARENT_AFTER.match(text, end), _IN_CLASS_AFTER.match(text, end)):
        if m:
            return m.group().strip()
    before = _PARENT_BEFORE.search(text[max(0, start - 30) : start])
    return before.group().strip() if before else ""


def _a_class_hour(text: str, f: Finding) -> bool:
    return (
        f.role == "staff_context"
        and text[f.start : f.end].lower() == "hr"
        and bool(_CLASS_HOUR.search(text, max(0, f.start - 6), f.start))
    )


_POSSESSED = re.compile(r"\b(?i:her|his|their)[ \t]+(?:[\w-]+[ \t]+){0,2}$")


def _possessed(text: str, f: Finding) -> bool:
    """'her PE teacher': the title of someone the sentence only mentions."""
    return bool(_POSSESSED.search(text, max(0, f.start - 40), f.start))


def _addresses_another(text: str, f: Finding, start: int) -> bool:
    """'Coach Dre, Addison Hale ...': a title before someone else addressed by name, or a
    third person's title."""
    return _possessed(text, f) or (f.end <= start and bool(_VOCATIVE.match(text[f.end : start])))


def _owned_by(text: str, f: Finding, chunk: int, end: int) -> bool:
    """'Jayden Brooks's math teacher': the title belongs to someone else, the named one's."""
    if f.chunk != chunk or f.start < end:
        return False
    gap = text[end : f.start]
    possessive = gap[:1] in "'’" or text[max(0, end - 2) : end] in ("'s", "’s")
    return possessive and bool(_POSSESSIVE_OWNER.match(gap))


def _nearest_word(
    text: str, findings: Sequence[Finding], wanted: set[str], chunk: int, start: int, end: int
) -> str:
    """The nearest role word itself, quoted, for the explanation."""
    near = [f for f in findings if f.chunk == chunk and f.role in wanted and not f.monitor]
    if not near:
        return ""
    f = min(near, key=lambda f: _distance(f, start, end))
    return f" ({' '.join(text[f.start : f.end].split())!r})"


def _nearest(
    findings: Sequence[Finding], wanted: set[str], chunk: int, start: int, end: int
) -> int | None:
    f = _nearest_finding(findings, wanted, chunk, start, end)
    return None if f is None else _distance(f, start, end)


def _in_chunk(findings: Sequence[Finding], wanted: set[str], chunk: int) -> list[Finding]:
    return [f for f in findings if f.chunk == chunk and f.role in wanted and not f.monitor]


def _nearest_finding(
    findings: Sequence[Finding], wanted: set[str], chunk: int, start: int, end: int
) -> Finding | None:
    near = _in_chunk(findings, wanted, chunk)
    return min(near, key=lambda f: _distance(f, start, end), default=None)


def _adult(written: str, sent: date | None) -> bool:
    """A birth date at least ADULT_AGE years before the message was sent (today if it has no
    date): no K-12 pupil is that old, so '08/02/1988' is a new bus driver's."""
    born = parse_date(written)
    if born is None:
        return False
    on = sent or date.today()
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age >= ADULT_AGE


_SALUTATION = re.compile(
    r"^\s*(?:dear|hello|hi|good (?:morning|afternoon)|estimad[oa]|buen[oa]s? (?:tardes|días|dias))"
    r"[ \t,]+(?:mr|mrs|ms|sr|sra|srta)\.?[ \t]+([\w'’-]+)"
    # or the title and surname alone on the first line of a letter: "Sra. Ramírez,"
    r"|^\s*(?:mr|mrs|ms|sr|sra|srta)\.?[ \t]+([\w'’-]+)[ \t]*[,:][ \t]*$",
    re.I | re.M,
)
_SALUTATION_SET = RegexSet([_SALUTATION])


_HEADER_LINE = re.compile(r"@|\bwrote:|escribió:|^\s*>?\s*(?:from|to|cc|de|para):", re.I)


@lru_cache(maxsize=32)
def _addressee_surnames(text: str) -> frozenset[str]:
    """Surnames in a salutation ("Hello Mrs. Johnson,"): a parent, usually.

    Cached: every name in a part asks about the same text, and a long part's
    line-by-line search cost more than the rest of the name's checks."""
    if _SALUTATION_SET.candidates(text) == set():
        return frozenset()  # a long part with no salutation at all: not searched line by line
    return frozenset(name_key(m.group(1) or m.group(2)) for m in _SALUTATION.finditer(text))


def _child_of_addressee(text: str, start: int, end: int) -> bool:
    """'Hello Mrs. Johnson, Aaliyah Johnson came to the health office...': the child."""
    surnames = _addressee_surnames(text)
    words = name_key(text[start:end]).split()
    if not surnames or not any(w in surnames for w in words[1:]):
        return False
    line_start, line_end = _line_bounds(text, start, end)
    # the addressee's own name in a quoted header ("On Mon, Kevin Johnson <k@x> wrote:")
    return not _HEADER_LINE.search(text[line_start:line_end])


# "Managing Student Behavior", "Student Services", "Child Nutrition": "student" or "child"
# describing a thing, not a person
_STUDENT_ATTRIBUTE = re.compile(
    r"(?i:child[ \t]+(?:nutrition|care|development|find|protective|welfare|abuse|labor)|"
    r"students?[ \t]+(?:behaviou?r|achievement|growth|outcomes?|learning|engagement|"
    r"success|services|support|handbook|data|body|council|government|voice|centered|"
    r"performance|progress|teaching|teachers?|information system|management))\b"
)


def _attribute_word(text: str, f: Finding) -> bool:
    return f.role == "student_context" and bool(_STUDENT_ATTRIBUTE.match(text, f.start))


def _role(
    text: str,
    findings: Sequence[Finding],
    chunk: int,
    start: int,
    end: int,
    honorific: bool,
    sent: date | None = None,
) -> tuple[str, str]:
    findings = [f for f in findings if f.chunk != chunk or not _a_class_hour(text, f)]
    # only the nearest role word in this chunk is read: checking the others, each with a
    # search of the text between, made long parts quadratic
    pointing = [
        f
        for f in _in_chunk(findings, {"student_context", "student_id"}, chunk)
        if not (_points_away(text, f, start, end) or _attribute_word(text, f))
    ]
    student = _nearest(pointing, {"student_context", "student_id"}, chunk, start, end)
    theirs = [f for f in findings if f.role == "staff_context" and _owned_by(text, f, chunk, end)]
    if theirs and not honorific:  # "Camila Ortega's counselor": Camila has a counselor
        word = text[theirs[0].start : theirs[0].end]
        return "student", f"someone whose {word.lower()} is mentioned"
    if not honorific and (child := _someones_child(text, start, end)):
        return "student", f"somebody's child or a pupil in a class ({child!r})"
    line_start, line_end = _line_bounds(text, start, end)
    titles = _in_chunk(findings, {"staff_context", "staff_id"}, chunk)
    beside = [
        f
        for f in titles
        if (
            line_start <= f.start < line_end
            and not _addresses_another(text, f, start)
            and not (f.end <= start and _titles_another(text, f, start))
            and not (f.start >= end and _someone_elses_title(text, end, f))
        )
        or _titles(text, f, start, end)
    ]  # "Donna Estes (Office Manager": the same line; not a title in the next paragraph
    staff = _nearest(beside, {"staff_context", "staff_id"}, chunk, start, end)
    titling = [f for f in titles if _titles(text, f, start, end) and not _possessed(text, f)]
    staff_on_line = _nearest(titling, {"staff_context", "staff_id"}, chunk, start, end)
    if honorific:
        staff = staff_on_line = 0
    if staff is not None and staff <= STAFF_TIGHT and (student is None or staff < student):
        word = _nearest_word(text, beside, {"staff_context", "staff_id"}, chunk, start, end)
        if _PRESENTING.fullmatch(word.strip(" ()'\"")):
            return "contact", f"the one presenting{word}"  # an event's speaker, not its subject
        return "staff", "a staff title next to the name" + word
    if student is not None and student <= STUDENT_REACH:
        return "student", "presented as a student" + _nearest_word(
            text, pointing, {"student_context", "student_id"}, chunk, start, end
        )
    if not honorific and _child_of_addressee(text, start, end):
        return "student", "the child of the parent the message is addressed to"
    if staff_on_line is not None and staff_on_line <= STAFF_REACH:
        return "staff", "a staff word near the name" + _nearest_word(
            text, titling, {"staff_context", "staff_id"}, chunk, start, end
        )
    born = _nearest_finding(findings, {"date_of_birth"}, chunk, start, end)
    if born is not None and _distance(born, start, end) <= STUDENT_REACH:
        if _adult(text[born.start : born.end], sent):
            return "unknown", ADULT_BIRTH_DATE  # staff, a parent or a volunteer: not a pupil
        return "student", BY_BIRTH_DATE
    # no role word: a report card or IEP about someone is a student context (POLICY.md 2),
    # an evaluation or reprimand a personnel one; the nearer kind of information decides
    block = [f for f in findings if f.chunk == chunk and not _blank_line_between(text, f, start)]
    school = _nearest(block, {"student_record_doc"}, chunk, start, end)
    work = _nearest(block, {"staff_info"}, chunk, start, end)
    if school is not None and school <= STUDENT_REACH and (work is None or school < work):
        return "student", "named with student records information" + _nearest_word(
            text, findings, {"student_record_doc"}, chunk, start, end
        )
    if work is not None and work <= STAFF_REACH:
        return "staff", "named with personnel information" + _nearest_word(
            text, findings, {"staff_info"}, chunk, start, end
        )
    return "unknown", ""


def _blank_line_between(text: str, f: Finding, start: int) -> bool:
    """A paragraph break between a finding and a name: "Program Coordinator, Special
    Education" in one entry says nothing of the cardholder named in the next paragraph."""
    lo, hi = (f.end, start) if f.end <= start else (start, f.start)
    return bool(BLANK_LINE.search(text, lo, hi))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """NER spans can run over a line break or table padding: keep the first line's words."""
    surface = text[start:end]
    newline = surface.find("\n")
    if newline >= 0 and " " in surface[:newline].strip():
        surface = surface[:newline]  # "Diana Sparks\nCounselor": the next line is a title
    elif newline >= 0 and "\n" in surface[newline + 1 :]:
        surface = surface[:newline]
    # else a hard-wrapped name: "Chidera\nEze-Williams" stays whole
    surface = surface.rstrip()
    return start, start + len(surface)


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    return text.rfind("\n", 0, start) + 1, (text.find("\n", end) % (len(text) + 1)) or len(text)


def _is_signature(text: str, start: int, end: int) -> bool:
    """A name alone on its line (credentials aside: "Megan Hale, OTR/L") right after a
    sign-off ("Thanks," / "--")."""
    line_start, line_end = _line_bounds(text, start, end)
    after = text[end:line_end].strip(" \t,.")
    if text[line_start:start].strip() or (after and not _CREDENTIALS.fullmatch(after)):
        return False
    previous = text[:line_start].rstrip("\n").rsplit("\n", 1)[-1]
    return bool(_SIGN_OFF.match(previous))


# letters after a signed name: "RN, NCSN", "OTR/L", "M.Ed.", "LCSW-C"
_CREDENTIALS = re.compile(r"(?:[A-Z][A-Za-z./-]{0,9}(?:,[ \t]*|[ \t]+)?){1,4}")


def find_mentions(
    extraction: Extraction,
    findings: Sequence[Finding],
    author_names: Sequence[str],
    district: str = "",
) -> list[Mention]:
    authors = {name_key(a) for a in author_names if name_key(a)}
    district_words = set(name_key(district).split()) - _DISTRICT_GENERIC
    raw: list[Mention] = []
    order = sorted(
        (
            i
            for i, f in enumerate(findings)
            if (f.role == "person_name" or f.role in ROSTER_NAMES) and not f.monitor
        ),
        key=lambda i: (
            findings[i].role not in ROSTER_NAMES,  # a roster match wins over NER on the same name
            findings[i].chunk,
            findings[i].start,
            -(findings[i].end - findings[i].start),
        ),
    )
    for i in order:
        f = findings[i]
        text = extraction.chunks[f.chunk].text
        start, end = _trim(text, f.start, f.end)
        if (verb := _LEADING_VERB.match(text, start, end)) and f.role not in ROSTER_NAMES:
            start = verb.end()
        surface = text[start:end]
        if any(m.chunk == f.chunk and m.start < end and start < m.end for m in raw):
            continue  # NER and a labelled-name pattern found the same name
        rostered = f.role in ROSTER_NAMES
        # only the name lists vouch for a name in lower case; NER guesses at any phrase
        lower_ok = f.recognizer in LOWER_CASE_NAMES
        if not rostered and (not full_name(surface, lower_ok) or _names_a_place(text, end)):
            continue
        if not rostered and not vietnamese_order(surface.split()):
            continue  # NER reads Vietnamese prose as names: "Đêm Văn (nghệ)" is an evening
        if not rostered and _no_one(text, start, end, district_words):
            continue
        if f.recognizer in _GUESSED_NAMES:
            if len(surface.split()) >= 3 and _ends_in_a_word(surface):
                # "Marcus Thibodeaux-Grant Date (of birth)": the name, then a word
                surface = surface.rstrip().rsplit(None, 1)[0]
                end = start + len(surface)
            if _starts_with_a_word(surface) or _ends_in_a_word(surface):
                continue
        before = text[max(0, start - 12) : start].lower()
        honorific = bool(_HONORIFIC_BEFORE.search(before))
        key = name_key(_natural_order(surface) if rostered or ", " in surface else surface)
        role, why = _role(text, findings, f.chunk, start, end, honorific, extraction.sent)
        # "call Jayden Brooks's mom": the one to call is his mom
        theirs = any(t.endswith(("'s", "’s")) for t in (text[start:end], text[start : end + 2]))
        pupil = bool(_IN_CLASS_AFTER.match(text, end))  # "can you see Ana Ruiz (my room 22)"
        if not (theirs or pupil) and _CONTACT_BEFORE.search(text[max(0, start - 40) : start]):
            role, why = "contact", "the person to contact"
        elif _presents_an_agenda_item(text, start, end):
            role, why = "contact", "the one presenting an agenda item"
        if rostered:
            role, why = _roster_role(findings, i, role, why)
        author = (
            _is_author(key, authors)
            or _is_author(name_key(_NICKNAME.sub(" ", surface)), authors)  # 'Rosalind "Roz" A.'
            or _is_signature(text, start, end)
            or _signs_as_author(text, start, end, key, authors)
        )
        if not rostered and _inside_address(findings, f.chunk, start, end):
            # "2210 Roosevelt Ave": a street; its line still counts toward a mailing list
            role, why = "place", "part of a street address"
        raw.append(Mention(f.chunk, start, end, key, i, role, why, author))
    return _propagate(raw)


# "10:00  Dyslexia services under the handbook (Meredith Albright)": a session's presenter
_AGENDA_LINE = re.compile(r"[ \t>]*\d{1,2}(?::\d{2})?[ \t]*(?:[ap]\.?m\.?)?[ \t]", re.I)


def _presents_an_agenda_item(text: str, start: int, end: int) -> bool:
    line_start, line_end = _line_bounds(text, start, end)
    closes = text[end:line_end].strip() == ")" and text[:start].rstrip().endswith("(")
    return closes and bool(_AGENDA_LINE.match(text, line_start))


def _no_one(text: str, start: int, end: int, district_words: set[str]) -> bool:
    """A name-shaped phrase that names nobody who can be identified."""
    surface = text[start:end]
    return bool(
        _names_a_day_or_business(text, start, surface)
        or _WORD_GOES_ON.match(text, end)  # "adult S. Drop-off": no name ends in "-off"
        # "Bayou Verde", "Information Bayou Verde": the district's own name
        or len(set(name_key(surface).split()) & district_words) >= 2
        # "José Luis C.": given names and an initial identify nobody (F.2.a)
        or (", " not in surface and _INITIAL_AFTER.match(text, end))
        or _landform(surface)
        or _spanish_abstract_noun(surface)
    )


# recognizers that guess a name from its shape; labelled names ("Student: ...") are meant
_GUESSED_NAMES = {NER_RECOGNIZER, CASED_NAMES}


def _name_words(surface: str) -> list[str]:
    words = [w.strip(".,;:'\"()") for w in _natural_order(surface).split()]
    return [w for w in words if w and w.lower() not in _PARTICLES]


def _starts_with_a_word(surface: str) -> bool:
    """'Gulf Coast', 'Deputy Nguyen', 'Feria de Empleo': a phrase whose first word (in the
    name's natural order) is an everyday word rather than a given name or a frequent
    surname names nobody, however capitalised."""
    words = _name_words(surface)
    return bool(words) and reads_as_a_word(words[0])


def _ends_in_a_word(surface: str) -> bool:
    """'Thu Breakfast' on a menu: the last word is an everyday word nobody has as a surname."""
    words = _name_words(surface)
    return bool(words) and not surname(words[-1]) and reads_as_a_word(words[-1])


def _spanish_abstract_noun(surface: str) -> bool:
    """'Nutrición Infantil', 'Diagnosticadora Educativa': an office, a program or a job title,
    not a person (given names such as Concepción or Asunción aside)."""
    return any(
        name_key(w).endswith(_SPANISH_NOUN_ENDINGS) and not given_name(w) for w in surface.split()
    )


# offices, programs and job titles: "Educación Especial", "Diagnosticadora Educativa"
_SPANISH_NOUN_ENDINGS = ("cion", "sion", "adora", "edora", "idora", "ativa", "ativo")


# "Mill Pond", "Cedar Ridge": a school or neighbourhood named after the land, unless the
# first word is someone's given name ("Sandy Hill" may be a girl)
_LANDFORMS = {
    "pond", "creek", "falls", "hill", "hills", "ridge", "valley", "lake", "lakes", "river",
    "brook", "springs", "meadow", "meadows", "grove", "woods", "heights", "hollow", "glen",
    "canyon", "prairie", "bluff", "bluffs", "crossing", "landing", "harbor", "bayou", "mesa",
    "coast", "shore", "island", "plains", "pines", "oaks",
}  # fmt: skip


def _landform(surface: str) -> bool:
    words = surface.split()
    return len(words) == 2 and words[1].lower() in _LANDFORMS and not given_name(words[0])


_WORD_GOES_ON = re.compile(r"-[a-z]")
# the district's name (config `district.name`) reads as a person's: "Bayou Verde ISD"
_DISTRICT_GENERIC = {
    "school", "schools", "district", "independent", "unified", "consolidated", "community",
    "unit", "public", "county", "city", "isd", "usd", "cusd", "esd", "sd", "the", "of", "no",
}  # fmt: skip


def _names_a_day_or_business(text: str, start: int, surface: str) -> bool:
    """'Thu Sau' (Thứ Sáu, Friday), 'MON Chicken' (a menu's Monday), 'Tết Trung Thu',
    'Barnes & Noble McAllen', 'Farmacia Prescripciones Guadalupe': capitalised words that
    read as a name but name a day, a festival, a firm or a shop."""
    return bool(
        _WEEKDAY.fullmatch(surface)
        or _HOLIDAY.fullmatch(surface)
        or _FESTIVAL_BEFORE.search(text, max(0, start - 12), start)
        or _FESTIVAL_FIRST.match(surface)  # "Tet Hoa Binh", "Lễ Vu Lan"
        or text[max(0, start - 2) : start] == "& "
        or _VENUE_BEFORE.search(text, max(0, start - 24), start)
    )


_NICKNAME = re.compile(r"[\"“(][^\"”()]*[\"”)]")


def _is_author(key: str, authors: set[str]) -> bool:
    """The sender's name, or two or more of its words ("Fernández Ortega" of "Lucía F. O.")."""
    if key in authors:
        return True
    words = key.split()
    # "Lan Nguyen" signing as "Nguyễn Thị Lan": the same words in the other order
    return len(words) >= 2 and any(
        f" {key} " in f" {a} " or set(words) <= set(a.split()) for a in authors
    )


def _signs_as_author(text: str, start: int, end: int, key: str, authors: set[str]) -> bool:
    """A name alone on its line that is the sender's full name in another form (a signature).

    Only on its own line: a sentence about "Tyler Albright" from "Tom Albright" is about
    his son, not by him.
    """
    line_start, line_end = _line_bounds(text, start, end)
    before = text[line_start:start].strip()
    if (before and not _SIGNING_TITLE.fullmatch(before)) or text[end:line_end].strip(" \t,."):
        return False
    return any(_short_form(key.split(), a.split()) for a in authors)


# a title a signature may open with: "Coach Rey Batiste" signing mail from Reynaldo Batiste
_SIGNING_TITLE = re.compile(r"(?i:coach|mr|mrs|ms|dr|sr|sra|srta|profe|maestr[oa])\.?")


def _short_form(words: list[str], author: list[str]) -> bool:
    """'Thomas Albright' signing mail from 'Tom Albright': same surname, same initial."""
    return (
        len(words) == 2
        and len(author) == 2
        and words[1] == author[1]
        and len(words[1]) > 2
        and words[0][0] == author[0][0]
    )


def _inside_address(findings: Sequence[Finding], chunk: int, start: int, end: int) -> bool:
    return any(
        f.chunk == chunk and f.role in _ADDRESS_ROLES and f.start <= start and end <= f.end
        for f in findings
    )


def _natural_order(surface: str) -> str:
    """'Martinez, Jacob' → 'Jacob Martinez', so both spellings share one name key."""
    last, comma, first = surface.partition(",")
    return f"{first} {last}" if comma else surface


def _roster_role(findings: Sequence[Finding], i: int, role: str, why: str) -> tuple[str, str]:
    """A roster match identifies without role words; on both rosters the text decides."""
    f = findings[i]
    kinds = {
        ROSTER_NAMES[g.role]
        for g in findings
        if g.role in ROSTER_NAMES and g.chunk == f.chunk and g.start < f.end and f.start < g.end
    }
    if len(kinds) > 1:
        return (role, why) if role != "unknown" else ("student", "on the student and staff rosters")
    kind = ROSTER_NAMES[f.role]
    return kind, f"on the district's {kind} roster"


def _propagate(mentions: list[Mention]) -> list[Mention]:
    """What one mention establishes (student, staff, author) holds for the same name."""
    known: dict[str, Mention] = {}
    for m in mentions:
        if m.role != "unknown" and (m.key not in known or m.role == "student"):
            known[m.key] = m
    authors = {m.key for m in mentions if m.is_author}
    out = []
    for m in mentions:
        source = known.get(m.key)
        role, why = (source.role, source.why) if source and m.role == "unknown" else (m.role, m.why)
        out.append(Mention(m.chunk, m.start, m.end, m.key, m.finding, role, why, m.key in authors))
    return out


def roster_count(
    extraction: Extraction,
    findings: Sequence[Finding],
    mentions: Sequence[Mention],
) -> tuple[int, tuple[int, ...]]:
    """Distinct people listed with identifying data on their own line or table row."""
    people: set[str] = set()
    evidence: list[int] = []
    by_chunk: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        if f.role in IDENTIFIER_ROLES and not f.monitor:
            by_chunk.setdefault(f.chunk, []).append(i)
    for m in mentions:
        if m.chunk not in by_chunk:  # the sender's own row in a list is still a person
            continue
        text = extraction.chunks[m.chunk].text
        lo, hi = _line_bounds(text, m.start, m.end)
        on_line = [i for i in by_chunk[m.chunk] if lo <= findings[i].start < hi]
        if on_line and m.key not in people:
            people.add(m.key)
            evidence.extend(on_line[:1])
    rows = _table_rows_with_ids(extraction, findings)
    return max(len(people), rows), tuple(evidence)


def _table_rows_with_ids(extraction: Extraction, findings: Sequence[Finding]) -> int:
    """Distinct person IDs in one table: each identifies someone, whether or not NER saw names."""
    best = 0
    for index, chunk in enumerate(extraction.chunks):
        if chunk.kind is not ChunkKind.TABLE:
            continue
        values = {
            chunk.text[f.start : f.end]
            for f in findings
            if f.chunk == index and f.role in {"student_id", "staff_id", "high_risk_id"}
        }
        best = max(best, len(values))
    return best
