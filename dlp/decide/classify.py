"""Findings → POLICY.md categories (section 2), as a pure function.

A category needs two things at once, as the policy says: someone identified
(a student or staff member) *and* confidential information about them.  Names
come from spaCy PERSON (and labelled-name patterns); whether a name is a
student's or a staff member's comes from role words next to it (see
`people.py`).  "Maria G." is limited identification (F.2.a) and identifies
nobody; the sender's own name and signature are the author, not a subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from dlp.config import Settings
from dlp.decide.addressee import addressee, speaks_to_reader
from dlp.decide.learned import ModelScore
from dlp.decide.nearby import same_block
from dlp.decide.people import ADULT_BIRTH_DATE, Mention, find_mentions, roster_count
from dlp.decide.school import about_school_life, describe, school_signals
from dlp.decide.subjects import (
    in_header_line,
    is_bystander,
    places_of,
    school_life_student,
    subject_chunks,
    tied_findings,
)
from dlp.model import Category, ChunkKind, Classification, Extraction, Finding

CONFIDENTIAL_STUDENT = {
    "student_info", "student_record_doc", "student_id", "date_of_birth", "home_address",
    "personal_phone", "street_address",
}  # fmt: skip
NEAR_ONLY = {"student_info", "street_address"}
STUDENT_EVIDENCE = {"student_context", "student_id", "student_record_doc", "student_info"}
# What a paragraph ties to a person it names: a street address in the same paragraph as a
# name is as often the school's or the bus stop's as the student's home.
TIED_STUDENT = {
    "student_info",
    "student_record_doc",
    "student_id",
    "date_of_birth",
}  # a student's street address is their home
HOME_CONTACT = {"home_address", "personal_phone"}
CONFIDENTIAL_STAFF = {"staff_info", "home_address", "personal_phone", "date_of_birth"}
SIGNATURE_LINES = 3  # a signature's title and office lines under the name
STAFF_INFO_REACH = 400  # chars between a staff member's name and their personnel information
# Generic words ("anxiety", "grades") must sit near the student's name; record words (IEP,
# transcript), IDs, birth dates and home contacts count anywhere in the same part.
STUDENT_INFO_REACH = 400
# A bare street address is a student's home only right next to their name ("Owen Park, 412
# Willow Creek Dr"); a few lines away it is the school's, the meeting's or the bus stop's.
ADDRESS_REACH = 80


class _Evidence:
    """Findings indexed by role and chunk, for the rules below."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = findings
        self.roles: list[str] = [f.role for f in findings]

    def indices(self, roles: set[str], chunk: int | None = None) -> list[int]:
        return [
            i
            for i, (f, role) in enumerate(zip(self.findings, self.roles, strict=True))
            if role in roles and not f.monitor and (chunk is None or f.chunk == chunk)
        ]


def _student_record(
    ev: _Evidence,
    mentions: list[Mention],
    extraction: Extraction,
    notes: list[str],
    author_names: Sequence[str],
    addressee_names: Sequence[str] = (),
) -> tuple[int, ...]:
    ids = ev.indices({"student_id"})
    if ids:
        notes.append(f"student identified by {len(ids)} student ID number(s)")
        return tuple(ids)
    subjects = subject_chunks(extraction)
    students = [  # not a name in a quoted "De:" header line
        m
        for m in mentions
        if m.role == "student" and not m.is_author and not in_header_line(extraction, m)
    ]
    for m in students:
        confidential = [
            i
            for i in ev.indices(CONFIDENTIAL_STUDENT)
            if ev.findings[i].chunk in {m.chunk, *subjects}
            and (
                ev.roles[i] not in NEAR_ONLY
                or ev.findings[i].chunk in subjects  # the subject is about the whole message
                or _near(
                    ev.findings[i],
                    m,
                    STUDENT_INFO_REACH if ev.roles[i] != "street_address" else ADDRESS_REACH,
                )
            )
        ]
        if not confidential:  # the same paragraph as any place they are named
            places = places_of(extraction, mentions, m.key)
            confidential = list(
                tied_findings(extraction, ev.findings, places, ev.indices(TIED_STUDENT))
            )
        if confidential:
            notes.append(f"student named ({m.why}) with confidential student information")
            return (m.finding, *confidential)
    return _school_life_student(ev, mentions, extraction, notes, author_names, addressee_names)


