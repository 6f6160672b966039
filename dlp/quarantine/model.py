"""The quarantine's vocabulary: what the relay hands in, what reviewers see, what went wrong.

Plain frozen dataclasses so the relay's worker processes can pickle them and so
the CLI and the web UI render the same facts. A `HeldFinding` carries the
masked excerpt and its position (chunk, start, end) but never the value: the
value is re-read from the stored message only when a reviewer reveals it,
which is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    HELD = "held"
    RELEASING = "releasing"  # claimed by one reviewer, being re-injected
    RELEASED = "released"
    REJECTED = "rejected"
    DELETED = "deleted"  # raw message removed; the row stays for the record


@dataclass(frozen=True)
class HeldFinding:
    """One reported finding, positioned in the extracted text so a reviewer sees it in place."""

    entity: str
    where: str  # "body", "subject", "attachment:roster.xlsx"
    chunk: int  # index into the message's extracted chunks
    start: int
    end: int
    score: float
    role: str
    excerpt: str  # masked


@dataclass(frozen=True)
class HeldMessage:
    """What the relay stores with a quarantined message (scan results, no raw values)."""

    scan_id: str
    verdict: str
    reasons: tuple[tuple[str, str, str], ...]  # (rule, section, text)
    categories: tuple[str, ...]
    sender: str
    recipients: tuple[str, ...]
    subject: str
    size: int
    received_at: float
    findings: tuple[HeldFinding, ...] = ()
    # what review search looks through, made by the scan that read the message; None: the
    # store reads the stored bytes again (holds that come from elsewhere)
    search_text: str | None = None


@dataclass(frozen=True)
class Record:
    """A stored quarantine entry as reviewers see it."""

    id: str
    status: Status
    scan_id: str
    verdict: str
    reasons: tuple[tuple[str, str, str], ...]
    categories: tuple[str, ...]
    sender: str
    recipients: tuple[str, ...]
    subject: str
    size: int
    received_at: str  # ISO 8601, UTC
    received_epoch: float
    findings: tuple[HeldFinding, ...] = ()
    decided_by: str | None = None
    decided_at: str | None = None
    decision_reason: str | None = None
    release_token: str | None = None
    releasing_since: float | None = None
    assigned_to: str | None = None  # the reviewer who claimed it
    false_positive: bool = False  # released as "not sensitive": a detection mistake

    def summary(self) -> dict[str, object]:
        """The `list --json` object (INTERFACES.md): no finding values, masked excerpts only."""
        return {
            "id": self.id,
            "status": self.status.value,
            "sender": self.sender,
            "recipients": list(self.recipients),
            "subject": self.subject,
            "categories": list(self.categories),
            "received_at": self.received_at,
            "size": self.size,
            "scan_id": self.scan_id,
            "verdict": self.verdict,
            "sections": sorted({sec for _r, sec, _t in self.reasons if sec}),
            "findings": [{"entity": f.entity, "where": f.where, "excerpt": f.excerpt}
                         for f in self.findings],
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "assigned_to": self.assigned_to,
            "false_positive": self.false_positive,
        }  # fmt: skip


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    message_id: str | None
    reason: str
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
            "message_id": self.message_id, "reason": self.reason, "detail": self.detail,
        }  # fmt: skip


@dataclass(frozen=True)
class Query:
    """Filters for the queue; every field optional. Sort keys are whitelisted by the store."""

    status: tuple[str, ...] = ()
    sender: str | None = None  # substring, case-insensitive
    domain: str | None = None  # a recipient's domain
    category: str | None = None
    search: str | None = None  # subject, sender, recipients, attachment names, text
    assigned: str | None = None  # claimed by this reviewer
    since: float | None = None  # epoch seconds, inclusive
    until: float | None = None  # epoch seconds, exclusive
    sort: str = "received"
    descending: bool = True
    limit: int = 500
    offset: int = 0
    statuses_hidden: tuple[str, ...] = field(default=(Status.DELETED.value,))


@dataclass(frozen=True)
class User:
    name: str
    role: str  # reviewer | admin
    password_hash: str
    active: bool = True


ROLES = ("reviewer", "admin")


class QuarantineError(Exception):
    """A reviewer action that cannot be done; the text is safe to show (no message content)."""


class NotFound(QuarantineError):
    def __init__(self, qid: str) -> None:
        super().__init__(f"no quarantined message with id {qid!r}")


class WrongState(QuarantineError):
    """The message is not in a state that allows the action (already released, in progress)."""


class ActionFailed(QuarantineError):
    """The action was attempted and failed (next hop refused); the message is held again."""


class StoreUnavailable(Exception):
    """The store could not take the message durably (disk full, read-only, database down)."""
