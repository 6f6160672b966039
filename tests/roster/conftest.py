"""A small, messy SIS export imported once per session, and a Scanner that uses it.

The Scanner reuses the session's Detector (spaCy loads once); only the
settings differ: a `roster:` section and the opt-in guardian rule.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from dlp import config
from dlp.config import Settings
from dlp.model import Envelope
from dlp.pipeline import Scanner, ScanResult
from dlp.roster.importer import ImportSummary, run_import
from tests.conftest import ROOT, WESTPARK_CONFIG

# Messy on purpose: a title row, accents, a hyphenated and a two-part surname, a particle
# surname, a preferred name, a duplicate row (second guardian), a row with no name or ID,
# a bad date, a short ID, a malformed guardian address, a missing trailing column.
STUDENTS_CSV = """\
Westpark USD student export 2024-25,,,,,,,
Student_ID,LAST NAME,First Name,Preferred Name,SSID,Birth Date,Guardian 1 Email,Guardian2_Email
100234,Martinez,Jacob,Jake,6012345678,03/04/2013,maria.martinez@gmail.com,
100235,García-López,José,,6012345679,2012-11-30,padre@yahoo.com,madre@yahoo.com
100236,de la Cruz,Ana María,,,31/31/2012,not-an-email,
,,,,,,,
100234,Martinez,Jacob,,6012345678,03/04/2013,dad.martinez@gmail.com,
,Nguyen,,,,,,
100237,O'Neil,Siobhán,,,"January 5, 2013",,
A12,Smith Jones,Olivia,,,2013-02-02,olivia.parent@gmail.com
100239,Chen,Wei,,,20120709,chen.family@gmail.com,
"""
STAFF_CSV = """\
Employee ID;Name;Personal Email;Cell Phone
E-20001;Estes, Donna;donna.e@gmail.com;(555) 210-4477
E-20002;Robert Kim;;
;;someone@example.com;
"""


def roster_config(folder: Path, guardians: bool = True, extra: str = "") -> Path:
    """A config like the core tests' with a roster section (and the guardian rule)."""
    text = WESTPARK_CONFIG + f"patterns: {ROOT / 'patterns'}\n"
    if guardians:
        text = text.replace("recipients:\n", "recipients:\n  guardians_from_roster: true\n", 1)
    text += "roster:\n  store: data/roster.db\n  key_file: keys/roster.key\n" + extra
    path = folder / "config.yaml"
    path.write_text(text)
    return path


def write_exports(folder: Path) -> tuple[Path, Path]:
    students, staff = folder / "students.csv", folder / "staff.csv"
    students.write_text(STUDENTS_CSV, encoding="utf-8")
    staff.write_text(STAFF_CSV, encoding="utf-8")
    return students, staff


@pytest.fixture(scope="session")
def roster_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roster")


@pytest.fixture(scope="session")
def roster_settings(roster_dir: Path) -> Settings:
    return config.load(roster_config(roster_dir))


@pytest.fixture(scope="session")
def imported(roster_dir: Path, roster_settings: Settings) -> ImportSummary:
    students, staff = write_exports(roster_dir)
    assert roster_settings.roster is not None
    return run_import(roster_settings.roster, students, staff)


@pytest.fixture(scope="session")
def roster_scanner(scanner: Scanner, roster_settings: Settings, imported: ImportSummary) -> Scanner:
    return Scanner(roster_settings, detector=scanner.detector)


def message(
    body: str,
    to: str = "someone@gmail.com",
    subject: str = "Note",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Pat Teacher <pteacher@westpark.k12.ca.us>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    for name, data, ctype in attachments:
        main, _, sub = ctype.partition("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


@pytest.fixture(scope="session")
def rscan(roster_scanner: Scanner) -> Callable[..., ScanResult]:
    """rscan(body, to=..., attachments=...) → ScanResult through the roster-enabled scanner."""

    def run(body: str, to: str = "someone@gmail.com", **kw: object) -> ScanResult:
        raw = message(body, to=to, **kw)  # type: ignore[arg-type]
        rcpts = tuple(a.strip() for a in to.split(","))
        return roster_scanner.scan(raw, Envelope("pteacher@westpark.k12.ca.us", rcpts))

    return run


def entities(result: ScanResult) -> set[str]:
    return {f.entity for f in result.findings if f.recognizer == "roster"}