def _school_life_student(
    ev: _Evidence,
    mentions: list[Mention],
    extraction: Extraction,
    notes: list[str],
    author_names: Sequence[str],
    addressee_names: Sequence[str],
) -> tuple[int, ...]:
    """A person with no role word, in a message about school life, with student information."""
    unknown = any(m.role == "unknown" and not m.is_author for m in mentions)
    # in mail about school life a named person's home phone or address is a family's
    tied = ev.indices(TIED_STUDENT | HOME_CONTACT)
    if not unknown or not tied:
        return ()  # most mail: nobody to weigh, so the whole message is not read again
    signals = school_signals(extraction, ev.findings, author_names, addressee_names)
    if not about_school_life(signals):
        return ()
    found = school_life_student(extraction, ev.findings, mentions, tied)
    if found is None:
        return ()
    notes.append(f"the message is about school life: {describe(signals)}")
    notes.append(
        "a person named in full counts as a student there; confidential student information "
        f"{found.where}"
    )
    return (found.mention.finding, *found.evidence)


def _staff_record(
    ev: _Evidence,
    mentions: list[Mention],
    extraction: Extraction,
    notes: list[str],
    students: frozenset[str] = frozenset(),
) -> tuple[int, ...]:
    """An employee ID or a staff member's name with personnel information about them."""
    info = ev.indices(CONFIDENTIAL_STAFF)
    if not info:
        return ()
    for i in ev.indices({"staff_id"}):
        same_chunk = [j for j in info if ev.findings[j].chunk == ev.findings[i].chunk]
        if same_chunk:
            notes.append("staff member identified by employee ID with personnel information")
            return (i, *same_chunk)
    subjects = subject_chunks(extraction)
    workplace = _workplace(ev, extraction)
    for m in mentions:
        if m.role in ("student", "place", "contact") or m.is_author or _one_of(m.key, students):
            continue  # a pupil: "evaluación" next to her name is hers
        # personnel terms make a named person staff; home contacts only count for known staff
        wanted = CONFIDENTIAL_STAFF if m.role == "staff" else {"staff_info"}
        near = [
            j
            for j in info
            if ev.roles[j] in wanted
            and (
                (
                    _near(ev.findings[j], m, STAFF_INFO_REACH)
                    and not _section_between(extraction, ev.findings[j], m)
                )
                or ev.findings[j].chunk in subjects
            )
        ]
        why = m.why or "near personnel terms"
        if not near and not is_bystander(extraction, m):  # the same paragraph, wherever named
            # a home address given in HR mail; not the home phone of the student found above
            if m.role == "unknown" and workplace:
                wanted = wanted | HOME_CONTACT
                why = f"in mail about staff ({workplace})"
            places = places_of(extraction, mentions, m.key)
            candidates = (j for j in info if ev.roles[j] in wanted)
            near = list(tied_findings(extraction, ev.findings, places, candidates))
        if near:
            notes.append(f"staff member named ({why}) with personnel information")
            return (m.finding, *near)
    return ()


def _home_contacts(
    ev: _Evidence,
    mentions: list[Mention],
    extraction: Extraction,
    notes: list[str],
    names: tuple[Sequence[str], Sequence[str]],
) -> tuple[int, ...]:
    """Named adults' home addresses or personal phones in mail that is not about students.

    District mail that lists people with their home contacts and says nothing of
    school life (no student, parent, class or record) is about colleagues: cabinet
    members' addresses for cards, proctors' personal cells.
    """
    contacts = ev.indices(HOME_CONTACT)
    people = [m for m in mentions if m.role == "unknown" and not m.is_author]
    if not contacts or not people:
        return ()
    signals = school_signals(extraction, ev.findings, *names)
    if about_school_life(signals) or any(s.kind == "a family word" for s in signals):
        return ()
    for m in people:
        if is_bystander(extraction, m):
            continue
        places = places_of(extraction, mentions, m.key)
        tied = tied_findings(extraction, ev.findings, places, contacts) or tuple(
            i for i in contacts if any(same_block(extraction, p, ev.findings[i]) for p in places)
        )
        if tied:
            notes.append("staff member named with home contact details in mail not about students")
            return (m.finding, *tied)
    return ()


