"""Loading and hot reload: one stat() per scan, the new store swapped in whole, fail loud."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlp import config
from dlp.pipeline import Scanner
from dlp.roster.importer import run_import
from dlp.roster.store import RosterError
from tests.roster.conftest import STUDENTS_CSV, message, roster_config, write_exports

BODY = "Wei Chen got a D on the unit test."


def _hits(scanner: Scanner) -> set[str]:
    result = scanner.scan(message(BODY))
    return {f.entity for f in result.findings if f.recognizer == "roster"}


def test_store_appears_and_changes_while_the_scanner_runs(tmp_path: Path, scanner: Scanner) -> None:
    settings = config.load(roster_config(tmp_path))
    assert settings.roster is not None
    live = Scanner(settings, detector=scanner.detector)
    assert _hits(live) == set()  # nothing imported yet: no roster, no error
    students, _ = write_exports(tmp_path)
    run_import(settings.roster, students, None)
    assert _hits(live) == {"ROSTER_STUDENT_NAME"}
    students.write_text(STUDENTS_CSV.replace("100239,Chen,Wei", "100239,Chan,Wei"))
    run_import(settings.roster, students, None)
    assert _hits(live) == set()


def test_an_unreadable_new_store_keeps_the_previous_roster(
    tmp_path: Path, scanner: Scanner
) -> None:
    settings = config.load(roster_config(tmp_path))
    assert settings.roster is not None
    students, _ = write_exports(tmp_path)
    summary = run_import(settings.roster, students, None)
    live = Scanner(settings, detector=scanner.detector)
    assert _hits(live) == {"ROSTER_STUDENT_NAME"}
    broken = summary.store.with_suffix(".tmp")
    broken.write_bytes(b"not a database")
    os.replace(broken, summary.store)
    assert _hits(live) == {"ROSTER_STUDENT_NAME"}


def test_a_store_built_with_another_key_stops_start_up(tmp_path: Path, scanner: Scanner) -> None:
    settings = config.load(roster_config(tmp_path))
    assert settings.roster is not None
    students, _ = write_exports(tmp_path)
    run_import(settings.roster, students, None)
    settings.roster.key_path().write_text("ab" * 32 + "\n")
    with pytest.raises(RosterError, match="another key"):
        Scanner(settings, detector=scanner.detector)


def test_no_roster_section_means_no_roster_stage(scanner: Scanner) -> None:
    assert scanner.settings.roster is None
    assert scanner.roster is None
    result = scanner.scan(message("Wei Chen got a D on the unit test. Student ID 100239."))
    assert not [f for f in result.findings if f.recognizer == "roster"]
