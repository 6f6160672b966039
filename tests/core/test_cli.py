"""`dlp scan`, `dlp config check`, `dlp patterns check` as scripts and people use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, WESTPARK_CONFIG, make_message

RECORD = "Student: Jacob Martinez, grade 5. His IEP lists extended time. Student ID 1234567."


def dlp(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlp", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


def test_scan_json_lines_follow_the_interface(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(WESTPARK_CONFIG)
    (tmp_path / "a.eml").write_bytes(make_message(RECORD, to="parent@gmail.com"))
    (tmp_path / "b.eml").write_bytes(make_message("Lunch at noon?", to="friend@gmail.com"))
    out = dlp("scan", "--config", str(tmp_path / "config.yaml"), "--json", str(tmp_path))
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [Path(r["file"]).name for r in results] == ["a.eml", "b.eml"]
    first = results[0]
    assert set(first) >= {"file", "verdict", "categories", "reasons", "findings", "recipients",
                          "encrypted", "unscannable", "not_inspected"}  # fmt: skip
    assert first["verdict"] == "quarantine"
    assert first["categories"] == ["student_record"]
    assert first["recipients"]["external"] == ["parent@gmail.com"]
    assert "1234567" not in out.stdout  # excerpts are masked
    assert any(f["excerpt"].endswith("4567") for f in first["findings"])
    assert results[1]["verdict"] == "pass" and results[1]["categories"] == []


def test_scan_envelope_flags_override_headers(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(make_message(RECORD, to="parent@gmail.com"))
    out = dlp("scan", "--rcpt", "office@westpark.k12.ca.us", "--json", str(tmp_path / "a.eml"))
    assert json.loads(out.stdout)["verdict"] == "pass"


def test_unreadable_file_exits_1_and_others_still_scan(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(make_message("hello"))
    out = dlp("scan", "--json", str(tmp_path / "a.eml"), str(tmp_path / "missing.eml"))
    assert out.returncode == 1
    assert len(out.stdout.splitlines()) == 1
    assert "missing.eml" in out.stderr


def test_invalid_config_exits_2_with_one_line_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text(WESTPARK_CONFIG.replace("mode: enforce", "mode: enforced"))
    out = dlp("scan", "--config", str(bad), str(tmp_path))
    assert out.returncode == 2
    assert f"{bad}:" in out.stderr and "policy.mode" in out.stderr
    assert "Traceback" not in out.stderr


def test_config_check_accepts_the_shipped_config() -> None:
    out = dlp("config", "check", "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["recognizers"] > 10


def test_patterns_check_rejects_a_broken_folder_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("recognizers:\n  - name: x\n")
    out = dlp("patterns", "check", str(tmp_path))
    assert out.returncode == 2
    assert "bad.yaml:2" in out.stderr


def test_help_shows_an_example() -> None:
    out = dlp("scan", "--help")
    assert out.returncode == 0 and "example:" in out.stdout
