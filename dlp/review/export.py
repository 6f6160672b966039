"""Decided messages as a labelled folder that `dlp patterns test` reads.

A district tunes its patterns on its own mistakes: messages a reviewer
released as "not sensitive (false positive)" are labelled `pass` with no
categories; rejected ones keep the verdict and categories the filter gave
them (the reviewer agreed). Every export is audited, as it copies mail out
of the quarantine.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dlp.quarantine.model import QuarantineError, Query, Record, Status
from dlp.quarantine.store import SqlStore
from dlp.tuning.labelled import LABELS_FILE


def label(record: Record, decision: str) -> dict[str, object]:
    note = f"{decision} by {record.decided_by}: {record.decision_reason or ''}".strip()
    if decision == "false-positive":
        return {"file": f"{record.id}.eml", "verdict": "pass", "categories": [], "note": note}
    return {"file": f"{record.id}.eml", "verdict": record.verdict,
            "categories": list(record.categories), "note": note}  # fmt: skip


def chosen(store: SqlStore, decision: str, since: float | None) -> list[Record]:
    status = Status.RELEASED if decision == "false-positive" else Status.REJECTED
    records = store.query(Query(status=(status.value,), since=since, limit=1_000_000,
                                descending=False))  # fmt: skip
    return [r for r in records if r.false_positive == (decision == "false-positive")]


def export(store: SqlStore, folder: Path, decision: str, since: float | None, actor: str) -> int:
    """Write `<id>.eml` and `labels.jsonl` into `folder` (made 0700); returns the count."""
    if folder.exists() and any(folder.iterdir()):
        raise QuarantineError(f"{folder} is not empty: export into a new folder")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = []
    for record in chosen(store, decision, since):
        try:
            raw = store.raw(record.id)
        except QuarantineError:
            continue  # purged or deleted: nothing left to learn from
        fd = os.open(folder / f"{record.id}.eml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        lines.append(json.dumps(label(record, decision)))
    (folder / LABELS_FILE).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    store.audit(actor, "export", None, decision, f"{len(lines)} message(s) to {folder}")
    return len(lines)