def _personnel_letter(
    ev: _Evidence,
    extraction: Extraction,
    notes: list[str],
    author_names: Sequence[str],
    addressee_names: Sequence[str],
) -> tuple[int, ...]:
    """A notice about someone's employment written to them: the addressee is its subject."""
    info = ev.indices({"staff_info"})
    if not info:
        return ()
    to = addressee(extraction, addressee_names, author_names)
    if to is None:
        return ()
    about = [
        i
        for i in info
        if ev.findings[i].chunk == to.chunk
        and speaks_to_reader(extraction, to.chunk, ev.findings[i].start, ev.findings[i].end)
    ]
    if not about:
        return ()
    greeted = extraction.chunks[to.chunk].text[to.start : to.end]
    notes.append(
        f"a letter to {to.name} (To header; greeted as {greeted!r}) with personnel information"
    )
    return tuple(about)


def _learned_record(
    ev: _Evidence,
    mentions: list[Mention],
    extraction: Extraction,
    notes: list[str],
    opinion: ModelScore,
) -> tuple[Category, tuple[int, ...]] | None:
    """The first person named in full who is not the author, a greeting, a place or an
    adult outside staff: the model says the message is a record, and this is whom it can
    be about; someone with no staff title first.  A person with no role word is staff
    where the message says more of staff than of pupils (a list of new hires); where only
    staff are named and it says clearly more of pupils, the record is a pupil's."""
    candidates = [
        m
        for m in mentions
        if not (m.is_author or m.role in ("place", "contact") or is_bystander(extraction, m))
        and m.why != ADULT_BIRTH_DATE  # a parent or a volunteer, never a pupil
    ]
    if not candidates:
        return None
    m = next((c for c in candidates if c.role != "staff"), candidates[0])
    staff_words = len(_staff_evidence(ev, mentions, extraction))
    pupil_words = len(ev.indices(STUDENT_EVIDENCE))
    notes.append(
        f"the learned model reads the message as a record about someone: {opinion.describe()}"
    )
    if m.role == "staff" and 2 * pupil_words > 3 * staff_words:
        # only a staff member is named, in mail that says clearly more of pupils (half as
        # many words again): the record is a pupil's who is not named in full
        notes.append(f"the one named in full is staff ({m.why}); the mail is about a pupil")
        return Category.STUDENT_RECORD, (m.finding,)
    staff = m.role == "staff" or (m.role == "unknown" and staff_words > pupil_words)
    why = m.why or ("no role word, in mail about staff" if staff else "no role word")
    notes.append(f"a person named in full ({why}) is whom it is about")
    return (Category.STAFF_RECORD if staff else Category.STUDENT_RECORD), (m.finding,)


def _staff_evidence(
    ev: _Evidence, mentions: Sequence[Mention], extraction: Extraction
) -> list[int]:
    """Staff titles, personnel terms and employee IDs, except in the author's signature:
    the author's own title ("District School Nurse") says who writes, not whom it is about."""
    signatures = [m for m in mentions if m.is_author]
    return [
        i
        for i in ev.indices({"staff_context", "staff_info", "staff_id"})
        if not any(_signs_under(extraction, m, ev.findings[i]) for m in signatures)
    ]


def _signs_under(extraction: Extraction, m: Mention, f: Finding) -> bool:
    """A finding in the few lines under the author's name: their title and office."""
    if f.chunk != m.chunk or f.start < m.end:
        return False
    return extraction.chunks[f.chunk].text.count("\n", m.end, f.start) <= SIGNATURE_LINES


def _employee(m: Mention) -> Mention:
    """A person presented by an adult's birth date, in mail about staff: a new hire's packet."""
    if m.role == "unknown" and m.why == ADULT_BIRTH_DATE:
        return replace(m, role="staff", why=f"{ADULT_BIRTH_DATE}, in mail about staff")
    return m


