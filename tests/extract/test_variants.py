"""Formats are told by content and structure, old and odd variants included."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile

from tests.conftest import ROOT, WESTPARK_CONFIG

from . import make, placements
from .conftest import run

RECORD = ("Jacob Martinez", "1234567")


def assert_record(text: str) -> None:
    assert all(needle in text for needle in RECORD), text[:300]


def test_word6_document_is_read() -> None:
    out = run(placements.word6(), "old.doc")
    assert_record(out.text)
    assert not out.unscannable


def test_excel4_worksheet_is_read_by_content() -> None:
    out = run(placements.biff4(), "old.xls")
    assert_record(out.text)
    assert not out.unscannable


def test_word_2003_xml_is_read_as_a_document() -> None:
    out = run(placements.wordml(), "notes.xml")
    assert_record(out.text)
    assert "<w:t>" not in out.text


def test_encrypted_docx_with_lower_case_stream_names_is_unscannable() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(make.docx())).encrypt("secret", encrypted)
    data = encrypted.getvalue()
    for name in ("EncryptedPackage", "EncryptionInfo"):
        data = data.replace(name.encode("utf-16-le"), name.lower().encode("utf-16-le"))
    out = run(data, "iep.docx")
    assert out.reasons == "password-protected Office document (encrypted)"
    assert not out.not_inspected


def test_legacy_doc_with_upper_case_stream_names_is_read() -> None:
    data = make.doc().replace(
        "WordDocument".encode("utf-16-le"), "WORDDOCUMENT".encode("utf-16-le")
    )
    assert_record(run(data, "notes.doc").text)


def test_compressible_picture_in_a_document_is_not_a_bomb() -> None:
    out = run(placements.docx_with_emf_preview(), "iep.docx")
    assert_record(out.text)
    assert not out.unscannable


def test_library_warnings_never_reach_the_json_output(tmp_path: Path) -> None:
    """xlrd prints a warning for a workbook padded past its sectors; stdout stays JSON."""
    from email.message import EmailMessage

    xls = (make.FIXTURES / "roster.xls").read_bytes() + b"\0" * 100
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "t@westpark.k12.ca.us", "p@gmail.com", "Roster"
    msg.set_content("Attached.")
    msg.add_attachment(xls, maintype="application", subtype="vnd.ms-excel", filename="r.xls")
    (tmp_path / "a.eml").write_bytes(msg.as_bytes())
    (tmp_path / "config.yaml").write_text(WESTPARK_CONFIG)
    command = [sys.executable, "-m", "dlp", "scan", "--config", str(tmp_path / "config.yaml")]
    out = subprocess.run(
        [*command, "--json", str(tmp_path / "a.eml")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 1 and "WARNING" not in out.stdout, out.stdout[:500]


def test_legacy_excel_text_box_is_read() -> None:
    out = run(placements.xls_text_box(), "roster.xls")
    assert_record(out.text)


def test_file_packaged_in_a_legacy_word_document_is_read() -> None:
    out = run(placements.doc_with_embedded_file(make.csv_roster(), "roster.csv"), "notes.doc")
    assert "Student ID: 1234567" in out.text


def test_worksheet_embedded_in_a_legacy_word_document_is_read() -> None:
    out = run(placements.doc_with_embedded_worksheet(), "notes.doc")
    assert "1234567" in out.text, out.text
    assert not out.unscannable


def test_slide_text_inside_alternate_content_is_read() -> None:
    out = run(placements.pptx_alternate_content(), "deck.pptx")
    assert_record(out.text)


def test_slide_tables_are_not_repeated_as_prose() -> None:
    out = run(make.pptx(), "review.pptx")
    assert out.text.count("7654321") == 1


def test_object_embedded_in_a_legacy_presentation_is_read() -> None:
    data = placements.ppt_with_embedded_workbook(placements.xls_text_box())
    out = run(data, "review.ppt")
    assert_record(out.text)
