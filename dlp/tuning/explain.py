"""`dlp explain MESSAGE`: why one message gets its verdict, step by step.

Three layers, in the order the pipeline runs them: every recognizer that
fired (pattern, score before and after context, the context word seen, the
validator's answer), the classification steps (which findings made which
category, and what monitor-mode findings would have changed), and the policy
rule that decided.  Values are masked as in `dlp scan` unless `--reveal`:
the command is meant for a privacy officer's own terminal, not for tickets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlp.config import Settings
from dlp.detect.patterns import RecognizerSpec
from dlp.errors import DlpError
from dlp.model import Decision, Envelope, Finding
from dlp.pipeline import Scanner, ScanResult
from dlp.report import mask
from dlp.tuning.labelled import enforced_decision
from dlp.tuning.trace import DENY_LIST_PATTERN, Trace, base_score, trace

SHOW_PER_RECOGNIZER = 8  # findings listed per recognizer in text; --json has them all
SHOW_NEAR_MISSES = 20
Key = tuple[int, int, int, str]


@dataclass(frozen=True)
class Explanation:
    file: str
    result: ScanResult
    specs: dict[str, RecognizerSpec]
    if_enforced: Decision | None  # the decision if monitor-mode findings counted
    traces: dict[Key, Trace]  # best regex trace per (chunk, start, end, recognizer)
    near_misses: tuple[tuple[int, Trace], ...]  # (chunk index, trace)


def explain_file(
    path: Path,
    settings: Settings,
    sender: str | None = None,
    rcpts: tuple[str, ...] = (),
    scanner: Scanner | None = None,
) -> Explanation:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DlpError(f"cannot read {path}: {exc.strerror}") from None
    scanner = scanner or Scanner(settings)
    envelope = Envelope(sender or "", tuple(rcpts)) if rcpts or sender else None
    result = scanner.scan(raw, envelope)
    specs = {s.name: s for s in scanner.detector.patterns.recognizers}
    traces = trace_all(result, list(specs.values()), settings)
    reported = {(f.chunk, f.start, f.end, f.recognizer) for f in result.findings}
    misses = [(k[0], t) for k, t in traces.items() if k not in reported and not t.reported]
    return Explanation(
        str(path), result, specs, enforced_decision(result, raw, settings), traces, tuple(misses)
    )


def trace_all(
    result: ScanResult, specs: list[RecognizerSpec], settings: Settings
) -> dict[Key, Trace]:
    """Every regex match in every chunk, the best-scoring one per span and recognizer.

    The analyzer does not keep Presidio's decision process, so the score
    before context and the context word of a finding are replayed here with
    the same rules (`dlp.tuning.trace`).
    """
    out: dict[Key, Trace] = {}
    for index, chunk in enumerate(result.extraction.chunks):
        for spec in specs:
            for t in trace(spec, chunk.text, settings):
                key = (index, t.start, t.end, spec.name)
                if key not in out or (t.reported, t.score) > (out[key].reported, out[key].score):
                    out[key] = t
    return out


def _value(result: ScanResult, chunk: int, start: int, end: int, role: str, reveal: bool) -> str:
    value = " ".join(result.extraction.chunks[chunk].text[start:end].split())
    return value if reveal else mask(value, role)


def finding_dict(e: Explanation, f: Finding, reveal: bool) -> dict[str, Any]:
    spec = e.specs.get(f.recognizer)
    t = e.traces.get((f.chunk, f.start, f.end, f.recognizer))
    pattern = t.pattern if t else (DENY_LIST_PATTERN if spec else "spaCy NER")
    base = t.base if t else (base_score(spec, pattern) if spec else f.score)
    validator = None
    if spec and spec.validator:
        validator = f"{spec.validator}: valid"  # a vetoed match is never a finding
    return {
        "recognizer": f.recognizer, "entity": f.entity, "role": f.role, "pattern": pattern,
        "where": e.result.extraction.chunks[f.chunk].where,
        "value": _value(e.result, f.chunk, f.start, f.end, f.role, reveal),
        "score_before_context": base, "score": f.score,
        "context_word": (t.context_word if t else f.context_word) or None,
        "validator": validator, "monitor": f.monitor,
    }  # fmt: skip


def _miss_dict(e: Explanation, chunk: int, t: Trace, reveal: bool) -> dict[str, Any]:
    role = e.specs[t.recognizer].role
    return {
        "recognizer": t.recognizer, "pattern": t.pattern,
        "where": e.result.extraction.chunks[chunk].where,
        "value": _value(e.result, chunk, t.start, t.end, role, reveal),
        "score_before_context": t.base, "score": round(t.score, 3), "threshold": t.threshold,
        "context_word": t.context_word or None,
        "validator": None if t.valid is None else f"{t.validator}: {_valid(t.valid)}",
        "allow_listed": t.allowed, "why": t.why(),
    }  # fmt: skip


def _valid(answer: bool) -> str:
    return "valid" if answer else "invalid"


def classification_dict(e: Explanation, reveal: bool) -> dict[str, Any]:
    c = e.result.classification
    evidence = {}
    for category, ids in c.evidence.items():
        items = [e.result.findings[i] for i in ids]
        evidence[category.value] = [
            f"{f.recognizer}: {_value(e.result, f.chunk, f.start, f.end, f.role, reveal)}"
            for f in items
        ]
    monitored = sorted({f.recognizer for f in e.result.findings if f.monitor})
    out: dict[str, Any] = {
        "steps": list(c.notes), "categories": e.result.categories, "evidence": evidence,
        "monitor_recognizers": monitored,
    }  # fmt: skip
    if monitored:
        out["ignored"] = (
            f"{len(monitored)} monitor-mode recognizer(s) fired; classification ignores them"
        )
        enforced = e.if_enforced
        out["if_enforced"] = (
            {"verdict": enforced.verdict.value, "rule": enforced.reasons[0].rule}
            if enforced is not None
            else None
        )
    return out


def policy_dict(e: Explanation) -> dict[str, Any]:
    r, d = e.result, e.result.decision
    return {
        "verdict": d.verdict.value, "enforced_verdict": d.enforced_verdict.value,
        "rule": d.reasons[0].rule if d.reasons else "",
        "reasons": [{"rule": x.rule, "section": x.section, "text": x.text} for x in d.reasons],
        "recipients": {"internal": list(r.recipients.internal),
                       "external": list(r.recipients.external),
                       "authorized": list(r.recipients.authorized),
                       "lookalike": list(r.recipients.lookalike)},
        "message_encrypted": r.extraction.encrypted, "subject": r.subject,
    }  # fmt: skip


def to_dict(e: Explanation, reveal: bool = False) -> dict[str, Any]:
    return {
        "file": e.file,
        "masked": not reveal,
        "findings": [finding_dict(e, f, reveal) for f in e.result.findings],
        "near_misses": [_miss_dict(e, c, t, reveal) for c, t in e.near_misses],
        "classification": classification_dict(e, reveal),
        "policy": policy_dict(e),
        "unscannable": [{"where": u.where, "why": u.why} for u in e.result.extraction.unscannable],
    }


def render(e: Explanation, reveal: bool = False, show_misses: bool = False) -> str:
    """Readable text, recognizers grouped, in pipeline order."""
    data = to_dict(e, reveal)
    pol = data["policy"]
    lines = [f"{e.file}: {pol['verdict'].upper()} (rule {pol['rule']})"]
    if not reveal:
        lines.append("values are masked; --reveal shows them (your own terminal only)")
    lines += ["", "1. Recognizers that fired", *_finding_lines(data["findings"])]
    if show_misses:
        lines += ["", "   Matches not reported (near misses)", *_miss_lines(data["near_misses"])]
    lines += ["", "2. Classification", *_class_lines(data["classification"])]
    lines += ["", "3. Policy", *_policy_lines(pol)]
    return "\n".join(lines)


def _finding_lines(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return ["   none"]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        groups[f["recognizer"]].append(f)
    out = []
    for name, items in groups.items():
        mode = " [monitor]" if items[0]["monitor"] else ""
        out.append(f"   {name} → {items[0]['entity']} ({items[0]['role']}){mode}: {len(items)}")
        for f in items[:SHOW_PER_RECOGNIZER]:
            ctx = f"context {f['context_word']!r}" if f["context_word"] else "no context"
            val = f"; {f['validator']}" if f["validator"] else ""
            pattern = f"pattern {f['pattern']!r}, " if f["pattern"] else ""
            out.append(f"     {f['value']!r} in {f['where']}: {pattern}"
                       f"{f['score_before_context']} → {f['score']} ({ctx}{val})")  # fmt: skip
        if len(items) > SHOW_PER_RECOGNIZER:
            out.append(f"     ... and {len(items) - SHOW_PER_RECOGNIZER} more (--json lists all)")
    return out


def _miss_lines(misses: list[dict[str, Any]]) -> list[str]:
    out = [f"   {m['recognizer']}: {m['value']!r} in {m['where']}: {m['why']}"
           for m in misses[:SHOW_NEAR_MISSES]]  # fmt: skip
    if len(misses) > SHOW_NEAR_MISSES:
        out.append(f"   ... and {len(misses) - SHOW_NEAR_MISSES} more (--json lists all)")
    return out or ["   none"]


def _class_lines(c: dict[str, Any]) -> list[str]:
    out = [f"   - {step}" for step in c["steps"]] or ["   - no category applies"]
    for category, items in c["evidence"].items():
        shown = "; ".join(items[:6]) + (" ..." if len(items) > 6 else "")
        out.append(f"   {category}: {shown or 'no findings needed'}")
    if c.get("ignored"):
        out.append(f"   {c['ignored']}: {', '.join(c['monitor_recognizers'])}")
        change = c.get("if_enforced")
        out.append(f"   if enforced: {change['verdict']} (rule {change['rule']})" if change
                   else "   if enforced: same categories")  # fmt: skip
    return out


def _policy_lines(p: dict[str, Any]) -> list[str]:
    rcpt = p["recipients"]
    listed = {k: rcpt[k] or "-" for k in ("internal", "external", "authorized")}
    out = ["   recipients: " + ", ".join(f"{k} {v}" for k, v in listed.items())]
    if rcpt["lookalike"]:
        out.append(f"   look-alike domains: {rcpt['lookalike']}")
    out.append(f"   message encrypted: {p['message_encrypted']}; subject: {p['subject']!r}")
    for r in p["reasons"]:
        section = f" [{r['section']}]" if r["section"] else ""
        out.append(f"   rule {r['rule']}{section}: {r['text']}")
    if p["enforced_verdict"] != p["verdict"]:
        out.append(f"   the relay acts on: {p['enforced_verdict']}")
    return out
