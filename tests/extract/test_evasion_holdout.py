"""The kept evasion holdout (tests/fixtures/mail/evasion-holdout): none of it may pass.

The set was generated once by its own generator, apart from the test tricks,
and the filter was not tuned on it.
"""

from __future__ import annotations

import json
from pathlib import Path

from dlp import config
from dlp.pipeline import Scanner

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "mail" / "evasion-holdout"


def test_every_held_out_evasion_variant_gets_a_non_pass_verdict() -> None:
    scanner = Scanner(config.load(FOLDER / "config.yaml"))
    labels = [json.loads(line) for line in (FOLDER / "labels.jsonl").read_text().splitlines()]
    assert len(labels) >= 50
    passed = [
        label["file"]
        for label in labels
        if scanner.scan((FOLDER / label["file"]).read_bytes()).decision.verdict.value == "pass"
    ]
    assert passed == []
