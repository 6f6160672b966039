"""Every place a document can hold text is read: a record hidden there is caught.

Each document carries the student record in one placement only; it is sent as
an attachment to an outside address, and the scan must find a student record.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest

from dlp.pipeline import Scanner

from . import make, placements

Builder = Callable[[], bytes]


def _family(label: str, filename: str, build: Callable[[str], bytes], kinds: str) -> dict:
    """Cases `label kind` for each comma-separated kind, built by `build(kind)`."""
    cases = {}
    for kind in kinds.split(", "):
        name = filename.replace("{kind}", kind)
        cases[f"{label} {kind}"] = (name, lambda kind=kind: build(kind))
    return cases


CASES: dict[str, tuple[str, Builder]] = {
    "pdf form field": ("form.pdf", placements.pdf_form_field),
    "pdf sticky note": ("notes.pdf", lambda: placements.pdf_annotation("note")),
    "pdf free text": ("notes.pdf", lambda: placements.pdf_annotation("freetext")),
    "pdf embedded file": ("packet.pdf", lambda: placements.pdf_embedded(make.docx(), "iep.docx")),
    "pdf embedded in embedded": (
        "packet.pdf",
        lambda: placements.pdf_embedded(placements.pdf_form_field(), "form.pdf"),
    ),
    "pdf properties": ("notes.pdf", placements.pdf_properties),
    **_family("docx", "notes.docx", placements.docx_story,
              "header, footer, footnotes, endnotes, comments"),
    **_family("docx", "notes.docx", placements.docx_inline,
              "tracked insertion, content control, block content control, smart tag, "
              "simple field, merge field result, nested table, text box"),
    **_family("docx altChunk", "notes.docx", placements.docx_alt_chunk, "html, mht"),
    **_family("docx", "notes.{kind}", placements.docx_variant, "docm, dotx, dotm, strict"),
    **_family("docx", "notes.docx", placements.docx_python_docx,
              "even-page header, first-page header, footer, title, subject, comments, "
              "keywords, author"),
    **_family("xlsx", "counts.xlsx", placements.xlsx_placement,
              "cell comment, oddHeader, evenHeader, firstHeader, oddFooter, "
              "formula without cached value, cached string result, chart title, text box, "
              "title, subject, description, keywords, creator"),
    **_family("xlsx", "notes.{kind}", placements.xlsx_variant, "strict, xlsm, xltx"),
    **_family("pptx", "deck.pptx", placements.pptx_placement,
              "layout, master, chart title, subject, title, comments"),
    **_family("pptx", "deck.{kind}", placements.pptx_variant, "pptm, potx, ppsx"),
    **_family("odt", "notes.odt", placements.odt_placement,
              "header, footer, header-left, footnote, endnote, annotation, chart, title, "
              "subject, description, keyword"),
    **_family("ods", "counts.ods", placements.ods_placement, "cell comment, page header"),
    **_family("odp", "deck.odp", placements.odp_placement, "notes, master page"),
    **_family("odt", "notes.odt", placements.odt_legacy, "basic macro, doctype"),
    **_family("rtf", "notes.rtf", placements.rtf_placement,
              "header, footer, footnote, annotation, text box, info title"),
}  # fmt: skip


def mail_with(data: bytes, filename: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Pat Teacher <pteacher@westpark.k12.ca.us>"
    msg["To"] = "someone@gmail.com"
    msg["Subject"] = "Attached"
    msg.set_content("Please see the attached file.")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg.as_bytes()


@pytest.mark.parametrize("placement", sorted(CASES))
def test_a_record_hidden_in_the_placement_is_caught(scanner: Scanner, placement: str) -> None:
    filename, build = CASES[placement]
    result = scanner.scan(mail_with(build(), filename))
    assert "student_record" in result.categories, (
        [c.text[:200] for c in result.extraction.chunks],
        result.extraction.unscannable,
    )
