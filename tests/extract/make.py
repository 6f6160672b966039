"""Builders for real attachment files, each carrying the same student record.

Every file is generated with the library that writes its format (openpyxl,
python-docx, python-pptx, odfpy, fpdf2, zipfile, tarfile, py7zr), or by hand
where no permissive writer exists (.doc, .ppt, .msg via `cfb.build`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import struct
import tarfile
import zipfile
from pathlib import Path

from . import cfb

STUDENT = (
    "Student: Jacob Martinez, Student ID 1234567, DOB 03/14/2012, "
    "IEP accommodations: extended time and preferential seating."
)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "attachments"


def xlsx(title_row: bool = True) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Caseload"
    if title_row:
        sheet.append(["Westpark Middle School - IEP caseload 2024-25"])
    sheet.append(["Student ID", "First Name", "Last Name", "DOB", "Notes"])
    sheet.append([1234567.0, "Jacob", "Martinez", dt.date(2012, 3, 14), "IEP accommodations"])
    sheet.append([42, "Ana", "Lopez", dt.date(2011, 7, 2), "504 plan"])
    sheet["D3"].number_format = "mm/dd/yyyy"
    sheet["D4"].number_format = "mm/dd/yyyy"
    sheet["A4"].number_format = "0000000"
    other = book.create_sheet("Contacts")
    other.append(["Guardian", "Phone"])
    other.append(["Rosa Martinez", "(555) 201-3344"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("IEP progress report", 1)
    document.add_paragraph(STUDENT)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Student ID", "Goal", "Progress"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["7654321", "Reading fluency", "Met"], strict=True):
        cell.text = text
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL - Special Education"
    document.sections[0].footer.paragraphs[0].text = "Case manager: R. Okafor"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx() -> bytes:
    import pptx as python_pptx
    from pptx.util import Inches

    deck = python_pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    assert slide.shapes.title is not None
    slide.shapes.title.text = "Case review"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = STUDENT
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    table.cell(0, 0).text, table.cell(0, 1).text = "Student ID", "Grade"
    table.cell(1, 0).text, table.cell(1, 1).text = "7654321", "B+"
    slide.notes_slide.notes_text_frame.text = "Mention the 504 plan for Ana Lopez"  # type: ignore[union-attr]
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def odf(kind: str) -> bytes:
    from odf import draw, opendocument, table, text

    if kind == "ods":
        doc = opendocument.OpenDocumentSpreadsheet()
        sheet = table.Table(name="Roster")
        for values in (["Roster"], ["Student ID", "Name", "DOB"],
                       ["1234567", "Jacob Martinez", "03/14/2012"]):  # fmt: skip
            row = table.TableRow()
            for value in values:
                cell = table.TableCell(valuetype="string")
                cell.addElement(text.P(text=value))
                row.addElement(cell)
            sheet.addElement(row)
        doc.spreadsheet.addElement(sheet)
    elif kind == "odp":
        doc = opendocument.OpenDocumentPresentation()
        page = draw.Page(name="p1", masterpagename="Default")
        frame = draw.Frame(width="20cm", height="5cm", x="1cm", y="1cm")
        box = draw.TextBox()
        box.addElement(text.P(text=STUDENT))
        frame.addElement(box)
        page.addElement(frame)
        doc.presentation.addElement(page)
    else:
        doc = opendocument.OpenDocumentText()
        doc.text.addElement(text.H(outlinelevel=1, text="Progress report"))
        doc.text.addElement(text.P(text=STUDENT))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def pdf(body: str = STUDENT, **encryption: str) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    if encryption:
        document.set_encryption(**encryption)  # type: ignore[arg-type]
    document.add_page()
    document.set_font("Helvetica", size=11)
    document.multi_cell(0, 8, body)
    return bytes(document.output())


def rtf() -> bytes:
    return (
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\\f0\\fs22 "
        b"IEP notes\\par " + STUDENT.encode() + b"\\par Jos\\'e9 attended.\\par}"
    )


def doc(text: str = STUDENT, encrypted: bool = False) -> bytes:
    """A Word 97 file: FIB, one 8-bit piece, the text at 0x800 (MS-DOC 2.8.35)."""
    body = (text + "\r").encode("cp1252")
    fib = bytearray(0x800)
    struct.pack_into("<H", fib, 0, 0xA5EC)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | (0x0100 if encrypted else 0))
    plc = struct.pack("<II", 0, len(body)) + struct.pack("<HIH", 0, 0x40000000 | 0x1000, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))
    return cfb.build({"WordDocument": bytes(fib) + body, "1Table": clx})


def ppt(text: str = STUDENT) -> bytes:
    """A PowerPoint 97 stream: one container holding one TextCharsAtom."""
    atom = struct.pack("<HHI", 0, 0x0FA0, len(text) * 2) + text.encode("utf-16-le")
    container = struct.pack("<HHI", 0x0F, 0x03E8, len(atom)) + atom
    return cfb.build({"PowerPoint Document": container})


def msg(attachment: bytes = b"", name: str = "roster.csv") -> bytes:
    def u(value: str) -> bytes:
        return value.encode("utf-16-le")

    streams = {
        "__substg1.0_0037001F": u("IEP follow-up"),
        "__substg1.0_1000001F": u(STUDENT),
        "__properties_version1.0": b"\0" * 32,
    }
    if attachment:
        streams["__attach_version1.0_#00000000/__substg1.0_3707001F"] = u(name)
        streams["__attach_version1.0_#00000000/__substg1.0_37010102"] = attachment
    return cfb.build(streams)


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def tar_of(members: dict[str, bytes], mode: str = "w") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data)


def csv_roster() -> bytes:
    return b"Student ID,First Name,Last Name,DOB\n1234567,Jacob,Martinez,03/14/2012\n"
