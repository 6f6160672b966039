"""Rows ↔ records: the JSON columns and timestamps, in one place for both backends."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any

from dlp.quarantine.model import HeldFinding, Record, Status

RECORD_COLUMNS = (
    "id, status, scan_id, verdict, reasons, categories, sender, recipients, subject, size,"
    " received_at, received_epoch, findings, decided_by, decided_at, decision_reason,"
    " release_token, releasing_since, assigned_to, false_positive"
)


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def findings_json(findings: tuple[HeldFinding, ...]) -> str:
    return json.dumps([asdict(f) for f in findings])


def findings_from(text: str) -> tuple[HeldFinding, ...]:
    out = []
    for item in json.loads(text or "[]"):
        try:
            out.append(HeldFinding(**item))
        except TypeError:  # written by a newer version: show what we understand
            continue
    return tuple(out)


def record_from(row: tuple[Any, ...]) -> Record:
    (qid, status, scan_id, verdict, reasons, categories, sender, recipients, subject, size,
     received_at, received_epoch, findings, decided_by, decided_at, decision_reason,
     release_token, releasing_since, assigned_to, false_positive) = row  # fmt: skip
    return Record(
        id=str(qid), status=Status(status), scan_id=scan_id, verdict=verdict,
        reasons=tuple((str(a), str(b), str(c)) for a, b, c in json.loads(reasons)),
        categories=tuple(json.loads(categories)), sender=sender,
        recipients=tuple(json.loads(recipients)), subject=subject, size=int(size),
        received_at=received_at, received_epoch=float(received_epoch or 0),
        findings=findings_from(findings), decided_by=decided_by, decided_at=decided_at,
        decision_reason=decision_reason, release_token=release_token,
        releasing_since=float(releasing_since) if releasing_since is not None else None,
        assigned_to=assigned_to, false_positive=bool(false_positive),
    )  # fmt: skip


def like_escape(value: str) -> str:
    """A user's filter text as a LIKE literal (no wildcards of its own)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