def _workplace(ev: _Evidence, extraction: Extraction) -> str:
    """A staff title, personnel term or employee ID anywhere: the message is about staff."""
    found = ev.indices({"staff_context", "staff_info", "staff_id"})
    if not found:
        return ""
    f = ev.findings[found[0]]
    return repr(" ".join(extraction.chunks[f.chunk].text[f.start : f.end].split()))


def _one_of(key: str, keys: frozenset[str]) -> bool:
    """The same person, or their surnames alone ("diaz acevedo" of "yamilet diaz acevedo")."""
    words = set(key.split())
    return any(words <= set(k.split()) for k in keys)


def _near(f: Finding, m: Mention, reach: int) -> bool:
    return f.chunk == m.chunk and (abs(f.start - m.end) <= reach or abs(m.start - f.end) <= reach)


# a blank line, then a heading in capitals on its own line: "\n\nREMINDERS\n"
_SECTION_HEADING = re.compile(r"\n[ \t]*\n[ \t]*[A-Z][A-Z0-9 &/'’-]{2,40}:?[ \t]*\n")


def _section_between(extraction: Extraction, f: Finding, m: Mention) -> bool:
    """A newsletter's next section ("CONGRATULATIONS ... REMINDERS") is about someone else:
    characters alone would tie its reminder about medical leave to the honoree above."""
    lo, hi = sorted((min(f.end, m.end), max(f.start, m.start)))
    return bool(_SECTION_HEADING.search(extraction.chunks[f.chunk].text, lo, hi))


def classify(
    extraction: Extraction,
    findings: Sequence[Finding],
    settings: Settings,
    author_names: Sequence[str] = (),
    addressee_names: Sequence[str] = (),
    opinion: ModelScore | None = None,
) -> Classification:
    """`opinion`: the learned model's score, given only when the rules alone found no record."""
    ev = _Evidence(findings)
    notes: list[str] = []
    mentions = find_mentions(extraction, findings, author_names, settings.district.name)
    if _staff_evidence(ev, mentions, extraction):  # mail about staff
        mentions = [_employee(m) for m in mentions]
    evidence: dict[Category, tuple[int, ...]] = {}

    high = ev.indices({"high_risk_id"})
    if high:
        evidence[Category.HIGH_RISK_ID] = tuple(high)
        notes.append(f"{len(high)} government or financial identifier(s)")
    student = _student_record(ev, mentions, extraction, notes, author_names, addressee_names)
    if student:
        evidence[Category.STUDENT_RECORD] = student
    # whoever the message presents as a pupil (the record's subject, a roster's rows) is not
    # also a colleague: "Diaz Acevedo" in the note is "Diaz Acevedo, Yamilet" in the list
    student_keys = frozenset(
        m.key for m in mentions if m.role == "student" or (student and m.finding == student[0])
    )
    staff = (
        _staff_record(ev, mentions, extraction, notes, student_keys)
        or _personnel_letter(ev, extraction, notes, author_names, addressee_names)
        or _home_contacts(ev, mentions, extraction, notes, (author_names, addressee_names))
    )
    if staff:
        evidence[Category.STAFF_RECORD] = staff
    if opinion is not None and not (student or staff):
        learned = _learned_record(ev, mentions, extraction, notes, opinion)
        if learned:
            evidence[learned[0]] = learned[1]
    people, rows = roster_count(extraction, findings, mentions)
    if people >= settings.policy.bulk_threshold:
        evidence[Category.BULK_ROSTER] = rows
        notes.append(
            f"identifying data about {people} people (threshold {settings.policy.bulk_threshold})"
        )
    if extraction.unscannable:
        evidence[Category.UNSCANNABLE] = ()
        notes.append(f"{len(extraction.unscannable)} part(s) could not be read")
    tables = sum(1 for c in extraction.chunks if c.kind is ChunkKind.TABLE)
    if tables:
        notes.append(f"{tables} table(s) read with column headers as context")
    return Classification(frozenset(evidence), evidence, tuple(notes))
