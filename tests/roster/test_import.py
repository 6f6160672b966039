"""`dlp roster import`: messy exports, reported problems, keyed hashes only, atomic replace."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from dlp import cli, config
from dlp.roster.importer import ImportSummary, run_import
from dlp.roster.store import RosterError, read_store
from tests.roster.conftest import STAFF_CSV, STUDENTS_CSV, roster_config, write_exports

PLAINTEXT = [
    "Martinez", "MARTINEZ", "martinez", "Jacob", "jacob", "Jake", "García", "Garcia", "garcia",
    "lopez", "Cruz", "cruz", "Siobh", "oneil", "O'Neil", "Olivia", "Nguyen", "Estes", "estes",
    "Donna", "Robert", "Kim", "100234", "100235", "6012345678", "2013-03-04", "03/04/2013",
    "2013", "maria.martinez", "gmail", "yahoo", "padre", "donna.e", "5552104477", "210-4477",
    "E20001", "E-20001", "jacob martinez",
]  # fmt: skip


def test_import_counts_people_merges_duplicates_and_reports_bad_rows(
    imported: ImportSummary,
) -> None:
    assert imported.counts == {"students": 6, "staff": 2}
    students = imported.students
    assert students is not None
    assert students.duplicates == 1
    problems = {(p.row, p.column, p.action) for p in students.problems}
    assert (5, "Birth Date", "value skipped") in problems  # 31/31/2012
    assert (5, "Guardian 1 Email", "value skipped") in problems
    assert (7, "", "merged") in problems  # the second Jacob Martinez row
    assert (8, "", "row skipped") in problems  # a last name alone identifies nobody
    assert (10, "Student_ID", "value skipped") in problems  # "A12" is too short to match
    text = "\n".join(str(p) for p in students.problems)
    assert "students.csv: row 5, column 'Birth Date': not a birth date: 99/99/9999" in text
    assert imported.staff is not None
    assert [(p.row, p.action) for p in imported.staff.problems] == [(4, "row skipped")]


def test_store_holds_no_plaintext_roster_value(imported: ImportSummary) -> None:
    data = imported.store.read_bytes()
    for value in PLAINTEXT:
        for form in {value, value.lower(), value.upper()}:
            assert form.encode() not in data, form
            assert form.encode("utf-16-le") not in data, form
    key = (imported.store.parent.parent / "keys" / "roster.key").read_text().strip()
    assert key.encode() not in data and bytes.fromhex(key) not in data


def test_key_file_is_created_private_and_outside_the_store(imported: ImportSummary) -> None:
    key = imported.store.parent.parent / "keys" / "roster.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.parent != imported.store.parent


def test_reimport_replaces_atomically_and_keeps_the_other_population(tmp_path: Path) -> None:
    section = config.load(roster_config(tmp_path)).roster
    assert section is not None
    students, staff = write_exports(tmp_path)
    first = run_import(section, students, staff)
    inode = first.store.stat().st_ino
    students.write_text(STUDENTS_CSV.replace("100239,Chen", "100240,Chen"))
    second = run_import(section, students, None)
    assert second.store.stat().st_ino != inode  # a new file renamed into place
    assert second.counts == {"students": 6, "staff": 2}  # staff carried over
    assert read_store(second.store).tables["staff_name"] == read_store(first.store).tables[
        "staff_name"
    ]  # fmt: skip
    assert not [p for p in os.listdir(tmp_path / "data") if p.startswith(".")]  # no temp left


def test_semicolon_cp1252_and_config_column_names(tmp_path: Path) -> None:
    extra = "  columns:\n    students:\n      student_id: Perm Number\n      dob: [Born]\n"
    section = config.load(roster_config(tmp_path, extra=extra)).roster
    assert section is not None
    export = tmp_path / "sis.csv"
    export.write_bytes("Perm Number;Full Name;Born\n55501;Peña, Iñigo;7/2/2012\n".encode("cp1252"))
    summary = run_import(section, export, None)
    assert summary.counts["students"] == 1
    assert summary.problems() == []


def test_xlsx_export_with_dates_and_numeric_ids(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Student ID", "First Name", "Last Name", "DOB", "Parent Email"])
    sheet.append([1234567.0, "Jacob", "Martinez", dt.date(2012, 3, 14), "p@gmail.com"])
    sheet.append([1234568, "Ana", "Lopez", "not a date", None])
    book.save(tmp_path / "students.xlsx")
    section = config.load(roster_config(tmp_path)).roster
    assert section is not None
    summary = run_import(section, tmp_path / "students.xlsx", None)
    assert summary.counts["students"] == 2
    assert [(p.row, p.column) for p in summary.problems()] == [(3, "DOB")]


def test_a_file_without_name_or_id_columns_is_refused(tmp_path: Path) -> None:
    section = config.load(roster_config(tmp_path)).roster
    assert section is not None
    export = tmp_path / "odd.csv"
    export.write_text("Colour,Shape\nred,round\n")
    with pytest.raises(RosterError, match="no name or ID column"):
        run_import(section, export, None)


def test_cli_import_json_and_exit_statuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = roster_config(tmp_path)
    students, staff = write_exports(tmp_path)
    args = ["roster", "import", "--config", str(cfg), "--students", str(students), "--json"]
    assert cli.main([*args, "--staff", str(staff)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["students"] == 6 and out["staff"] == 2
    assert {"file", "row", "column", "problem", "action"} <= set(out["problems"][0])
    assert cli.main(["roster", "import", "--config", str(cfg), "--students", str(students)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("roster: 6 students, 2 staff")
    assert "row 5, column 'Birth Date'" in captured.err
    plain = tmp_path / "plain.yaml"
    plain.write_text("district:\n  domains: [westpark.k12.ca.us]\n")
    assert cli.main(["roster", "import", "--config", str(plain), "--students", str(students)]) == 2
    assert "no 'roster:' section" in capsys.readouterr().err
    assert cli.main(["roster", "status", "--config", str(cfg), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["students"] == 6


def test_staff_export_fields(tmp_path: Path) -> None:
    section = config.load(roster_config(tmp_path)).roster
    assert section is not None
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV)
    summary = run_import(section, None, staff)
    assert summary.counts == {"students": 0, "staff": 2}
    assert len(read_store(summary.store).tables["staff_contact"]) == 2
