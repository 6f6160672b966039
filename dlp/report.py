"""ScanResult → what people and scripts see: masked findings, JSON, a readable line.

Nothing here ever prints a full sensitive value: excerpts keep the last few
characters of identifiers and the initials of names, as a privacy officer
needs to recognise a finding without the report becoming the leak.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dlp.model import Finding
from dlp.pipeline import ScanResult

# Roles whose matches are words, not values: shown as they are (they reveal nothing alone).
TERM_ROLES = {
    "student_info",
    "student_record_doc",
    "staff_info",
    "student_context",
    "staff_context",
}
HIDDEN_ROLES = {"student_context", "staff_context", "person_name"}  # listed only as evidence
NAME_ROLES = {"person_name", "roster_student", "roster_staff"}  # masked to initials


def mask(value: str, role: str) -> str:
    """A recognisable but unusable form of a sensitive value."""
    if role in TERM_ROLES:
        return value
    if role in NAME_ROLES:
        return " ".join(w[0] + "." if w else w for w in value.split())
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    keep = 4 if sum(ch.isalnum() for ch in value) > 6 else 2
    out: list[str] = []
    shown = 0
    for ch in reversed(value):
        if ch.isalnum():
            out.append(ch if shown < keep else "*")
            shown += 1
        else:
            out.append(ch)
    return "".join(reversed(out))


def finding_value(result: ScanResult, finding: Finding) -> str:
    chunk = result.extraction.chunks[finding.chunk]
    return chunk.text[finding.start : finding.end]


def finding_where(result: ScanResult, finding: Finding) -> str:
    return result.extraction.chunks[finding.chunk].where


def reported_findings(result: ScanResult) -> list[Finding]:
    """Findings worth listing: the evidence of each category, then the rest, no context words."""
    evidence = {i for ids in result.classification.evidence.values() for i in ids}
    chosen = [f for i, f in enumerate(result.findings) if i in evidence]
    rest = [
        f for i, f in enumerate(result.findings) if i not in evidence and f.role not in HIDDEN_ROLES
    ]
    seen: set[tuple[str, str, str]] = set()
    out: list[Finding] = []
    for f in chosen + rest:
        key = (f.entity, finding_where(result, f), finding_value(result, f).lower())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def finding_dict(result: ScanResult, f: Finding) -> dict[str, Any]:
    value = re.sub(r"\s+", " ", finding_value(result, f))
    out: dict[str, Any] = {
        "entity": f.entity,
        "score": round(f.score, 2),
        "where": finding_where(result, f),
        "excerpt": mask(value, f.role),
    }
    if f.monitor:
        out["monitor"] = True
    return out


def to_dict(result: ScanResult, file: str | None = None) -> dict[str, Any]:
    """The JSON object of INTERFACES.md for one message."""
    out: dict[str, Any] = {}
    if file is not None:
        out["file"] = file
    out.update(
        {
            "verdict": result.decision.verdict.value,
            "categories": result.categories,
            "reasons": [
                {"rule": r.rule, "section": r.section, "text": r.text}
                for r in result.decision.reasons
            ],
            "findings": [finding_dict(result, f) for f in reported_findings(result)],
            "recipients": {
                "internal": list(result.recipients.internal),
                "external": list(result.recipients.external),
                "authorized": list(result.recipients.authorized),
            },
            "encrypted": result.extraction.encrypted,
            "unscannable": [
                {"where": u.where, "why": u.why} for u in result.extraction.unscannable
            ],
            "not_inspected": [
                {"where": n.where, "why": n.why} for n in result.extraction.not_inspected
            ],
            "scan_id": result.scan_id,
        }
    )
    if result.decision.enforced_verdict is not result.decision.verdict:
        out["enforced_verdict"] = result.decision.enforced_verdict.value
    return out


def to_json(result: ScanResult, file: str | None = None) -> str:
    return json.dumps(to_dict(result, file), ensure_ascii=False)


def to_line(result: ScanResult, file: str) -> str:
    """One readable line per message for a terminal."""
    cats = ",".join(result.categories) or "-"
    reason = result.decision.reasons[0].text if result.decision.reasons else ""
    return f"{result.decision.verdict.value.upper():<10} {file}  [{cats}]  {reason}"
