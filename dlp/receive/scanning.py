"""The seam between the relay and the scanning core.

The relay never holds a `ScanResult` (it carries every extracted text, which is
large and sensitive); a worker reduces it to a `ScanSummary`, small and
picklable, holding only what the relay acts on, logs and counts, with every
excerpt already masked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from dlp.config import Settings
from dlp.quarantine.model import HeldFinding
from dlp.quarantine.searchtext import search_text_of


@dataclass(frozen=True)
class ScanSummary:
    scan_id: str
    verdict: str  # what the policy decided
    enforced: str  # what the relay acts on (pass in monitor mode)
    reasons: tuple[tuple[str, str, str], ...] = ()  # (rule, section, text)
    categories: tuple[str, ...] = ()
    entities: dict[str, int] = field(default_factory=dict)  # finding counts by entity
    masked: tuple[tuple[str, str], ...] = ()  # (entity, masked excerpt) for the bounce text
    subject: str = ""
    size: int = 0
    recognizers: dict[str, int] = field(default_factory=dict)  # finding counts by recognizer
    monitored: tuple[str, ...] = ()  # the recognizers above that are in `mode: monitor`
    findings: tuple[HeldFinding, ...] = ()  # masked, positioned: the quarantine shows them
    search_text: str | None = None  # for review search; made where the extracted text lives


class ScanFailed(Exception):
    """The scan did not produce a verdict. `kind` is a metrics label; no message text in it."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


class Scanning(Protocol):
    """What the relay needs from the scanning side (a process pool, or a test fake)."""

    async def scan(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> ScanSummary:
        """A verdict for the message, or `ScanFailed` (crash, timeout, broken pool)."""
        ...

    async def reload(self, settings: Settings) -> None:
        """Swap in a scanner built from new settings; raise (keeping the old) if it fails."""
        ...

    def close(self) -> None: ...


MAX_MASKED = 20  # findings listed in a bounce; more says nothing new to the sender


def summarize(result: Any) -> ScanSummary:
    """`ScanResult` → `ScanSummary` (runs in the worker, where the chunk text lives)."""
    decision = result.decision
    entities = Counter(f.entity for f in result.findings)
    recognizers = Counter(f.recognizer or f.entity for f in result.findings)
    monitored = tuple(sorted({f.recognizer for f in result.findings if f.monitor}))
    held = decision.verdict.value == "quarantine"
    return ScanSummary(
        scan_id=result.scan_id,
        verdict=str(decision.verdict.value),
        enforced=str(decision.enforced_verdict.value),
        reasons=tuple((r.rule, r.section, r.text) for r in decision.reasons),
        categories=tuple(result.categories),
        entities=dict(entities),
        masked=tuple(masked_pairs(result)[:MAX_MASKED]),
        subject=str(result.subject),
        size=int(result.size),
        recognizers=dict(recognizers),
        monitored=monitored,
        findings=positioned(result) if held else (),
        search_text=search_text_of(result.extraction) if held else None,
    )


def positioned(result: Any) -> tuple[HeldFinding, ...]:
    """Findings for the review UI; never worth losing a verdict over."""
    try:
        from dlp.quarantine.findings import held_findings

        return held_findings(result)
    except Exception:
        return ()


def masked_pairs(result: Any) -> list[tuple[str, str]]:
    """(entity, "masked excerpt (where)") per reported finding, as `dlp scan` shows them."""
    try:
        from dlp.report import finding_dict, reported_findings

        return [
            (d["entity"], f"{d['excerpt']} (in {d['where']})")
            for d in (finding_dict(result, f) for f in reported_findings(result))
        ]
    except Exception:  # the report module must never cost us a verdict
        chunks = result.extraction.chunks
        return [(f.entity, mask(chunks[f.chunk].text[f.start : f.end])) for f in result.findings]


def mask(value: str) -> str:
    """Hide a value, keeping its shape and the last 4 characters of a long number."""
    digits = sum(c.isdigit() for c in value)
    keep = 4 if digits >= 8 else 0
    out, seen = [], 0
    total = sum(c.isalnum() for c in value)
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen > total - keep else "*")
        else:
            out.append(c)
    return "".join(out)
