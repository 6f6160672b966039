"""The real type comes from the content; media is listed as not inspected."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from dlp.extract.formats.excel import display

from . import make
from .conftest import run


def test_renamed_xlsx_called_notes_txt_is_read_as_a_spreadsheet() -> None:
    out = run(make.xlsx(), "notes.txt", "text/plain")
    assert "Name: Jacob Martinez | Student ID: 1234567" in out.text
    assert out.chunks[0].where == "attachment:notes.txt#Caseload"


@pytest.mark.parametrize(
    ("build", "name"),
    [(make.docx, "scan.jpg"), (make.pdf, "data.bin"), (make.doc, "x.dat"), (make.rtf, "a.txt")],
)
def test_documents_are_read_whatever_their_name(build: object, name: str) -> None:
    out = run(build(), name, "application/octet-stream")  # type: ignore[operator]
    assert "Jacob Martinez" in out.text


def test_docx_named_zip_is_read_as_a_document_not_an_archive() -> None:
    out = run(make.docx(), "iep.zip")
    assert out.chunks[0].where == "attachment:iep.zip"


def test_logo_sized_images_are_not_inspected_and_not_unscannable() -> None:
    logo = io.BytesIO()
    Image.new("RGB", (160, 48), "navy").save(logo, "PNG")
    out = run(logo.getvalue(), "logo.png", "image/png")
    assert not out.unscannable
    assert [n.why for n in out.not_inspected] == ["image too small to hold a document (160x48 px)"]


def test_unknown_ole_container_is_not_inspected() -> None:
    from . import cfb

    out = run(cfb.build({"Contents": b"x" * 10}), "thing.bin")
    assert [n.why for n in out.not_inspected] == ["OLE container of an unknown kind"]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1234567.0, "General", "1234567"),
        (42, "0000000", "0000042"),
        (123456789, "000-00-0000", "123-45-6789"),
        (3.456, "0.00", "3.46"),
        (0.25, "0%", "25%"),
        (dt.datetime(2012, 3, 14), "mm/dd/yyyy", "03/14/2012"),
        (dt.datetime(2012, 3, 14), "m/d/yy", "03/14/2012"),
        (dt.datetime(2012, 3, 14), "yyyy-mm-dd", "2012-03-14"),
        (dt.datetime(2012, 3, 14, 9, 30), "yyyy-mm-dd h:mm", "2012-03-14 09:30"),
        (True, "General", "TRUE"),
        (None, "General", ""),
    ],
)
def test_spreadsheet_cells_read_as_a_person_sees_them(
    value: object, number_format: str, shown: str
) -> None:
    assert display(value, number_format) == shown
