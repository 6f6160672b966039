"""Figures and tables of a `dlp patterns test` run: per recognizer, per category, flips.

Labels name categories and verdicts, never recognizers, so a recognizer's
precision is read through its role: the share of the messages it fired in
whose label has a category that role feeds (a `high_risk_id` pattern firing
in a message labelled without `high_risk_id` is a likely false positive).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dlp.model import Category
from dlp.tuning.labelled import FolderRun, MessageRun

CATEGORIES = [c.value for c in Category]
PERSONAL = ("student_record", "staff_record", "bulk_roster")
# Roles whose hit alone should mean a category; context words, contacts and terms do not
# (they need a name or a count), so no precision is claimed for them.
ROLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "student_id": ("student_record", "bulk_roster"),
    "staff_id": ("staff_record", "bulk_roster"),
    "high_risk_id": ("high_risk_id",),
    "date_of_birth": PERSONAL,
    "home_address": PERSONAL,
    "personal_phone": PERSONAL,
}
SHOW_FILES = 3  # misses listed per row; the JSON has them all


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


@dataclass
class CategoryStats:
    name: str
    found: int = 0
    tp: int = 0
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)

    def to_dict(self, labelled: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.name, "found": self.found}
        if labelled:
            out.update(
                labelled=self.tp + len(self.fn),
                precision=ratio(self.tp, self.tp + len(self.fp)),
                recall=ratio(self.tp, self.tp + len(self.fn)),
                false_positives=self.fp,
                missed=self.fn,
            )
        return out


def category_stats(run: FolderRun) -> list[CategoryStats]:
    stats = {c: CategoryStats(c) for c in CATEGORIES}
    for m in run.messages:
        for c in m.now.categories:
            stats[c].found += 1
        if m.label is None:
            continue
        for c in CATEGORIES:
            got, want = c in m.now.categories, c in m.label.categories
            if got and want:
                stats[c].tp += 1
            elif got:
                stats[c].fp.append(m.file)
            elif want:
                stats[c].fn.append(m.file)
    return list(stats.values())


def recognizer_rows(run: FolderRun) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(set(run.modes) | {n for m in run.messages for n in m.now.hits}):
        fired = [m for m in run.messages if m.now.hits.get(name)]
        row: dict[str, Any] = {
            "recognizer": name, "mode": run.modes.get(name, "enforce"),
            "hits": sum(m.now.hits[name] for m in fired), "messages": len(fired),
        }  # fmt: skip
        cats = set(ROLE_CATEGORIES.get(run.roles.get(name, ""), ()))
        labels = [(m.file, set(m.label.categories)) for m in fired if m.label is not None]
        if run.labelled:
            outside = [file for file, got in labels if cats and not cats & got]
            row["precision"] = ratio(len(labels) - len(outside), len(labels)) if cats else None
            row["outside"] = outside
        rows.append(row)
    return rows


def flips(run: FolderRun) -> list[dict[str, Any]]:
    """Messages whose verdict differs between the baseline and the tested patterns."""
    out = []
    for m in run.messages:
        if m.base is None or m.base.verdict == m.now.verdict:
            continue
        added = m.now.hits - m.base.hits
        removed = m.base.hits - m.now.hits
        out.append({
            "file": m.file, "before": m.base.verdict, "after": m.now.verdict,
            "categories_before": list(m.base.categories),
            "categories_after": list(m.now.categories),
            "more_hits": dict(added), "fewer_hits": dict(removed),
            "reasons": list(m.now.reasons if m.now.verdict != "pass" else m.base.reasons),
            "label": m.label.verdict if m.label else None,
        })  # fmt: skip
    return out


def monitor_flips(run: FolderRun) -> list[dict[str, Any]]:
    """Messages whose verdict the monitor-mode recognizers would change once enforced."""
    out = []
    for m in run.messages:
        if m.now.if_enforced:
            hits = {n: c for n, c in m.now.hits.items() if run.modes.get(n) == "monitor"}
            label = m.label.verdict if m.label else None
            row = {"file": m.file, "verdict": m.now.verdict, "if_enforced": m.now.if_enforced}
            out.append({**row, "monitor_hits": hits, "label": label})
    return out


def verdict_stats(run: FolderRun) -> dict[str, Any]:
    counts = Counter(m.now.verdict for m in run.messages)
    out: dict[str, Any] = {"counts": dict(counts)}
    labelled = run.labelled
    if labelled:
        wrong = [m for m in labelled if m.label and m.label.verdict != m.now.verdict]
        out["accuracy"] = ratio(len(labelled) - len(wrong), len(labelled))
        out["wrong"] = [_wrong(m) for m in wrong]
    return out


def _wrong(m: MessageRun) -> dict[str, Any]:
    assert m.label is not None
    return {
        "file": m.file, "expected": m.label.verdict, "got": m.now.verdict,
        "expected_categories": list(m.label.categories), "got_categories": list(m.now.categories),
        "note": m.label.note,
    }  # fmt: skip


def to_dict(run: FolderRun) -> dict[str, Any]:
    labelled = bool(run.labelled)
    out: dict[str, Any] = {
        "folder": str(run.folder), "patterns": str(run.patterns),
        "messages": len(run.messages), "labelled": len(run.labelled),
        "unreadable": run.unreadable, "verdicts": verdict_stats(run),
        "recognizers": recognizer_rows(run),
        "categories": [c.to_dict(labelled) for c in category_stats(run)],
        "monitor": monitor_flips(run),
    }  # fmt: skip
    if run.baseline is not None:
        out["baseline"] = str(run.baseline)
        out["flips"] = flips(run)
    return out


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _files(files: list[str]) -> str:
    more = f" (+{len(files) - SHOW_FILES} more)" if len(files) > SHOW_FILES else ""
    return ", ".join(files[:SHOW_FILES]) + more


def render(run: FolderRun) -> str:
    """The whole report as text tables for a terminal."""
    data = to_dict(run)
    lines = [f"{data['messages']} messages in {run.folder} ({data['labelled']} labelled), "
             f"patterns {run.patterns}"]  # fmt: skip
    lines += _verdict_lines(data["verdicts"])
    lines += ["", _recognizer_table(data["recognizers"], bool(run.labelled))]
    lines += ["", _category_table(data["categories"], bool(run.labelled))]
    if data["monitor"]:
        lines += ["", "Monitor-mode recognizers would change these verdicts if enforced:"]
        for m in data["monitor"]:
            lines.append(f"  {m['file']}: {m['verdict']} → {m['if_enforced']}  "
                         f"(hits {m['monitor_hits']}; label {m['label'] or '-'})")  # fmt: skip
    if "flips" in data:
        lines += ["", _flip_lines(data["flips"], run)]
    return "\n".join(lines)


def _verdict_lines(v: dict[str, Any]) -> list[str]:
    counts = ", ".join(f"{k} {n}" for k, n in sorted(v["counts"].items()))
    out = [f"verdicts: {counts}"]
    if "accuracy" in v:
        out.append(f"verdict accuracy against labels: {v['accuracy']:.1%}")
        out += [f"  wrong: {w['file']}: expected {w['expected']} {w['expected_categories']}, "
                f"got {w['got']} {w['got_categories']}" for w in v["wrong"]]  # fmt: skip
    return out


def _recognizer_table(rows: list[dict[str, Any]], labelled: bool) -> str:
    head = f"{'recognizer':<32} {'mode':<8} {'hits':>6} {'msgs':>5}"
    head += f" {'prec':>5}  fired outside its categories" if labelled else ""
    out = [head, "-" * len(head)]
    for r in rows:
        line = f"{r['recognizer']:<32} {r['mode']:<8} {r['hits']:>6} {r['messages']:>5}"
        if labelled:
            line += f" {_num(r['precision']):>5}  {_files(r['outside'])}"
        out.append(line.rstrip())
    return "\n".join(out)


def _category_table(rows: list[dict[str, Any]], labelled: bool) -> str:
    head = f"{'category':<16} {'found':>5}"
    head += f" {'label':>5} {'prec':>5} {'recall':>6}  misses" if labelled else ""
    out = [head, "-" * len(head)]
    for r in rows:
        line = f"{r['category']:<16} {r['found']:>5}"
        if labelled:
            line += f" {r['labelled']:>5} {_num(r['precision']):>5} {_num(r['recall']):>6}"
            misses = [f"missed {f}" for f in r["missed"]] + [
                f"extra {f}" for f in r["false_positives"]
            ]
            line += f"  {_files(misses)}"
        out.append(line.rstrip())
    return "\n".join(out)


def _flip_lines(rows: list[dict[str, Any]], run: FolderRun) -> str:
    if not rows:
        return f"No verdict changes against the baseline {run.baseline}."
    out = [f"{len(rows)} verdict(s) would change against the baseline {run.baseline}:"]
    for f in rows:
        hits = ", ".join([f"+{n} {k}" for k, n in f["more_hits"].items()]
                         + [f"-{n} {k}" for k, n in f["fewer_hits"].items()])  # fmt: skip
        label = f"; labelled {f['label']}" if f["label"] else ""
        out.append(f"  {f['file']}: {f['before']} → {f['after']}{label}")
        out.append(f"      categories {f['categories_before']} → {f['categories_after']}; {hits}")
        out += [f"      {r}" for r in f["reasons"][:1]]
    return "\n".join(out)
