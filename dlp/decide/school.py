"""Is this message, as a whole, about school life or about someone's employment?

Role words next to a name ("student", "son", "grade 4") are how a reader is
*told* who a person is; mostly a reader simply *knows*, because the message is
plainly about school: it mentions a class period, is signed by a teacher,
counselor or nurse, is addressed to a parent, names a grade level or a
school site, or names someone on the student roster.  This module lists
those signals for the whole message (every part, quoted and forwarded text
included) so classification can say "this person is a student because the
message is about school life: class period, counselor's signature", and
`dlp explain` can show each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex as re

from dlp.detect.regex_set import RegexSet
from dlp.model import Extraction, Finding

# Findings whose recognizer says something about school life (role → signal kind).
_FINDING_SIGNALS = {
    "student_context": "a student word or grade level",
    "student_id": "a student ID",
    "roster_student": "a name on the student roster",
    "student_record_doc": "a student record word",
}
# "son", "hija", "con": a family, which a school message names among other signs
_FAMILY = re.compile(
    r"\b(?:son|daughter|child|kiddo|grandson|granddaughter|stepson|stepdaughter|hij[oa]s?|"
    r"niñ[oa]|nin[oa]|niet[oa]|menor|con trai|con gái|con gai|con của|con cua|cháu|"
    r"(?:his|her) (?:mom|mother|dad|father|parents|guardian))\b",
    re.I,
)
# a teacher's shorthand for a pupil's family: "i called mom", "la mamá dio permiso"
_FAMILY_TEXT = re.compile(
    r"\b(?:(?:called|call|texted|emailed|told|spoke (?:to|with)|talked (?:to|with)|"
    r"met with|left a message for)[ \t]+(?:mom|mama|dad|grandma|home|the parents?)|"
    r"(?:mom|dad|the parents?) (?:knows?|was called|is aware|picked (?:him|her) up)|"
    r"\w+['’]s (?:mom|dad|mother|father|parents|guardian|grandma|grandmother)|"
    r"(?:his|her|their) (?:mom|dad|mother|father|parents|guardian|grandma|grandmother|"
    r"grandfather|aunt|uncle)|"
    r"(?:su|la|el|sus) (?:mamá|mama|papá|papa|madre|padre|padres|abuela|abuelo|tutora?)|"
    r"(?:mamá|mama|papá|papa|madre|padre|padres) de|"
    r"(?:mẹ|bố|ba|phụ huynh|phu huynh|me|bo) (?:của |cua )?(?:em|cháu|chau))\b",
    re.I,
)
_SCHOOL_STAFF = re.compile(
    r"\b(?:teacher|counselor|counsellor|school nurse|nurse|school psychologist|"
    r"case manager|speech-language pathologist|resource specialist|intervention specialist|"
    r"nutrition services|food services|cafeteria manager|transportation supervisor|"
    r"bus driver|health aide|health office|health tech|athletic director|athletic trainer|"
    r"school social worker|"
    r"campus supervisor|registrar|"
    r"attendance clerk|attendance secretary|discipline clerk|attendance (?:&|and) discipline|"
    r"assistant principal|vice principal|dean of students|"
    r"maestr[oa]|profesor[a]?|consejer[oa]|orientador[a]?|enfermera|director[a]? de la escuela|"
    r"giáo viên|giao vien|cô giáo|co giao|thầy giáo|thay giao|hiệu trưởng|hieu truong|"
    r"y tá học đường|y ta hoc duong|cô ơi|co oi|thầy ơi|thay oi)(?:e?s)?\b",
    re.I,
)
_SENDER_TITLE = re.compile(
    r"\b(?:RN|LVN|LPN|PsyD|Ed\.?D|M\.?Ed|LCSW|SLP|CCC-SLP|OTR/L|teacher|counselor|nurse|"
    r"school psychologist|maestr[oa]|consejer[oa]|enfermera|enfermer[ií]a|giáo viên|y tá|"
    r"homeless liaison)\b",
    re.I,
)
_QUOTED_SENDER = re.compile(
    r"^[ \t>]*(?:from|de|từ)[ \t]*:[^\n]*?\b(RN|LVN|LPN|LCSW|LSSP|SLP|CCC-SLP|school nurse|"
    r"counselor|school psychologist)\b",
    re.I | re.M,
)
_PARENT_ADDRESSED = re.compile(
    r"^[ \t>]*(?:dear|hello|hi|good (?:morning|afternoon)|estimad[oa]s?|queridos?|querida|"
    r"hola|buen[oa]s? (?:días|dias|tardes)|kính gửi|kinh gui|thưa|thua|chào|chao)\b[ \t,]*"
    r"(?:(?:mr|mrs|ms|sr|sra|srta)\.?[ \t]+\w+|(?:the[ \t]+)?(?:\w+[ \t]+)?(?:parents?|guardians?|"
    r"famil(?:y|ies)|padres?|madres?|familias?|tutor(?:es)?|phụ huynh|phu huynh|gia đình|"
    r"gia dinh|anh chị|anh chi)\b)",
    re.I | re.M,
)
_SCHOOL_SITE = re.compile(
    r"\b(?:\p{Lu}\w+[ \t]+)?(?:Elementary|Middle School|High School|Intermediate School|"
    r"Primary School|Academy|(?i:escuela|primaria|secundaria|preparatoria)|Trường|Truong|"
    r"School District|Distrito Escolar|Học khu|Hoc khu)\b"
    r"|\b\p{Lu}\w+[ \t]+(?:MS|ES|HS|Elem\.?)(?![\w-])"  # "Brantley Oaks MS & Satilla Bend ES"
)
_SCHOOL_LIFE_WORDS = re.compile(
    r"\b(?:homeroom|recess|lunch duty|classroom|class period|semester|quarter grades|"
    r"report card|parent[- ]teacher conference|back to school|field trip|field day|trimester|"
    r"school bus|bus route|bus stop|bus \d{1,3}|tryouts|in PE|PE class|at recess|"
    r"(?:in|from|to|for) my (?:class|classes|classroom|period)|in class|"
    r"(?:leave|miss(?:ed|es|ing)?|skip(?:ped|ping|s)?|late (?:to|for)|back (?:to|in)|out of) "
    r"class|parent conf(?:erence)?|work packets?|homework|make-?up work|retest|"
    r"\d(?:st|nd|rd|th) (?:per|pd|period|hr|hour|block)|(?:all|both|\d|six|seven) periods|"
    r"tareas|trabajos? de clase|bài tập về nhà|bai tap ve nha|"
    r"my (?:seniors|juniors|freshmen|sophomores|kiddos|caseload)|ở trường|o truong|"
    r"kindergarten|pre-?k|preschool|(?:at|during) circle|unit \d+ (?:test|quiz)|"
    r"l[oa] mandamos a (?:la )?casa|sent (?:him|her) home|"
    r"của trường|cua truong|re-?entry meeting|after-school|"
    r"(?:her|his|their) (?:(?:PE|math|science|English|history|art|music|band|homeroom|"
    r"reading|ELD|special ed|resource|\d(?:st|nd|rd|th) period) )?teachers?|"
    r"my (?:students|class|kids|runners|players|athletes|swimmers|team)|"
    r"salón de clases|aula|recreo|en (?:mi|la) clase|mis (?:alumnos|estudiantes)|autobús escolar|"
    r"lớp học|lop hoc|giờ ra chơi|gio ra choi|họp phụ huynh|hop phu huynh|trong lớp|trong lop)\b",
    re.I,
)
_CLASSROOM = re.compile(
    r"\b(?:room|rm\.?|classroom|sal[oó]n|aula|phòng học|phòng|phong|lớp|lop)[ \t]*#?[ \t]*"
    r"\d{1,3}[A-Za-z]?\b"
    r"|\b(?:substitute|sub plans|covering (?:my|the|her|his) class|covering (?:rm|room) \d+)\b",
    re.I,
)
# "jayden morales (6th, desert willow)", "(8.º)": a grade in brackets after a name
_GRADE_IN_BRACKETS = re.compile(
    r"\((?:TK|K|\d{1,2}(?:st|nd|rd|th)|\d{1,2}(?:\.?[º°o]|er|ro|do|to|vo|no|mo))"
    r"(?:\)|,|[ \t]+grade\b|[ \t]+grado\b)",
    re.I,
)
_LIST_DETAIL = {"student_info", "student_record_doc", "date_of_birth", "student_id"}
# "sophia ramirez - tree nuts (epipen)": three lines that start with a name, two of them
# with a record detail, are a list of pupils
LIST_ROWS, LIST_DETAILS = 3, 2
_BULLET = re.compile(r"[\s>*•\-\d.)]+")
# One of these alone is enough; other kinds need a second (a flyer about "IEP rights" has one).
STRONG = {
    "a student word or grade level", "a student ID", "a name on the student roster",
    "a parent or guardian addressed", "a student record word", "a list of named people",
}  # fmt: skip


_TEXT_SIGNALS = (  # searched in every part, in this order
    ("a family word", _FAMILY_TEXT),
    ("a school staff member's title", _SCHOOL_STAFF),
    ("a parent or guardian addressed", _PARENT_ADDRESSED),
    ("a school site", _SCHOOL_SITE),
    ("school-day words", _SCHOOL_LIFE_WORDS),
    ("a classroom", _CLASSROOM),
    ("a grade in brackets", _GRADE_IN_BRACKETS),
)
# one Hyperscan pass says which of them (and the quoted sender's title) a part can hold:
# a long digest that has none of them is not searched once per pattern
_TEXT_SET = RegexSet([rx for _, rx in _TEXT_SIGNALS] + [_QUOTED_SENDER])


@dataclass(frozen=True)
class Signal:
    kind: str
    where: str  # the part of the message it was seen in
    text: str


def school_signals(
    extraction: Extraction,
    findings: Sequence[Finding],
    author_names: Sequence[str] = (),
    addressee_names: Sequence[str] = (),
) -> list[Signal]:
    """Every distinct kind of school-life signal in the message, with where it was seen."""
    seen: dict[str, Signal] = {}

    def add(kind: str, chunk: int, text: str) -> None:
        if kind not in seen:
            where = extraction.chunks[chunk].where
            seen[kind] = Signal(kind, where, " ".join(text.split())[:40])

    for f in findings:
        if f.role in _FINDING_SIGNALS and not f.monitor:
            text = extraction.chunks[f.chunk].text[f.start : f.end]
            family = f.role == "student_context" and _FAMILY.search(text)
            add("a family word" if family else _FINDING_SIGNALS[f.role], f.chunk, text)
    possible = [_TEXT_SET.candidates(chunk.text) for chunk in extraction.chunks]
    for index, chunk in enumerate(extraction.chunks):
        for i, (kind, rx) in enumerate(_TEXT_SIGNALS):
            if kind not in seen and _may(possible[index], i) and (m := rx.search(chunk.text)):
                add(kind, index, m.group())
    if listed := _named_list(extraction, findings):
        add("a list of named people", *listed)
    quoted = len(_TEXT_SIGNALS)
    for index, chunk in enumerate(extraction.chunks):  # "From: Annette Fontenot, RN" forwarded
        title = "the sender's title" not in seen and _may(possible[index], quoted)
        if title and (m := _QUOTED_SENDER.search(chunk.text)):
            add("the sender's title", index, m.group(1))
    for name in author_names:  # "Donna Pruitt, RN" in the From header
        if (m := _SENDER_TITLE.search(name)) and "the sender's title" not in seen:
            seen["the sender's title"] = Signal("the sender's title", "the From header", m.group())
    for name in addressee_names:  # written to "Beatriz Anaya Quintero, RN"
        if (m := _SENDER_TITLE.search(name)) and "the recipient's title" not in seen:
            kind = "the recipient's title"
            seen[kind] = Signal(kind, "the To/Cc header", m.group())
    return sorted(seen.values(), key=lambda s: s.kind)


def _may(possible: set[int] | None, pattern: int) -> bool:
    return possible is None or pattern in possible


def _line_of(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _named_list(extraction: Extraction, findings: Sequence[Finding]) -> tuple[int, str] | None:
    """Lines that each start with a name, some with a record detail (an allergy, a grade, a
    birth date): a list of pupils, whatever its heading says."""
    starts: dict[int, set[int]] = {}
    details: dict[int, set[int]] = {}
    for f in findings:
        text = extraction.chunks[f.chunk].text
        line = _line_of(text, f.start)
        if f.role == "person_name" and not _BULLET.sub("", text[line : f.start]):
            starts.setdefault(f.chunk, set()).add(line)
        elif f.role in _LIST_DETAIL and not f.monitor:
            details.setdefault(f.chunk, set()).add(line)
    for chunk, lines in starts.items():
        rows = sorted(lines & details.get(chunk, set()))
        if len(lines) >= LIST_ROWS and len(rows) >= LIST_DETAILS:
            return chunk, extraction.chunks[chunk].text[rows[0] :].split("\n", 1)[0]
    return None


def about_school_life(signals: Sequence[Signal]) -> bool:
    """Two kinds of signal, or one that only school life gives (a class, a parent, a roster)."""
    kinds = {s.kind for s in signals}
    return len(kinds) >= 2 or bool(kinds & STRONG)


def describe(signals: Sequence[Signal]) -> str:
    return "; ".join(f"{s.kind} ({s.text!r} in {s.where})" for s in signals[:4])
