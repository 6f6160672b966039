"""`dlp patterns test`: run a pattern set over a folder of mail, labelled or not.

Each message is scanned exactly as `dlp scan` would (the same `Scanner`), and
reduced to what tuning needs: the verdict, the categories, hits per
recognizer, what the verdict would be if the monitor-mode recognizers were
enforced, and, with a baseline pattern set, the same for the baseline.  The
labels are the dev corpus's `labels.jsonl` shape (`file`, `verdict`,
`categories`, optional `note`).  Figures are computed in `dlp.tuning.tables`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from dlp.config import Settings
from dlp.decide.classify import classify
from dlp.decide.policy import decide_message
from dlp.errors import ConfigError, ConfigErrors
from dlp.model import Decision
from dlp.pipeline import Scanner, ScanResult, addressee_names, author_names

LABELS_FILE = "labels.jsonl"
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Label:
    verdict: str
    categories: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """One pattern set's view of one message."""

    verdict: str
    categories: tuple[str, ...]
    reasons: tuple[str, ...]  # "rule (section): text"
    hits: Counter[str]  # findings by recognizer name (monitor ones included)
    if_enforced: str | None = None  # verdict if monitor-mode recognizers counted, if different


@dataclass(frozen=True)
class MessageRun:
    file: str
    label: Label | None
    now: Outcome
    base: Outcome | None = None


@dataclass
class FolderRun:
    folder: Path
    patterns: Path
    baseline: Path | None
    modes: dict[str, str]  # recognizer name → enforce | monitor
    roles: dict[str, str]  # recognizer name → role
    messages: list[MessageRun] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def labelled(self) -> list[MessageRun]:
        return [m for m in self.messages if m.label is not None]


def progress(enabled: bool) -> Progress:
    """A one-line counter on a terminal's stderr; silent in pipes and with --json."""

    def show(done: int, total: int, name: str) -> None:
        if enabled:
            sys.stderr.write(f"\r\x1b[Kscanned {done}/{total} {name[-50:]}")
            sys.stderr.write("\n" if done == total else "")
            sys.stderr.flush()

    return show


def read_labels(folder: Path) -> dict[str, Label]:
    """labels.jsonl by file name; a malformed line is a usage error naming its line."""
    path = folder / LABELS_FILE
    if not path.is_file():
        return {}
    out: dict[str, Label] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out[str(item["file"])] = Label(
                str(item["verdict"]), tuple(item.get("categories", ())), str(item.get("note", ""))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigErrors(
                [ConfigError(str(path), "", f"expected {{file, verdict, categories}}: {exc}", n)]
            ) from None
    return out


def mail_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ConfigErrors([ConfigError(str(folder), "", "not a folder of .eml files")])
    return sorted(p for p in folder.rglob("*.eml") if p.is_file())


def enforced_decision(result: ScanResult, raw: bytes, settings: Settings) -> Decision | None:
    """The decision if every monitor-mode finding counted; None when no finding is monitored."""
    if not any(f.monitor for f in result.findings):
        return None
    findings = [replace(f, monitor=False) for f in result.findings]
    classification = classify(
        result.extraction, findings, settings, author_names(raw), addressee_names(raw)
    )
    return decide_message(classification.categories, result.extraction, result.recipients, settings)


def outcome(result: ScanResult, raw: bytes, settings: Settings) -> Outcome:
    decision = result.decision
    enforced = enforced_decision(result, raw, settings)
    flipped = enforced.verdict.value if enforced and enforced.verdict != decision.verdict else None
    return Outcome(
        verdict=decision.verdict.value,
        categories=tuple(result.categories),
        reasons=tuple(
            f"{r.rule}{f' ({r.section})' if r.section else ''}: {r.text}" for r in decision.reasons
        ),
        hits=Counter(f.recognizer for f in result.findings),
        if_enforced=flipped,
    )


def run_folder(
    folder: Path,
    settings: Settings,
    baseline: Settings | None = None,
    show: Progress | None = None,
    scanners: Sequence[Scanner] | None = None,
) -> FolderRun:
    """Scan every .eml under `folder` with `settings` (and `baseline`, when given)."""
    files = mail_files(folder)
    labels = read_labels(folder)
    if scanners is None:
        scanners = [Scanner(settings)] + ([Scanner(baseline)] if baseline else [])
    specs = scanners[0].detector.patterns.recognizers
    run = FolderRun(
        folder, settings.patterns, baseline.patterns if baseline else None,
        {s.name: s.mode for s in specs}, {s.name: s.role for s in specs},
    )  # fmt: skip
    for n, path in enumerate(files, 1):
        try:
            raw = path.read_bytes()
        except OSError:
            run.unreadable.append(str(path))
            continue
        name = str(path.relative_to(folder))
        now = outcome(scanners[0].scan(raw), raw, settings)
        base = None
        if baseline is not None and len(scanners) > 1:
            base = outcome(scanners[1].scan(raw), raw, baseline)
        run.messages.append(MessageRun(name, labels.get(name), now, base))
        if show:
            show(n, len(files), name)
    return run
