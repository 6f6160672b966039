"""`dlp patterns test`: figures on labelled mail, monitor mode, and the baseline diff.

The diff is checked on messages generated here: adding the Lincoln student-ID
pattern must flip exactly the message that names a Lincoln ID in a student
context and goes outside; the same ID without context, or sent inside the
district, or in a message already held for another reason, must not flip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlp import report
from dlp.config import Settings
from dlp.model import TextChunk
from dlp.pipeline import Scanner
from dlp.tuning import tables
from dlp.tuning.labelled import run_folder
from tests.conftest import ROOT, corpus_dir, make_message
from tests.core.test_cli import dlp

from .conftest import lincoln, with_patterns

RECORD = "Transfer note: Lincoln student ID LUSD-482913 moves to room 12 on Monday."
MAIL = {  # file → (body, to, labelled verdict, labelled categories)
    "flips.eml": (RECORD, "counselor@lincoln-mail.org", "quarantine", ["student_record"]),
    "internal.eml": (RECORD, "office@westpark.k12.ca.us", "pass", ["student_record"]),
    "no-context.eml": ("Order LUSD-482913 shipped.", "vendor@supplies.com", "pass", []),
    "held-anyway.eml": (RECORD + " Her SSN: 536-22-8745.", "x@gmail.com", "quarantine",
                        ["student_record", "high_risk_id"]),
    "lunch.eml": ("Lunch at noon?", "friend@gmail.com", "pass", []),
}  # fmt: skip


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mail")
    labels = []
    for name, (body, to, verdict, cats) in MAIL.items():
        (folder / name).write_bytes(make_message(body, to=to))
        labels.append(json.dumps({"file": name, "verdict": verdict, "categories": cats}))
    (folder / "labels.jsonl").write_text("\n".join(labels) + "\n")
    return folder


def edited(tmp_path_factory: pytest.TempPathFactory, mode: str) -> Path:
    folder = tmp_path_factory.mktemp(f"patterns-{mode}")
    for path in (ROOT / "patterns").glob("*.yaml"):
        (folder / path.name).write_text(path.read_text())
    (folder / "lincoln.yaml").write_text(lincoln(mode))
    return folder


@pytest.fixture(scope="module")
def enforce_scanner(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Scanner:
    return Scanner(with_patterns(settings, edited(tmp_path_factory, "enforce")))


@pytest.fixture(scope="module")
def monitor_scanner(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Scanner:
    return Scanner(with_patterns(settings, edited(tmp_path_factory, "monitor")))


def test_baseline_diff_flips_exactly_the_expected_message(
    mail: Path, scanner: Scanner, enforce_scanner: Scanner
) -> None:
    run = run_folder(mail, enforce_scanner.settings, scanner.settings,
                     scanners=[enforce_scanner, scanner])  # fmt: skip
    flips = tables.flips(run)
    assert [f["file"] for f in flips] == ["flips.eml"]
    [flip] = flips
    assert (flip["before"], flip["after"]) == ("pass", "quarantine")
    assert flip["more_hits"] == {"lincoln_student_id": 1}
    assert flip["categories_after"] == ["student_record"]
    assert "unauthorized-external-recipient" in flip["reasons"][0]
    text = tables.render(run)
    assert "1 verdict(s) would change" in text and "flips.eml: pass → quarantine" in text


def test_labels_give_precision_recall_and_misses(
    mail: Path, scanner: Scanner, enforce_scanner: Scanner
) -> None:
    before = tables.to_dict(run_folder(mail, scanner.settings, scanners=[scanner]))
    after = tables.to_dict(run_folder(mail, enforce_scanner.settings, scanners=[enforce_scanner]))
    student = {c["category"]: c for c in before["categories"]}["student_record"]
    assert student["labelled"] == 3 and "flips.eml" in student["missed"]
    fixed = {c["category"]: c for c in after["categories"]}["student_record"]
    assert fixed["recall"] == 1.0 and fixed["precision"] == 1.0 and fixed["missed"] == []
    assert after["verdicts"]["accuracy"] == 1.0
    row = {r["recognizer"]: r for r in after["recognizers"]}["lincoln_student_id"]
    assert (row["hits"], row["messages"], row["precision"]) == (3, 3, 1.0)


def test_monitor_mode_reports_but_never_decides(mail: Path, monitor_scanner: Scanner) -> None:
    result = monitor_scanner.scan(make_message(RECORD, to="counselor@lincoln-mail.org"))
    [finding] = [f for f in result.findings if f.recognizer == "lincoln_student_id"]
    assert finding.monitor and result.decision.verdict.value == "pass"
    shown = report.finding_dict(result, finding)
    assert shown["monitor"] is True and "482913" not in shown["excerpt"]
    run = tables.to_dict(run_folder(mail, monitor_scanner.settings, scanners=[monitor_scanner]))
    assert [(m["file"], m["if_enforced"]) for m in run["monitor"]] == [("flips.eml", "quarantine")]
    row = {r["recognizer"]: r for r in run["recognizers"]}["lincoln_student_id"]
    assert row["mode"] == "monitor" and row["hits"] == 3


def test_context_decides_whether_the_new_pattern_reports(enforce_scanner: Scanner) -> None:
    found = enforce_scanner.detector.detect([TextChunk("body", "Order LUSD-482913 shipped")])
    assert not [f for f in found if f.recognizer == "lincoln_student_id"]


@pytest.mark.corpus
def test_patterns_test_on_the_dev_corpus_prints_tables_and_json() -> None:
    folder = corpus_dir("dev")
    labels = (folder / "labels.jsonl").read_text().splitlines()
    out = dlp("patterns", "test", "--config", str(folder / "config.yaml"), "--json", str(folder))
    assert out.returncode == 0, out.stderr
    assert "scanned" not in out.stderr  # no progress counter in a pipe
    data = json.loads(out.stdout)
    assert data["labelled"] == len([line for line in labels if line.strip()])
    assert data["verdicts"]["accuracy"] >= 0.95
    assert {c["category"] for c in data["categories"]} >= {"student_record", "high_risk_id"}
    assert all(r["hits"] >= 0 for r in data["recognizers"]) and len(data["recognizers"]) > 10
    text = dlp("patterns", "test", "--config", str(folder / "config.yaml"), str(folder))
    assert "recognizer" in text.stdout and "recall" in text.stdout
    assert "verdict accuracy against labels" in text.stdout
