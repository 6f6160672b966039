"""The FERPA record of disclosures (34 CFR 99.32; POLICY.md section 6).

Releasing a held message that carries a student record to someone outside
the district is a disclosure of education records. The officer states its
basis and one entry per identified student is written in the same
transaction that marks the message released, so a release never happens
without its record. The table is append-only (database triggers, like the
audit log) and the retention purge never touches it: the law keeps it with
the student's records, longer than the quarantine keeps mail.

Students are identified from the held findings, read back from the stored
message: a student ID (the roster's when the roster matched) stands for the
student; a name on the same line as an ID is that student, not another;
any other rostered name is a student by name. Unrostered names count only
when nothing better identifies anyone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dlp.config import Settings
from dlp.decide.recipients import is_internal
from dlp.model import TextChunk
from dlp.quarantine import findings as positions
from dlp.quarantine.codec import iso
from dlp.quarantine.db import Database, Tx
from dlp.quarantine.model import HeldFinding, QuarantineError, Record

# basis → (words for people, exempt from recording under 99.32(d))
BASES: dict[str, tuple[str, bool]] = {
    "consent": ("written consent on file", True),
    "school-official": ("school official with a legitimate educational interest", True),
    "transfer": ("another school the student is transferring to", False),
    "emergency": ("health or safety emergency", False),
    "subpoena": ("subpoena or court order", False),
    "other": ("other (explained)", False),
}
STUDENT_CATEGORIES = ("student_record",)
ID_ROLES = ("student_id",)
NAME_ROLES = ("roster_student",)
UNROSTERED_NAME_ROLES = ("person_name",)
UNIDENTIFIED = "(student not identified)"
FIELDS = ("disclosed_at", "student", "recipients", "categories", "basis", "exempt",
          "reason", "officer", "quarantine_id")  # fmt: skip


@dataclass(frozen=True)
class Basis:
    code: str
    text: str = ""  # the officer's words, required for "other"

    @classmethod
    def parse(cls, code: str | None, text: str = "") -> Basis:
        code = (code or "").strip().lower()
        if code not in BASES:
            raise QuarantineError(f"the basis must be one of {', '.join(BASES)}")
        text = " ".join(text.split())
        if code == "other" and not text:
            raise QuarantineError("basis 'other' needs a few words saying what it is")
        return cls(code, text)

    @property
    def exempt(self) -> bool:
        return BASES[self.code][1]


@dataclass(frozen=True)
class Disclosure:
    disclosed_at: str
    student: str
    student_kind: str  # "roster id", "student id", "name", "unidentified"
    recipients: tuple[str, ...]
    categories: tuple[str, ...]
    basis: str
    basis_text: str
    exempt: bool
    reason: str
    officer: str
    quarantine_id: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "disclosed_at": self.disclosed_at, "student": self.student,
            "student_kind": self.student_kind, "recipients": list(self.recipients),
            "categories": list(self.categories), "basis": self.basis,
            "basis_text": self.basis_text, "exempt": self.exempt, "reason": self.reason,
            "officer": self.officer, "quarantine_id": self.quarantine_id,
        }  # fmt: skip


def outside(settings: Settings, record: Record) -> tuple[str, ...]:
    return tuple(r for r in record.recipients if not is_internal(r, settings.district.domains))


def is_disclosure(settings: Settings, record: Record) -> bool:
    """A student record (or a roster of students) going to anyone outside the district."""
    students = any(c in STUDENT_CATEGORIES for c in record.categories) or (
        "bulk_roster" in record.categories
        and any(f.role in (*ID_ROLES, *NAME_ROLES) for f in record.findings)
    )
    return students and bool(outside(settings, record))


def students(chunks: Sequence[TextChunk], found: Sequence[HeldFinding]) -> list[tuple[str, str]]:
    """(student, kind) for each student the findings identify, in order of appearance."""
    ids: dict[tuple[int, int], list[tuple[str, str]]] = {}  # (chunk, line) → IDs on it
    names: list[tuple[tuple[int, int], str, str]] = []
    for f in found:
        value = positions.value(tuple(chunks), f)
        if value is None:
            continue
        value = " ".join(value.split())
        line = (f.chunk, chunks[f.chunk].text.count("\n", 0, f.start))
        if f.role in ID_ROLES:
            kind = "roster id" if f.entity.startswith("ROSTER_") else "student id"
            ids.setdefault(line, []).append((value, kind))
        elif f.role in NAME_ROLES or f.role in UNROSTERED_NAME_ROLES:
            names.append((line, value, "name" if f.role in NAME_ROLES else "unrostered name"))
    out: dict[str, str] = {}
    for line_ids in ids.values():
        for value, kind in line_ids:
            out.setdefault(value, kind)
    named_by_id = {n.lower() for line, n, _k in names if line in ids}
    rostered = any(k == "name" for _l, _n, k in names)
    for line, name, kind in names:
        if line in ids or name.lower() in named_by_id:
            continue
        if kind == "unrostered name" and (ids or rostered):
            continue
        out.setdefault(name, "name")
    return list(out.items())


def entries(
    settings: Settings, record: Record, chunks: Sequence[TextChunk], basis: Basis,
    reason: str, officer: str,
) -> list[Disclosure]:  # fmt: skip
    """One entry per identified student (one 'not identified' entry when none is)."""
    now = iso(time.time())
    who = students(chunks, record.findings) or [(UNIDENTIFIED, "unidentified")]
    return [
        Disclosure(now, student, kind, outside(settings, record), record.categories,
                   basis.code, basis.text, basis.exempt, reason, officer, record.id)
        for student, kind in who
    ]  # fmt: skip


def write(tx: Tx, items: Sequence[Disclosure]) -> None:
    now = time.time()
    for d in items:
        tx.execute(
            "INSERT INTO disclosures (disclosed_at, disclosed_epoch, student, student_kind,"
            " recipients, categories, basis, basis_text, exempt, reason, officer, quarantine_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (d.disclosed_at, now, d.student, d.student_kind, json.dumps(list(d.recipients)),
             json.dumps(list(d.categories)), d.basis, d.basis_text, int(d.exempt), d.reason,
             d.officer, d.quarantine_id),
        )  # fmt: skip


def listing(
    db: Database, student: str | None = None, since: float | None = None, limit: int = 100_000
) -> list[Disclosure]:
    """Oldest first (the order a parent reads a record in); `student` matches a substring.

    The student filter runs here, not in SQL: SQLite's lower() folds ASCII only,
    and a parent asking about "José" must find "JOSÉ".
    """
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if since is not None:
        clauses.append("disclosed_epoch >= ?")
        params.append(since)
    with db.transaction() as tx:
        rows = tx.all(
            "SELECT disclosed_at, student, student_kind, recipients, categories, basis,"
            " basis_text, exempt, reason, officer, quarantine_id FROM disclosures"
            f" WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?", (*params, limit),
        )  # fmt: skip
    wanted = " ".join((student or "").split()).casefold()
    return [
        Disclosure(r[0], r[1], r[2], tuple(json.loads(r[3])), tuple(json.loads(r[4])), r[5],
                   r[6], bool(r[7]), r[8], r[9], r[10])
        for r in rows if wanted in str(r[1]).casefold()
    ]  # fmt: skip
