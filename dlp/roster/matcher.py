"""Exact roster matching: hash the message's token windows and look them up.

A name is found when a run of 2-5 words, all capitalised or all lower case,
folded as at import, hashes to a roster name ("Martinez, Jacob" is read as
"Jacob Martinez"; "jacob martinez" as typed in a hurry).  An ID is a token
with a digit whose letters and digits hash to a roster ID; because a bare
number can be anything (an invoice, a zip+4), a roster ID counts only with an
ID word before it on its line, a record word (IEP, grades) within a few
lines, or the same person's name elsewhere in the message.  A birth date counts only for a
student the message already identifies (any date matches *someone* among
50,000 students).  Staff personal emails and phones are specific enough alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from dlp.model import Finding, TextChunk
from dlp.roster.normalise import (
    MAX_NAME_TOKENS,
    MIN_ID_CHARS,
    PARTICLES,
    date_keys,
    email_key,
    fold,
    id_key,
    phone_key,
)
from dlp.roster.store import (
    GUARDIAN,
    STAFF_CONTACT,
    STAFF_ID,
    STAFF_NAME,
    STUDENT_DOB,
    STUDENT_ID,
    STUDENT_NAME,
    Hasher,
    RosterData,
    Table,
)

SCORE = 0.95  # an exact match against the district's own records
RECOGNIZER = "roster"
MAX_ID_CHARS = 20
ID_CONTEXT_REACH = 40  # characters before an ID, on its line, searched for an ID word
RECORD_WORD_REACH = 200  # "100234: failing Algebra, IEP review": a record word makes an ID count
# entity, role (dlp.detect.patterns.ROLES) per kind of hit
STUDENT_NAME_HIT = ("ROSTER_STUDENT_NAME", "roster_student")
STAFF_NAME_HIT = ("ROSTER_STAFF_NAME", "roster_staff")
STUDENT_ID_HIT = ("ROSTER_STUDENT_ID", "student_id")
STAFF_ID_HIT = ("ROSTER_STAFF_ID", "staff_id")
DOB_HIT = ("ROSTER_DOB", "date_of_birth")
CONTACT_HIT = ("ROSTER_STAFF_CONTACT", "personal_phone")

_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NAME_GAP = re.compile(r"^[ \t\xa0]*(?:[-,][ \t\xa0]*)?$")
_POSSESSIVE = re.compile(r"['’]s?$")
_ID_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]*\d)[^\W_]+(?:-[^\W_]+)*(?![\w-])")
_ID_CONTEXT = re.compile(
    r"(?:\b(?:id|ids|ssid|sid|student|students|employee|emp|staff|number|no|num|perm|sis|"
    r"statewide|local)\b|#)[^\n]*$",
    re.I,
)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\d-])")
_DATE = re.compile(
    r"(?<![\d/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d/.-])"
    r"|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{1,2}\s+(?:de\s+)?[A-Za-z]{3,10}\.?,?\s+(?:de\s+)?\d{4}\b"
)


@dataclass
class Hits:
    """Roster findings of one message and the people they point at."""

    findings: list[Finding] = field(default_factory=list)
    students: set[int] = field(default_factory=set)  # owners identified by name or ID
    staff: set[int] = field(default_factory=set)

    def add(self, hit: tuple[str, str], chunk: int, start: int, end: int, kind: str) -> None:
        entity, role = hit
        self.findings.append(
            Finding(entity, SCORE, chunk, start, end, role, recognizer=RECOGNIZER, pattern=kind)
        )


@dataclass(frozen=True)
class _Candidate:
    chunk: int
    start: int
    end: int
    owners: tuple[int, ...]
    context: bool


class RosterMatcher:
    """Looks message text up in one loaded roster; read-only, one per store version."""

    def __init__(self, data: RosterData, hasher: Hasher) -> None:
        self.data = data
        self.hash = hasher
        self._empty = Table()

    def _table(self, name: str) -> Table:
        return self.data.tables.get(name, self._empty)

    def match(self, chunks: Sequence[TextChunk], confidential: Sequence[Finding] = ()) -> Hits:
        """Roster hits; `confidential` findings (record words) let a bare ID near them count."""
        hits = Hits()
        ids: list[tuple[str, _Candidate]] = []
        for index, chunk in enumerate(chunks):
            self._names(index, chunk.text, hits)
            near = [(f.start, f.end) for f in confidential if f.chunk == index]
            ids.extend(self._id_candidates(index, chunk.text, near))
            self._contacts(index, chunk.text, hits)
        self._accept_ids(ids, hits)
        if hits.students and len(self._table(STUDENT_DOB)):
            for index, chunk in enumerate(chunks):
                self._dobs(index, chunk.text, hits)
        return hits

    def _names(self, index: int, text: str, hits: Hits) -> None:
        """Runs of capitalised words ("Jacob Martinez", "MARTINEZ, JACOB"), or of lower-case
        words as hurried mail writes them ("jacob martinez"): one case per run."""
        tokens = list(_NAME_TOKEN.finditer(text))
        i = 0
        while i < len(tokens):
            matched = 0
            for size in range(min(MAX_NAME_TOKENS, len(tokens) - i), 1, -1):
                window = tokens[i : i + size]
                if not _one_case(window):
                    continue
                key = _window_key(text, window)
                if key is None:
                    continue
                digest = self.hash("name", key)
                students = tuple(self._table(STUDENT_NAME).owners_of(digest))
                staff = tuple(self._table(STAFF_NAME).owners_of(digest))
                start, end = window[0].start(), _name_end(window[-1])
                kind = "last, first" if "," in text[start:end] else "name"
                if students:
                    hits.add(STUDENT_NAME_HIT, index, start, end, kind)
                    hits.students.update(students)
                if staff:
                    hits.add(STAFF_NAME_HIT, index, start, end, kind)
                    hits.staff.update(staff)
                if students or staff:
                    matched = size
                    break
            i += matched or 1

    def _id_candidates(
        self, index: int, text: str, confidential: Sequence[tuple[int, int]]
    ) -> Iterator[tuple[str, _Candidate]]:
        for m in _ID_TOKEN.finditer(text):
            value = id_key(m.group())
            if not MIN_ID_CHARS <= len(value) <= MAX_ID_CHARS:
                continue
            digest = self.hash("id", value)
            before = text[max(0, m.start() - ID_CONTEXT_REACH) : m.start()]
            context = bool(_ID_CONTEXT.search(before.rsplit("\n", 1)[-1])) or any(
                abs(start - m.end()) <= RECORD_WORD_REACH
                or abs(m.start() - end) <= RECORD_WORD_REACH
                for start, end in confidential
            )
            for table in (STUDENT_ID, STAFF_ID):
                owners = tuple(self._table(table).owners_of(digest))
                if owners:
                    yield table, _Candidate(index, m.start(), m.end(), owners, context)

    def _accept_ids(self, candidates: list[tuple[str, _Candidate]], hits: Hits) -> None:
        """An ID counts with an ID word before it, or with its owner's name in the message."""
        named = {STUDENT_ID: set(hits.students), STAFF_ID: set(hits.staff)}
        for table, c in candidates:
            if not (c.context or named[table].intersection(c.owners)):
                continue
            if table == STUDENT_ID:
                hits.add(STUDENT_ID_HIT, c.chunk, c.start, c.end, "id")
                hits.students.update(c.owners)
            else:
                hits.add(STAFF_ID_HIT, c.chunk, c.start, c.end, "id")
                hits.staff.update(c.owners)

    def _contacts(self, index: int, text: str, hits: Hits) -> None:
        table = self._table(STAFF_CONTACT)
        if not len(table):
            return
        for kind, regex, norm in (("email", _EMAIL, email_key), ("phone", _PHONE, phone_key)):
            for m in regex.finditer(text):
                value = norm(m.group())
                owners = tuple(table.owners_of(self.hash(kind, value))) if value else ()
                if owners:
                    hits.add(CONTACT_HIT, index, m.start(), m.end(), kind)
                    hits.staff.update(owners)

    def _dobs(self, index: int, text: str, hits: Hits) -> None:
        table = self._table(STUDENT_DOB)
        for m in _DATE.finditer(text):
            isos = date_keys(m.group())
            if any(self.hash.pair("dob", o, iso) in table for o in hits.students for iso in isos):
                hits.add(DOB_HIT, index, m.start(), m.end(), "dob")

    def is_guardian(self, owner: int, address: str) -> bool:
        """The address is listed as a guardian of this student."""
        key = email_key(address)
        return bool(key) and self.hash.pair("guardian", owner, key) in self._table(GUARDIAN)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or fold(word) in PARTICLES


