"""One export row → one person's normalised values, or the problems that stop it.

A bad value (an unreadable birth date, a four-digit ID, a malformed guardian
address) is reported with its row and column and left out; the rest of the
row still protects the student.  A row with neither a full name nor an ID
has nothing to match and is skipped.  Duplicates (the same ID twice, or the
same name and birth date) are merged into one person, so that two guardians
listed on two rows both count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from dlp.roster.normalise import (
    MIN_ID_CHARS,
    date_key,
    email_key,
    id_key,
    name_keys,
    phone_key,
    split_full_name,
)
from dlp.roster.sources import cell, header_key, text_of

OLDEST_BIRTH_YEAR = 1900
_GUARDIAN_WORDS = ("guardian", "parent", "mother", "father")
_LIST_SPLIT = re.compile(r"[;,\s]+")


@dataclass(frozen=True)
class Problem:
    """A reported, non-fatal problem with one cell or row of an export."""

    file: str
    row: int
    column: str
    problem: str
    action: str  # "row skipped", "value skipped" or "merged"

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{self.file}: {where}: {self.problem} ({self.action})"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column,
                "problem": self.problem, "action": self.action}  # fmt: skip


@dataclass
class Person:
    """Normalised values of one student or staff member (never written to disk)."""

    row: int
    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    dobs: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)  # guardians (students) or personal (staff)
    phones: set[str] = field(default_factory=set)

    def identity(self) -> tuple[str, ...]:
        """What makes two rows the same person: an ID, else the names and birth date."""
        if self.ids:
            return ("id", min(self.ids))
        return ("name", *sorted(self.names), *sorted(self.dobs))

    def merge(self, other: Person) -> None:
        for name in ("names", "ids", "dobs", "emails", "phones"):
            getattr(self, name).update(getattr(other, name))


class Columns:
    """Which column holds which field, resolved once from the header and the aliases."""

    def __init__(self, header: Sequence[str], aliases: dict[str, tuple[str, ...]]) -> None:
        self.header = list(header)
        keys = [header_key(h) for h in header]
        self.index: dict[str, int | None] = {}
        taken: set[int] = set()
        for name, names in aliases.items():
            wanted = {header_key(a) for a in names}
            found = next((i for i, k in enumerate(keys) if k in wanted and i not in taken), None)
            self.index[name] = found
            if found is not None:
                taken.add(found)
        self.emails = [
            i
            for i, k in enumerate(keys)
            if i not in taken and "email" in k and any(w in k for w in _GUARDIAN_WORDS)
        ]

    def label(self, name: str) -> str:
        i = self.index.get(name)
        return self.header[i] if i is not None else name

    def get(self, cells: Sequence[object], name: str) -> object:
        return cell(cells, self.index.get(name))

    def found(self) -> list[str]:
        return [name for name, i in self.index.items() if i is not None]


class RowReader:
    """Turns the rows of one file into people, collecting problems as it goes."""

    def __init__(self, file: str, columns: Columns) -> None:
        self.file = file
        self.columns = columns
        self.problems: list[Problem] = []

    def report(self, row: int, column: str, problem: str, action: str = "value skipped") -> None:
        self.problems.append(Problem(self.file, row, column, problem, action))

    def names(self, row: int, cells: Sequence[object]) -> set[str]:
        first = text_of(self.columns.get(cells, "first"))
        last = text_of(self.columns.get(cells, "last"))
        preferred = text_of(self.columns.get(cells, "preferred"))
        if not (first and last):
            full = text_of(self.columns.get(cells, "name"))
            if full:
                first, last = split_full_name(full)
        column = self.columns.label("first" if first else "name")
        if any(ch.isdigit() for ch in first + last + preferred):
            self.report(row, column, "a name with digits in it")
            return set()
        if first and not last:
            self.report(row, column, "a first name without a last name identifies nobody")
            return set()
        return name_keys(first, last, preferred) if first and last else set()

    def ids(self, row: int, cells: Sequence[object], fields: Sequence[str]) -> set[str]:
        out = set()
        for name in fields:
            raw = self.columns.get(cells, name)
            value = id_key(raw)
            if not value:
                continue
            if len(value) < MIN_ID_CHARS:
                problem = f"ID shorter than {MIN_ID_CHARS} letters/digits cannot be matched safely"
                self.report(row, self.columns.label(name), problem)
                continue
            out.add(value)
        return out

    def dob(self, row: int, cells: Sequence[object]) -> set[str]:
        raw = self.columns.get(cells, "dob")
        if raw in ("", None) or not text_of(raw):
            return set()
        iso = date_key(raw)
        year = int(iso[:4]) if iso else 0
        if not iso or not OLDEST_BIRTH_YEAR <= year <= date.today().year:
            self.report(row, self.columns.label("dob"), f"not a birth date: {_shape(raw)}")
            return set()
        return {iso}

    def emails(self, row: int, cells: Sequence[object], indices: Sequence[int]) -> set[str]:
        out = set()
        for i in indices:
            for part in _LIST_SPLIT.split(text_of(cell(cells, i))):
                if not part:
                    continue
                key = email_key(part)
                if key:
                    out.add(key)
                else:
                    self.report(row, self.columns.header[i], "not an email address")
        return out

    def phone(self, row: int, cells: Sequence[object]) -> set[str]:
        raw = text_of(self.columns.get(cells, "personal_phone"))
        if not raw:
            return set()
        key = phone_key(raw)
        if not key:
            self.report(row, self.columns.label("personal_phone"), "not a 10-digit phone number")
            return set()
        return {key}


def _shape(value: object) -> str:
    """A value's shape for a problem report ('99/99/2011' → '99/99/9999'): no roster data."""
    return re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", text_of(value)))[:20]


def student(reader: RowReader, row: int, cells: Sequence[object]) -> Person | None:
    person = Person(row)
    person.names = reader.names(row, cells)
    person.ids = reader.ids(row, cells, ("student_id", "ssid"))
    person.dobs = reader.dob(row, cells)
    indices = [i for i in [reader.columns.index.get("guardian_emails")] if i is not None]
    person.emails = reader.emails(row, cells, indices + reader.columns.emails)
    if not person.names and not person.ids:
        reader.report(row, "", "no full name or student ID to match", "row skipped")
        return None
    return person


def staff(reader: RowReader, row: int, cells: Sequence[object]) -> Person | None:
    person = Person(row)
    person.names = reader.names(row, cells)
    person.ids = reader.ids(row, cells, ("employee_id",))
    index = reader.columns.index.get("personal_email")
    person.emails = reader.emails(row, cells, [index] if index is not None else [])
    person.phones = reader.phone(row, cells)
    if not person.names and not person.ids:
        reader.report(row, "", "no full name or employee ID to match", "row skipped")
        return None
    return person
