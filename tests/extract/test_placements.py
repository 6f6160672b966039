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
    **{
        f"docx {kind}": ("notes.docx", lambda kind=kind: placements.docx_story(kind))
        for kind in ("header", "footer", "footnotes", "endnotes", "comments")
    },
    **{
        f"docx {kind}": ("notes.docx", lambda kind=kind: placements.docx_inline(kind))
        for kind in (
            "tracked insertion",
            "content control",
            "block content control",
            "smart tag",
            "simple field",
            "merge field result",
            "nested table",
            "text box",
        )
    },
    **{
        f"docx altChunk {kind}": ("notes.docx", lambda kind=kind: placements.docx_alt_chunk(kind))
        for kind in ("html", "mht")
    },
    **{
        f"docx {kind}": (f"notes.{kind}", lambda kind=kind: placements.docx_variant(kind))
        for kind in ("docm", "dotx", "dotm", "strict")
    },
    **{
        f"docx {kind}": ("notes.docx", lambda kind=kind: placements.docx_python_docx(kind))
        for kind in (
            "even-page header",
            "first-page header",
            "footer",
            "title",
            "subject",
            "comments",
            "keywords",
            "author",
        )
    },
}


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
