"""The shared vocabulary the stages hand each other: small frozen dataclasses.

receive → extract (TextChunk, Unscannable, NotInspected) → detect (Finding)
→ decide (Category, Reason, Verdict) → act.  Raw sensitive values live only in
the chunk text and the finding offsets; anything shown is masked on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Verdict(StrEnum):
    PASS = "pass"
    QUARANTINE = "quarantine"
    BOUNCE = "bounce"


class Category(StrEnum):
    """POLICY.md section 2, in the order reports list them."""

    STUDENT_RECORD = "student_record"
    STAFF_RECORD = "staff_record"
    HIGH_RISK_ID = "high_risk_id"
    BULK_ROSTER = "bulk_roster"
    UNSCANNABLE = "unscannable"


SENSITIVE = frozenset(
    {Category.STUDENT_RECORD, Category.STAFF_RECORD, Category.HIGH_RISK_ID, Category.BULK_ROSTER}
)


class ChunkKind(StrEnum):
    PROSE = "prose"  # running text: body, subject, document paragraphs
    TABLE = "table"  # rows rendered one per line as "Header: value | Header: value"


@dataclass(frozen=True)
class TextChunk:
    """Readable text from one place in a message ("body", "subject", "attachment:a.xlsx")."""

    where: str
    text: str
    kind: ChunkKind = ChunkKind.PROSE


@dataclass(frozen=True)
class Unscannable:
    """Content the filter cannot read; fails closed under POLICY.md rule 3."""

    where: str
    why: str


@dataclass(frozen=True)
class NotInspected:
    """Content with no text to read (images, media): listed, no effect on the verdict."""

    where: str
    why: str


@dataclass(frozen=True)
class Extraction:
    """Everything the extract stage learned about one message."""

    chunks: tuple[TextChunk, ...]
    unscannable: tuple[Unscannable, ...] = ()
    not_inspected: tuple[NotInspected, ...] = ()
    encrypted: bool = False  # the message itself is encrypted (S/MIME, PGP)
    sent: date | None = None  # the Date header: ages in the message are reckoned from it


@dataclass(frozen=True)
class Finding:
    """One recognizer hit. `start`/`end` index into the chunk it was found in."""

    entity: str
    score: float
    chunk: int  # index into Extraction.chunks
    start: int
    end: int
    role: str = ""  # what it means to the policy (dlp.detect.patterns.ROLES)
    recognizer: str = ""
    pattern: str = ""
    context_word: str = ""
    monitor: bool = False  # from a recognizer in `mode: monitor`: reported, not counted


@dataclass(frozen=True)
class Reason:
    rule: str
    section: str
    text: str


@dataclass(frozen=True)
class Recipients:
    internal: tuple[str, ...] = ()
    external: tuple[str, ...] = ()
    authorized: tuple[str, ...] = ()  # the subset of `external` that is authorized
    lookalike: tuple[str, ...] = ()  # the subset of `external` that imitates a district domain


@dataclass(frozen=True)
class Envelope:
    """SMTP envelope; for files scanned from disk, built from the headers."""

    sender: str = ""
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    enforced_verdict: Verdict  # what the relay acts on (PASS in monitor mode)


@dataclass(frozen=True)
class Classification:
    """Categories with the findings that support each (indices into the findings list)."""

    categories: frozenset[Category]
    evidence: dict[Category, tuple[int, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # classification steps, for `dlp explain`
