"""Roster hits in message text: each identifier form, in the body and in attachments."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest

from dlp.config import Settings
from dlp.model import Category, Verdict
from dlp.pipeline import Scanner, ScanResult
from tests.conftest import make_message
from tests.roster.conftest import entities

Scan = Callable[..., ScanResult]


@pytest.mark.parametrize(
    ("body", "entity"),
    [
        ("Jacob Martinez missed the quiz.", "ROSTER_STUDENT_NAME"),
        ("jacob martinez missed the quiz.", "ROSTER_STUDENT_NAME"),  # typed in lower case
        ("JACOB MARTINEZ missed the quiz.", "ROSTER_STUDENT_NAME"),
        ("Martinez, Jacob missed the quiz.", "ROSTER_STUDENT_NAME"),
        ("100234 is failing Algebra and has an IEP review.", "ROSTER_STUDENT_ID"),
        ("MARTINEZ, JACOB missed the quiz.", "ROSTER_STUDENT_NAME"),
        ("Jake Martinez missed the quiz.", "ROSTER_STUDENT_NAME"),  # preferred name
        ("Jose Garcia-Lopez missed the quiz.", "ROSTER_STUDENT_NAME"),  # no accents
        ("José García missed the quiz.", "ROSTER_STUDENT_NAME"),  # first part only
        ("Garcia Lopez, Jose missed the quiz.", "ROSTER_STUDENT_NAME"),
        ("Olivia Jones missed the quiz.", "ROSTER_STUDENT_NAME"),  # two-part surname
        ("Ana María de la Cruz missed the quiz.", "ROSTER_STUDENT_NAME"),
        ("Siobhan O'Neil's quiz is missing.", "ROSTER_STUDENT_NAME"),
        ("Student ID 100234 missed the quiz.", "ROSTER_STUDENT_ID"),
        ("SSID: 6012345678", "ROSTER_STUDENT_ID"),
        ("Please see Donna Estes about it.", "ROSTER_STAFF_NAME"),
        ("Employee #E-20002 badge request", "ROSTER_STAFF_ID"),
        ("Reach her at donna.e@gmail.com", "ROSTER_STAFF_CONTACT"),
        ("Her cell is 555-210-4477.", "ROSTER_STAFF_CONTACT"),
    ],
)
def test_each_identifier_form_is_found_in_the_body(rscan: Scan, body: str, entity: str) -> None:
    assert entity in entities(rscan(body))


@pytest.mark.parametrize(
    "body",
    [
        "Jacob martinez missed the quiz.",  # neither a name's capitals nor all lower case
        "Jacob met Martinez at the game.",  # not one name
        "Invoice 100234 is due Friday.",  # a bare number with no ID word and no name
        "Maria G. led the assembly.",
        "Jacob Martin missed the quiz.",  # not on the roster
        "Martinez Jacob missed the quiz.",  # surname first needs the comma
    ],
)
def test_near_misses_are_not_roster_hits(rscan: Scan, body: str) -> None:
    assert not entities(rscan(body)) - {"ROSTER_STAFF_NAME"}


def test_an_id_counts_without_an_id_word_when_its_owner_is_named(rscan: Scan) -> None:
    result = rscan("Jacob Martinez: 100234, 6012345678")
    ids = [f for f in result.findings if f.entity == "ROSTER_STUDENT_ID"]
    assert len(ids) == 2


def test_birth_date_counts_only_for_the_student_named(rscan: Scan) -> None:
    assert "ROSTER_DOB" in entities(rscan("Jacob Martinez, born 3/4/2013"))
    assert "ROSTER_DOB" in entities(rscan("Siobhan O'Neil DOB: Jan 5, 2013"))
    assert "ROSTER_DOB" not in entities(rscan("Jacob Martinez, born 1/5/2013"))
    assert "ROSTER_DOB" not in entities(rscan("The field trip is on 3/4/2013."))


def test_roster_name_identifies_a_student_without_role_words(
    rscan: Scan, scanner: Scanner, settings: Settings
) -> None:
    body = "Quick update: Wei Chen got a D on the unit test and is failing math."
    with_roster = rscan(body)
    assert Category.STUDENT_RECORD in with_roster.classification.categories
    assert any("student roster" in n for n in with_roster.classification.notes)
    # without the roster, only the learned second opinion reads it as a record
    detection = settings.detection.model_copy(update={"record_model": False})
    rules_only = Scanner(settings.model_copy(update={"detection": detection}), scanner.detector)
    assert (
        Category.STUDENT_RECORD not in rules_only.scan(make_message(body)).classification.categories
    )


def test_roster_id_is_itself_confidential(rscan: Scan) -> None:
    result = rscan("Please update the bus list: student number 100239.")
    assert result.categories == ["student_record"]
    assert result.decision.verdict is Verdict.QUARANTINE


def test_staff_roster_with_personnel_information(rscan: Scan) -> None:
    result = rscan("Robert Kim received a letter of reprimand after the audit.")
    assert Category.STAFF_RECORD in result.classification.categories


def test_ner_names_not_on_the_roster_count_less(rscan: Scan, scan: Scan) -> None:
    body = "Peter Parker is failing math and has a detention on Friday."
    ner = [f for f in rscan(body).findings if f.recognizer == "SpacyRecognizer"]
    base = [f for f in scan(body).findings if f.recognizer == "SpacyRecognizer"]
    assert base and not ner  # 0.85 x 0.5 falls under detection.min_score


def _csv_attachment() -> tuple[str, bytes, str]:
    rows = "First Name,Last Name,Student ID,Reading\nJacob,Martinez,100234,below basic\n"
    return ("scores.csv", rows.encode(), "text/csv")


def _xlsx_attachment() -> tuple[str, bytes, str]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "DOB", "Notes"])
    sheet.append(["García López, José", dt.date(2012, 11, 30), "IEP review"])
    out = io.BytesIO()
    book.save(out)
    ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ("caseload.xlsx", out.getvalue(), ctype)


@pytest.mark.parametrize(
    ("attachment", "expected"),
    [
        (_csv_attachment, {"ROSTER_STUDENT_NAME", "ROSTER_STUDENT_ID"}),
        (_xlsx_attachment, {"ROSTER_STUDENT_NAME", "ROSTER_DOB"}),
    ],
)
def test_attachments_are_matched_row_by_row(
    rscan: Scan, attachment: Callable[[], tuple[str, bytes, str]], expected: set[str]
) -> None:
    name, data, ctype = attachment()
    result = rscan("See attached.", attachments=((name, data, ctype),))
    assert expected <= entities(result)
    chunks = result.extraction.chunks
    where = {chunks[f.chunk].where for f in result.findings if f.recognizer == "roster"}
    assert all(w.startswith(f"attachment:{name}") for w in where)
    assert result.categories == ["student_record"]
