"""`dlp explain`: recognizers with their scores, classification steps, the deciding rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlp.config import Settings
from dlp.tuning.explain import explain_file, render, to_dict
from tests.conftest import corpus_dir, make_message
from tests.core.test_cli import dlp

BODY = (
    "Hi, for the payroll form: SSN 536-22-8745. The sample card said 078-05-1120 and "
    "the old one was 000-12-3456."
)


@pytest.fixture
def message(tmp_path: Path) -> Path:
    path = tmp_path / "m.eml"
    path.write_bytes(make_message(BODY, to="hr@payroll-vendor.com"))
    return path


def test_explain_shows_scores_context_validator_and_rule(message: Path, settings: Settings) -> None:
    data = to_dict(explain_file(message, settings))
    [ssn] = [f for f in data["findings"] if f["recognizer"] == "us_ssn"]
    assert ssn["pattern"] == "ssn dashed" and ssn["score_before_context"] == 0.5
    assert ssn["context_word"] == "ssn" and ssn["score"] == 0.85
    assert ssn["validator"] == "us_ssn: valid" and ssn["value"] == "***-**-8745"
    misses = {m["why"] for m in data["near_misses"] if m["recognizer"] == "us_ssn"}
    assert "on the allow list" in misses and "rejected by validator us_ssn" in misses
    assert data["classification"]["categories"] == ["high_risk_id"]
    assert data["classification"]["evidence"]["high_risk_id"] == ["us_ssn: ***-**-8745"]
    assert data["policy"]["rule"] == "unauthorized-external-recipient"
    assert "536-22-8745" not in json.dumps(data)


def test_reveal_shows_values_and_rcpt_changes_the_rule(message: Path, settings: Settings) -> None:
    e = explain_file(message, settings, rcpts=("payroll@westpark.k12.ca.us",))
    text = render(e, reveal=True, show_misses=True)
    assert "'536-22-8745'" in text and "rule no-external-recipients" in text
    assert "1. Recognizers that fired" in text and "near misses" in text


@pytest.mark.corpus
def test_explain_agrees_with_scan_on_dev_corpus_messages() -> None:
    folder = corpus_dir("dev")
    labels = [json.loads(x) for x in (folder / "labels.jsonl").read_text().splitlines() if x]
    picked = [
        next(x for x in labels if x["verdict"] == v) for v in ("pass", "quarantine", "bounce")
    ]
    cfg = str(folder / "config.yaml")
    for label in picked:
        path = str(folder / label["file"])
        scan = json.loads(dlp("scan", "--config", cfg, "--json", path).stdout)
        out = dlp("explain", "--config", cfg, "--json", path)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert data["policy"]["verdict"] == scan["verdict"]
        assert data["classification"]["categories"] == scan["categories"]
        assert data["masked"] is True
    text = dlp("explain", "--config", cfg, str(folder / picked[1]["file"])).stdout
    assert "2. Classification" in text and "3. Policy" in text and "QUARANTINE" in text
