"""Findings in place: positioned at scan time, re-located in the text when a reviewer looks.

The relay stores each reported finding's chunk index and offsets, never the
value. To show a message, the review side re-runs only the extraction (no
detection, so no model) on the stored message and cuts the text at those
offsets; a finding is placed only if the text there still masks to the stored
excerpt, so a different extractor version can never highlight the wrong span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dlp.model import TextChunk
from dlp.quarantine.model import HeldFinding

MAX_FINDINGS = 500  # stored per message; beyond that a reviewer learns nothing new
CONTEXT = 40  # characters either side of a finding in `show`
MAX_CHUNK_CHARS = 200_000  # text shown per part; a reviewer can download the rest


def held_findings(result: Any) -> tuple[HeldFinding, ...]:
    """ScanResult → positioned, masked findings (runs in the scan worker)."""
    from dlp.report import finding_dict, reported_findings

    out = []
    for f in reported_findings(result)[:MAX_FINDINGS]:
        d = finding_dict(result, f)
        out.append(HeldFinding(
            entity=f.entity, where=d["where"], chunk=f.chunk, start=f.start, end=f.end,
            score=round(f.score, 2), role=f.role, excerpt=d["excerpt"],
        ))  # fmt: skip
    return tuple(out)


def masked(value: str, role: str) -> str:
    from dlp.report import mask

    return mask(re.sub(r"\s+", " ", value), role)


def locate(chunks: tuple[TextChunk, ...], f: HeldFinding) -> bool:
    """True when the stored position still points at this finding in these chunks."""
    if not 0 <= f.chunk < len(chunks) or chunks[f.chunk].where != f.where:
        return False
    text = chunks[f.chunk].text
    return 0 <= f.start < f.end <= len(text) and masked(text[f.start : f.end], f.role) == f.excerpt


@dataclass(frozen=True)
class Segment:
    """A run of text; `finding` is the finding's number when this run is one."""

    text: str
    finding: int | None = None
    revealed: bool = False


@dataclass(frozen=True)
class Part:
    where: str
    segments: tuple[Segment, ...]
    truncated: bool = False


def parts(
    chunks: tuple[TextChunk, ...], findings: tuple[HeldFinding, ...], reveal: frozenset[int]
) -> list[Part]:
    """Every chunk as segments, each placed finding masked unless its number is in `reveal`."""
    by_chunk: dict[int, list[tuple[int, HeldFinding]]] = {}
    for n, f in enumerate(findings):
        if locate(chunks, f):
            by_chunk.setdefault(f.chunk, []).append((n, f))
    out = []
    for i, chunk in enumerate(chunks):
        text = chunk.text[:MAX_CHUNK_CHARS]
        out.append(Part(chunk.where, cut(text, by_chunk.get(i, []), reveal),
                        len(chunk.text) > MAX_CHUNK_CHARS))  # fmt: skip
    return out


def cut(
    text: str, placed: list[tuple[int, HeldFinding]], reveal: frozenset[int]
) -> tuple[Segment, ...]:
    segs: list[Segment] = []
    pos = 0
    for n, f in sorted(placed, key=lambda p: (p[1].start, -p[1].end)):
        if f.start < pos or f.end > len(text):  # overlaps one already shown, or past the cut
            continue
        segs.append(Segment(text[pos : f.start]))
        shown = n in reveal
        segs.append(Segment(text[f.start : f.end] if shown else f.excerpt, n, shown))
        pos = f.end
    segs.append(Segment(text[pos:]))
    return tuple(s for s in segs if s.text or s.finding is not None)


def context(chunks: tuple[TextChunk, ...], findings: tuple[HeldFinding, ...], n: int,
            reveal: bool) -> str:  # fmt: skip
    """One line around finding `n` (in brackets), every finding in it masked unless `reveal`."""
    f = findings[n]
    if not locate(chunks, f):
        return f"[{f.excerpt}]"
    text = chunks[f.chunk].text
    lo, hi = max(0, f.start - CONTEXT), min(len(text), f.end + CONTEXT)
    near = sorted(
        (g for g in findings if g.chunk == f.chunk and g.end > lo and g.start < hi
         and locate(chunks, g)), key=lambda g: (g.start, -g.end),
    )  # fmt: skip
    lo = min([lo, *(g.start for g in near)])  # never cut a neighbouring value in half
    hi = max([hi, *(g.end for g in near)])
    out, pos = [], lo
    for g in near:
        if g.start < pos:
            continue
        shown = text[g.start : g.end] if reveal else g.excerpt
        out += [text[pos : g.start], f"[{shown}]" if g is f else shown]
        pos = g.end
    out.append(text[pos:hi])
    return " ".join("".join(out).split())


def value(chunks: tuple[TextChunk, ...], f: HeldFinding) -> str | None:
    """The unmasked value (for an audited reveal), or None when it cannot be placed."""
    return chunks[f.chunk].text[f.start : f.end] if locate(chunks, f) else None
