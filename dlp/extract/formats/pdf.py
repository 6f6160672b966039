"""PDF: the text layer with pypdfium2, the rest of what a PDF can hold with pypdf.

pypdfium2 (Apache-2.0/BSD, maintained, Chrome's PDFium) extracts page text
twenty times faster than pure-Python pypdf, which keeps the time limit
meaningful for large reports.  pypdf (BSD) still reads what PDFium's text API
does not expose simply: form-field values and annotation contents (sticky
notes, FreeText, file attachments); both are cheap dictionary look-ups.

A PDF encrypted only with an owner password (print/copy restrictions) opens
with the empty user password and is read; one that needs a user password is
unscannable.  A PDF without `%%EOF` at its end was cut off in transit: the
readable text is still scanned, and the part is also reported unscannable.
Files embedded in the PDF are yielded as members: the registry reads them
like attachments, within the archive limits.  Pages are read one by one by
`pages()`; a page with no text layer is handed to `textless_pages()`.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.ocr.pdfpages import ocr_pages
from dlp.extract.registry import register
from dlp.model import TextChunk, Unscannable

# pypdf logs every repair of a malformed file; a mail filter sees many, and says so itself.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one document at a time per process
_METADATA = ("Title", "Subject", "Keywords", "Author")


@dataclass(frozen=True)
class Page:
    """One page's text layer; `text` is '' when the page has none (a scanned image)."""

    number: int  # 1-based, as a reader counts pages
    text: str


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, opened with the empty user password; refuse what needs a password."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnscannableError("password-protected PDF") from exc
        raise UnscannableError("corrupt or truncated PDF") from exc


def pages(doc: pdfium.PdfDocument, ctx: Context) -> Iterator[Page | None]:
    """Each page's text in order; None for a page PDFium could not read."""
    for index in range(len(doc)):
        ctx.check_time()
        try:
            page = doc[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
        except pdfium.PdfiumError:
            yield None
            continue
        yield Page(index + 1, text if text.strip() else "")


def textless_pages(blob: Blob, numbers: list[int], total: int, ctx: Context) -> Iterator[Item]:
    """Pages without a text layer (scans): read by OCR, or listed as not inspected."""
    yield from ocr_pages(blob.data, blob.where, numbers, total, ctx)


def _metadata(doc: pdfium.PdfDocument) -> str:
    try:
        meta = doc.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        return ""
    return "\n".join(f"{key}: {meta[key]}" for key in _METADATA if key in meta)


def _attachments(doc: pdfium.PdfDocument, blob: Blob, ctx: Context) -> Iterator[Blob]:
    for index in range(doc.count_attachments()):
        attachment = doc.get_attachment(index)
        name = (attachment.get_name() or f"embedded{index + 1}").replace("/", "_")
        data = bytes(attachment.get_data())
        ctx.budget.add_expanded(len(data))
        yield Blob(f"{blob.where}/{name}", data, name)


def _value(obj: Any) -> str:
    if isinstance(obj, list):
        return ", ".join(_value(v) for v in obj)
    return "" if obj is None else str(obj).strip()


def _forms_and_annotations(blob: Blob, ctx: Context) -> Iterator[Item]:
    """Form-field values and annotation texts, read with pypdf (cheap look-ups)."""
    try:
        reader = PdfReader(io.BytesIO(blob.data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        fields = reader.get_fields() or {}
        lines = []
        for name, field in fields.items():
            value = _value(field.get("/V"))
            if value and not value.startswith("/"):  # '/Off', '/Yes': check box states
                label = _value(field.get("/TU")) or name
                lines.append(f"{label}: {value}")
        for page in reader.pages:
            ctx.check_time()
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                if annot.get("/Subtype") == "/Popup":
                    continue  # repeats its parent's text
                lines.extend(v for v in (_value(annot.get(k)) for k in ("/T", "/Contents")) if v)
    except UnscannableError:
        raise
    except Exception as exc:  # PDFium read the pages; this layer is best extra
        raise UnscannableError("corrupt PDF form or annotations") from exc
    if lines:
        yield TextChunk(f"{blob.where}#fields", "\n".join(lines))


class PdfExtractor:
    name = "PDF"

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]  # the spec tolerates junk before the header

    def accepts(self, blob: Blob) -> bool:
        return blob.extension == "pdf" or blob.content_type in (
            "application/pdf",
            "application/x-pdf",
        )

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        with _PDFIUM:
            items = list(self._read(blob, ctx))
        yield from items
        yield from _forms_and_annotations(blob, ctx)

    def _read(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        doc = open_pdf(blob.data)
        try:
            failed, textless, texts = 0, [], []
            for page in pages(doc, ctx):
                if page is None:
                    failed += 1
                elif page.text:
                    texts.append(page.text)
                else:
                    textless.append(page.number)
            meta = _metadata(doc)
            if texts or meta:
                yield TextChunk(blob.where, "\n".join([*texts, meta]).strip())
            yield from _attachments(doc, blob, ctx)
            truncated = b"%%EOF" not in blob.data[-2048:]
            if truncated or not len(doc) or failed:
                yield Unscannable(blob.where, "corrupt or truncated PDF")
            else:
                yield from textless_pages(blob, textless, len(doc), ctx)
        finally:
            doc.close()


register(PdfExtractor())
