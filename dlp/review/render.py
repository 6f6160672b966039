"""Terminal and file renderings of quarantine records for the CLI (masked unless revealed)."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from dlp.quarantine import findings as positions
from dlp.quarantine.actions import MessageView
from dlp.quarantine.evidence import masked_subject
from dlp.quarantine.model import AuditEntry, Record
from dlp.quarantine.words import label

AUDIT_FIELDS = ("seq", "at", "actor", "action", "message_id", "reason", "detail")


def _clean(text: str) -> str:
    """No control characters from a hostile subject or header reach the terminal."""
    return "".join(c if c.isprintable() else "?" for c in text)


def list_line(r: Record) -> str:
    cats = ",".join(r.categories) or "-"
    rcpts = ",".join(r.recipients)
    return _clean(
        f"{r.id}  {r.status.value:<9} {r.received_at}  {r.sender or '<>'} -> {rcpts}"
        f"  [{cats}]  {masked_subject(r.subject, r.findings)}"
    )


def show_text(view: MessageView, revealed: bool) -> str:
    r = view.record
    lines = [
        f"id:          {r.id}   (scan {r.scan_id})",
        f"status:      {r.status.value}"
        + (f" by {r.decided_by} at {r.decided_at}: {r.decision_reason}" if r.decided_by else ""),
        f"received:    {r.received_at}   size {r.size} bytes",
        f"sender:      {r.sender or '<>'}",
        f"recipients:  {', '.join(r.recipients)}",
        f"subject:     {r.subject if revealed else masked_subject(r.subject, r.findings)}",
        f"categories:  {', '.join(r.categories) or '-'}",
        "reasons:",
        *[f"  - {text} (section {sec or '-'}; rule {rule})" for rule, sec, text in r.reasons],
        "findings" + (" (REVEALED, recorded in the audit log):" if revealed else " (masked):"),
    ]
    for n, f in enumerate(r.findings):
        ctx = positions.context(view.chunks, r.findings, n, revealed)
        lines.append(f"  {n + 1}. {label(f.entity, f.role)} in {f.where} (score {f.score}): {ctx}")
    if not r.findings:
        lines.append("  (none recorded)")
    for where, why in view.unscannable:
        lines.append(f"unscannable: {where}: {why}")
    return "\n".join(_clean(line) for line in lines)


def show_dict(view: MessageView, values: dict[int, str]) -> dict[str, Any]:
    out = view.record.summary()
    out["reasons"] = [{"rule": a, "section": b, "text": c} for a, b, c in view.record.reasons]
    items = []
    for n, f in enumerate(view.record.findings):
        item = {
            "entity": f.entity,
            "where": f.where,
            "score": f.score,
            "excerpt": f.excerpt,
            "context": positions.context(view.chunks, view.record.findings, n, bool(values)),
        }
        if n in values:
            item["value"] = values[n]
        items.append(item)
    out["findings"] = items
    out["headers"] = [[k, v] for k, v in view.headers]
    return out


def audit_line(e: AuditEntry) -> str:
    target = e.message_id or "-"
    detail = f"  ({e.detail})" if e.detail else ""
    return _clean(f"{e.seq:>6} {e.at}  {e.actor:<16} {e.action:<18} {target}  {e.reason}{detail}")


def audit_csv(entries: list[AuditEntry], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(AUDIT_FIELDS)
    for e in entries:
        writer.writerow([spreadsheet_safe(v) for v in e.as_dict().values()])


def spreadsheet_safe(value: object) -> object:
    """Defuse spreadsheet formulas: a reason typed as '=HYPERLINK(...)' stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
