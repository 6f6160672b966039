"""`dlp patterns check`: is this pattern folder safe to deploy?

In order, each stage only when the one before found no errors in the file:
YAML syntax (line and column) → JSON Schema and the loader's own checks →
folder-wide checks (unique names, one role per entity) → scores that can
reach the reporting threshold → the inline `examples` and `counterexamples`
run through the real detector, so that context scoring, validators and the
allow list count exactly as they do on mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from dlp.config import Settings
from dlp.detect.context import CONTEXT_BOOST
from dlp.detect.patterns import PatternSet, RecognizerSpec, check_set, parse_file
from dlp.model import Finding, TextChunk
from dlp.tuning.problems import (
    Positions,
    Problem,
    compose,
    from_config_error,
    read_text,
    schema_problems,
)
from dlp.tuning.trace import boosted, threshold_of, trace
from dlp.yamlsource import parse_yaml

if TYPE_CHECKING:
    from dlp.detect.analyzer import Detector


@dataclass
class CheckReport:
    folder: Path
    files: list[str] = field(default_factory=list)
    recognizers: list[RecognizerSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    examples_run: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "note"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        return {
            "folder": str(self.folder), "ok": self.ok, "files": self.files,
            "recognizers": len(self.recognizers), "examples_run": self.examples_run,
            "errors": len(self.errors), "notes": len(self.notes),
            "warnings": len(self.problems) - len(self.errors) - len(self.notes),
            "problems": [p.to_dict() for p in self.problems],
        }  # fmt: skip


@dataclass
class _Located:
    """Where each recognizer lives, so a set-level problem points into its file."""

    positions: dict[str, Positions] = field(default_factory=dict)
    index: dict[tuple[str, str], int] = field(default_factory=dict)  # (file, name) → index

    def at(self, spec: RecognizerSpec, suffix: str = "") -> tuple[int | None, int | None]:
        positions = self.positions.get(spec.file)
        i = self.index.get((spec.file, spec.name))
        if positions is None or i is None:
            return spec.line, None
        return positions.of(f"recognizers[{i}]{suffix}")

    def problem(
        self, spec: RecognizerSpec, suffix: str, text: str, fix: str = "", severity: str = "error"
    ) -> Problem:
        line, column = self.at(spec, suffix)
        where = f"recognizers[{self.index.get((spec.file, spec.name), '?')}]{suffix} ({spec.name})"
        return Problem(spec.file, line, column, where, text, fix, severity)


def pattern_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def check_file(path: Path, located: _Located) -> tuple[list[RecognizerSpec], list[Problem]]:
    """One file: syntax, schema and the loader's checks, merged (loader's wording first)."""
    text, problem = read_text(path)
    if text is None:
        return [], [problem] if problem else []
    positions, problem = compose(text, str(path))
    if positions is None:
        return [], [problem] if problem else []
    doc = parse_yaml(text, str(path))
    specs, errors = parse_file(doc)
    located.positions[str(path)] = positions
    recognizers = doc.data.get("recognizers") if isinstance(doc.data, dict) else None
    for i, raw in enumerate(recognizers if isinstance(recognizers, list) else []):
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            located.index.setdefault((str(path), raw["name"].strip()), i)
    problems = [from_config_error(e, positions) for e in errors]
    seen = {p.where for p in problems}
    problems += [p for p in schema_problems(doc.data, str(path), positions) if p.where not in seen]
    return specs, sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def score_problems(
    specs: list[RecognizerSpec], settings: Settings, located: _Located
) -> list[Problem]:
    """A pattern that can never reach its threshold is dead code that looks like protection."""
    out = []
    for spec in specs:
        threshold = threshold_of(spec, settings)
        for i, pattern in enumerate(spec.patterns):
            where = f".patterns[{i}].score"
            if pattern.score >= threshold:
                continue
            if not spec.context:
                text = (
                    f"pattern {pattern.name!r} scores {pattern.score}, under the threshold "
                    f"{threshold}, and the recognizer has no `context`: it can never fire"
                )
                fix = (
                    f"add `context:` words (a word nearby adds {CONTEXT_BOOST}) or raise the score"
                )
                out.append(located.problem(spec, where, text, fix))
            elif boosted(pattern.score) < threshold:
                text = (
                    f"pattern {pattern.name!r} reaches only {boosted(pattern.score):.2f} even "
                    f"with a context word; the threshold is {threshold}"
                )
                fix = f"raise the score to at least {round(threshold - CONTEXT_BOOST, 2)}"
                out.append(located.problem(spec, where, text, fix))
    return out


def coverage_warnings(specs: list[RecognizerSpec], located: _Located) -> list[Problem]:
    """Untested patterns are allowed, but an administrator should see them."""
    out = []
    for spec in specs:
        if not spec.examples:
            fix = "add `examples:` (texts it must find) and `counterexamples:`"
            out.append(located.problem(spec, "", "no inline examples", fix, "warning"))
            continue
        for i, pattern in enumerate(spec.patterns):
            rx = regex.compile(pattern.regex, spec.flags)
            if not any(rx.search(e) for e in spec.examples):
                text = f"no example exercises pattern {pattern.name!r}"
                fix = "add one to `examples:`"
                out.append(located.problem(spec, f".patterns[{i}]", text, fix, "warning"))
    return out


def prefilter_notes(specs: list[RecognizerSpec], located: _Located) -> list[Problem]:
    """One note per pattern the one-pass prefilter cannot take: it runs in Python on every
    text, which is correct but slower."""
    from dlp.detect.analyzer import DistrictPatternRecognizer
    from dlp.detect.prefilter import Prefilter

    by_name = {s.name: s for s in specs}
    out = []
    for fallback in Prefilter([DistrictPatternRecognizer(s) for s in specs]).fallbacks:
        spec = by_name[fallback.recognizer]
        names = [p.name for p in spec.patterns]
        where = f".patterns[{names.index(fallback.pattern)}]" if fallback.pattern in names else ""
        text = f"pattern {fallback.pattern!r} runs without the prefilter: {fallback.reason}"
        out.append(located.problem(spec, where or ".deny_list", text, severity="note"))
    return out


def example_problems(
    patterns: PatternSet, settings: Settings, located: _Located
) -> tuple[int, list[Problem]]:
    """Run every example through the real detector; explain each failure with a trace."""
    from dlp.detect.analyzer import Detector as Built  # loads spaCy: when needed
    from dlp.detect.analyzer import build_engine

    detector = Built(settings, patterns, build_engine(settings, patterns))
    run, out = 0, []
    for spec in patterns.recognizers:
        cases = [(".examples", t, True) for t in spec.examples]
        cases += [(".counterexamples", t, False) for t in spec.counterexamples]
        counters = {".examples": 0, ".counterexamples": 0}
        for key, text, wanted in cases:
            where = f"{key}[{counters[key]}]"
            counters[key] += 1
            run += 1
            found = _found(detector, spec, text, wanted)
            if bool(found) == wanted:
                continue
            if wanted:
                problem, fix = f"example {text!r} is not found", _why_missed(spec, text, settings)
            else:
                shown = ", ".join(repr(text[f.start : f.end]) for f in found)
                problem = f"counterexample {text!r} is found ({shown}, score {found[0].score})"
                fix = "tighten the regex, add a validator or an allow_list entry, or fix the text"
            out.append(located.problem(spec, where, problem, fix))
    return run, out


def _found(detector: Detector, spec: RecognizerSpec, text: str, example: bool) -> list[Finding]:
    """This recognizer's findings; for an example, a sibling of the same entity counts too.

    Presidio keeps one of two overlapping results of the same entity, so a
    sibling recognizer (another state's licence format) may win the span; the
    text is still detected, which is what an example promises.
    """
    findings = detector.detect([TextChunk("body", text)])
    mine = [f for f in findings if f.recognizer == spec.name]
    if mine or not example:
        return mine
    return [f for f in findings if f.entity == spec.entity]


def _why_missed(spec: RecognizerSpec, text: str, settings: Settings) -> str:
    traces = trace(spec, text, settings)
    if not traces:
        return "no pattern's regex matches it: fix the regex or the example"
    best = max(traces, key=lambda t: (t.valid is not False and not t.allowed, t.score))
    if best.reported:  # matched here but lost to an overlapping, higher-scored result
        return "it matches but an overlapping finding wins; check other recognizers"
    return f"best match {text[best.start : best.end]!r}: {best.why()}"


def check_folder(folder: Path, settings: Settings, run_examples: bool = True) -> CheckReport:
    """Every check on one folder; examples only run when the folder is otherwise valid."""
    report = CheckReport(folder)
    files = pattern_files(folder) if folder.is_dir() else []
    if not files:
        why = "pattern folder not found" if not folder.is_dir() else "no pattern files (*.yaml)"
        report.problems.append(Problem(str(folder), None, None, "", why, "give a folder of *.yaml"))
        return report
    located = _Located()
    for path in files:
        specs, problems = check_file(path, located)
        report.files.append(str(path))
        report.recognizers.extend(specs)
        report.problems.extend(problems)
    for error in check_set(report.recognizers):
        spec = next(
            s
            for s in report.recognizers
            if (s.file, s.line) == (error.file, error.line) and f"{s.name!r}" in error.where
        )
        report.problems.append(located.problem(spec, ".name", error.problem))
    report.problems.extend(score_problems(report.recognizers, settings, located))
    report.problems.extend(coverage_warnings(report.recognizers, located))
    if report.ok:
        report.problems.extend(prefilter_notes(report.recognizers, located))
    if run_examples and report.ok:
        patterns = PatternSet(tuple(report.recognizers), folder)
        report.examples_run, problems = example_problems(patterns, settings, located)
        report.problems.extend(problems)
    return report