def _one_case(window: Sequence[re.Match[str]]) -> bool:
    """All capitalised (particles aside), or all lower case: not "the Martinez family"."""
    words = [t.group() for t in window]
    return all(_capitalised(w) for w in words) or all(w.islower() for w in words)


def _name_end(token: re.Match[str]) -> int:
    """End of a name word without a possessive ("Jacob Martinez's" → "Jacob Martinez")."""
    possessive = _POSSESSIVE.search(token.group())
    return token.end() - (len(possessive.group()) if possessive else 0)


def _window_key(text: str, window: Sequence[re.Match[str]]) -> str | None:
    """Folded natural-order key of a run of words, or None if the run is not one name."""
    words: list[str] = []
    comma_at = 0
    for n, token in enumerate(window):
        if n:
            gap = text[window[n - 1].end() : token.start()]
            if not _NAME_GAP.match(gap):
                return None
            if "," in gap:
                if comma_at:
                    return None  # "Lee, Ana, Bo": a list, not a name
                comma_at = n
        word = fold(_POSSESSIVE.sub("", token.group()) if n == len(window) - 1 else token.group())
        words.append(word.replace("'", "").replace("’", ""))
    if fold(window[0].group()) in PARTICLES and not comma_at:
        return None
    if comma_at:
        words = words[comma_at:] + words[:comma_at]  # "Martinez, Jacob" → "jacob martinez"
    return " ".join(words)
