"""The OCR holdout (tests/fixtures/mail/ocr-holdout): generated once, never tuned on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlp import config
from dlp.pipeline import Scanner

from .conftest import needs_tesseract

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "mail" / "ocr-holdout"


@needs_tesseract
@pytest.mark.slow
def test_every_scanned_record_is_caught_and_no_benign_image_is_blocked() -> None:
    scanner = Scanner(config.load(FOLDER / "config.yaml"))
    missed, blocked = [], []
    for line in (FOLDER / "labels.jsonl").read_text().splitlines():
        label = json.loads(line)
        result = scanner.scan((FOLDER / label["file"]).read_bytes())
        got = result.decision.verdict.value
        if label["verdict"] != "pass" and (got == "pass" or "unscannable" in result.categories):
            missed.append((label["file"], got, result.categories))
        if label["verdict"] == "pass" and got != "pass":
            blocked.append((label["file"], got, result.categories))
    assert (missed, blocked) == ([], [])
