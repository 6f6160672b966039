"""Every attachment format staff send is read, and the student record is in the text."""

from __future__ import annotations

import io

import py7zr
import pytest

from dlp.model import ChunkKind

from . import make, placements
from .conftest import run

RECORD = ("Jacob Martinez", "1234567", "03/14/2012")


def assert_record(text: str) -> None:
    for needle in RECORD:
        assert needle in text, f"{needle!r} missing from {text[:300]!r}"


def test_pdf_text_layer_is_read() -> None:
    out = run(make.pdf(), "report.pdf", "application/pdf")
    assert_record(out.text)
    assert not out.unscannable


def test_pdf_with_only_an_owner_password_is_read() -> None:
    out = run(make.pdf(owner_password="admin"), "report.pdf")
    assert_record(out.text)
    assert not out.unscannable


def test_docx_paragraphs_tables_headers_and_footers_are_read() -> None:
    out = run(make.docx(), "iep.docx")
    assert_record(out.text)
    assert "Student ID: 7654321" in out.text  # the table, labelled by its header
    assert "CONFIDENTIAL - Special Education" in out.text
    assert "Case manager: R. Okafor" in out.text


def test_xlsx_every_sheet_is_a_table_with_values_as_displayed() -> None:
    out = run(make.xlsx(), "caseload.xlsx")
    sheets = [c.kind for c in out.chunks if "#properties" not in c.where]
    assert sheets == [ChunkKind.TABLE, ChunkKind.TABLE]
    assert "Name: Jacob Martinez | Student ID: 1234567 | DOB: 03/14/2012" in out.text
    assert "Student ID: 0000042" in out.text  # the 0000000 number format keeps its zeros
    assert "Guardian: Rosa Martinez | Phone: (555) 201-3344" in out.text
    assert "1234567.0" not in out.text


def test_legacy_xls_is_read_as_a_table() -> None:
    data = (make.FIXTURES / "roster.xls").read_bytes()
    out = run(data, "roster.xls")
    assert "Name: Jacob Martinez | Student ID: 1234567 | DOB: 03/14/2012" in out.text
    assert "Student ID: 0000042" in out.text


def test_pptx_slides_tables_and_notes_are_read() -> None:
    out = run(make.pptx(), "review.pptx")
    assert_record(out.text)
    assert "Student ID: 7654321" in out.text
    assert "504 plan for Ana Lopez" in out.text


@pytest.mark.parametrize("kind", ["odt", "odp"])
def test_opendocument_text_and_presentation_are_read(kind: str) -> None:
    out = run(make.odf(kind), f"notes.{kind}")
    assert_record(out.text)


def test_ods_sheets_are_tables() -> None:
    out = run(make.odf("ods"), "roster.ods")
    assert out.chunks[0].kind is ChunkKind.TABLE
    assert "Student ID: 1234567 | Name: Jacob Martinez | DOB: 03/14/2012" in out.text


def test_rtf_is_read_with_its_escapes() -> None:
    out = run(make.rtf(), "notes.rtf")
    assert_record(out.text)
    assert "José" in out.text


def test_legacy_doc_text_is_pulled_from_the_piece_table() -> None:
    out = run(make.doc(), "notes.doc")
    assert_record(out.text)
    assert not out.unscannable


def test_legacy_ppt_text_atoms_are_read() -> None:
    assert_record(run(make.ppt(), "deck.ppt").text)


def test_outlook_msg_subject_body_and_attachments_are_read() -> None:
    out = run(make.msg(make.csv_roster()), "fwd.msg")
    assert "IEP follow-up" in out.text
    assert_record(out.text)
    roster = [c for c in out.chunks if c.where.endswith("roster.csv")]
    assert roster and "Student ID: 1234567" in roster[0].text


def test_zip_members_are_read_recursively() -> None:
    inner = make.zip_of({"iep.docx": make.docx()})
    data = make.zip_of({"roster.csv": make.csv_roster(), "more.zip": inner, "__MACOSX/._x": b"x"})
    out = run(data, "reports.zip")
    wheres = {c.where for c in out.chunks}
    assert "attachment:reports.zip/roster.csv" in wheres
    assert "attachment:reports.zip/more.zip/iep.docx" in wheres
    assert_record(out.text)
    assert not out.unscannable and not out.not_inspected


@pytest.mark.parametrize("name", ["reports.tar.gz", "reports.tgz", "reports.tar"])
def test_tar_archives_are_read(name: str) -> None:
    tar = make.tar_of({"dir/roster.csv": make.csv_roster(), "notes.rtf": make.rtf()})
    data = tar if name.endswith(".tar") else make.gz(tar)
    out = run(data, name)
    assert_record(out.text)
    assert not out.unscannable


def test_single_gzip_file_is_read() -> None:
    out = run(make.gz(make.csv_roster()), "roster.csv.gz")
    assert "Name: Jacob Martinez | Student ID: 1234567" in out.text


def test_7z_archive_is_read() -> None:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(make.csv_roster(), "roster.csv")
        archive.writestr(make.rtf(), "notes.rtf")
    out = run(buffer.getvalue(), "files.7z")
    assert_record(out.text)
    assert not out.unscannable


def test_attached_eml_inside_a_zip_is_read() -> None:
    eml = b"From: a@b.org\nTo: c@d.org\nSubject: IEP\n\n" + make.STUDENT.encode() + b"\n"
    out = run(make.zip_of({"fwd.eml": eml}), "mail.zip")
    assert_record(out.text)


def test_rtf_unicode_escapes_pair_their_surrogates() -> None:
    out = run(placements.rtf_placement("unicode"), "notes.rtf")
    assert "José\U0001f600 Martínez" in out.text
    assert not any(0xD800 <= ord(c) < 0xE000 for c in out.text)


def test_rtf_lone_surrogate_becomes_a_replacement_character() -> None:
    out = run(b"{\\rtf1\\ansi Jacob\\u-10179? Martinez\\par}", "notes.rtf")
    assert out.text.strip() == "Jacob\ufffd Martinez"


def test_opendocument_note_is_read_apart_from_the_word_it_follows() -> None:
    out = run(placements.odt_placement("footnote"), "notes.odt")
    assert "note. " in out.text and "note.1" not in out.text
    assert "Student ID 1234567" in out.text


def test_rtf_hex_escapes_follow_the_font_charset() -> None:
    source = (
        b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}"
        b"{\\f1\\fswiss\\fcharset204 Arial;}}\\f0 Name: {\\f1 \\'c8\\'e2\\'e0\\'ed} Caf\\'e9\\par}"
    )
    assert run(source, "notes.rtf").text.strip() == "Name: Иван Café"
