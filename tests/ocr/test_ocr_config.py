"""`extraction.ocr` in the config, and what `dlp config check` says about OCR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlp import cli, config
from dlp.errors import ConfigErrors
from tests.conftest import WESTPARK_CONFIG


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(WESTPARK_CONFIG + extra)
    return path


def test_ocr_defaults_read_english_spanish_and_vietnamese(tmp_path: Path) -> None:
    ocr = config.load(write(tmp_path, "")).extraction.limits().ocr
    assert ocr.enabled and ocr.languages == ("eng", "spa", "vie")


def test_languages_may_be_written_as_tesseract_does(tmp_path: Path) -> None:
    path = write(tmp_path, "extraction:\n  ocr:\n    languages: eng+spa\n")
    assert config.load(path).extraction.ocr.languages == ("eng", "spa")


def test_bad_language_code_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "extraction:\n  ocr:\n    languages: [eng, 'spa;rm -rf']\n")
    with pytest.raises(ConfigErrors, match=r"extraction\.ocr\.languages"):
        config.load(path)


def test_ocr_time_per_message_stays_within_half_the_relay_deadline(tmp_path: Path) -> None:
    path = write(tmp_path, "relay:\n  message_timeout: 30\nextraction:\n  ocr:\n"
                 "    message_seconds: 120\n")  # fmt: skip
    settings = config.load(path)
    assert settings.extraction.limits(settings.relay.message_timeout).ocr.message_seconds == 15


def test_config_check_says_ocr_is_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dlp.extract.ocr import engine

    if not engine.status(("eng", "spa", "vie")).available:
        pytest.skip("Tesseract is not installed")
    assert cli.main(["config", "check", str(write(tmp_path, ""))]) == 0
    assert "OCR on: Tesseract" in capsys.readouterr().out


def test_config_check_says_ocr_is_off_when_turned_off_or_unavailable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    off = write(tmp_path, "extraction:\n  ocr:\n    enabled: false\n")
    assert cli.main(["config", "check", str(off)]) == 0
    assert "OCR off: turned off in the config" in capsys.readouterr().out
    missing = write(tmp_path, "extraction:\n  ocr:\n    languages: [zz_none]\n")
    assert cli.main(["config", "check", "--json", str(missing)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ocr"] is False and summary["ocr_detail"].startswith("OCR off:")
