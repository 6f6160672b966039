"""PDF annotations and form-field values, read through PDFium's annotation API.

pypdfium2 exposes these only as PDFium's C functions, so the few calls are
wrapped here: each string comes back as UTF-16LE in a buffer sized by a first
call.  PDFium already has the document parsed for its text, so this costs
little even on a large file (pypdf took seconds to re-parse some of them, and
failed on files PDFium reads).
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from dlp.extract.base import Context

_SKIPPED = {raw.FPDF_ANNOT_POPUP, raw.FPDF_ANNOT_LINK}  # repeats its parent; a URL
_KEYS = (b"T", b"Contents")  # author (or field name) and the note's text


def _utf16(call: Callable[[object, int], int]) -> str:
    """Run a PDFium string getter twice: once for the size, once to fill a buffer."""
    size = call(None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    call(ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace").strip()


def _annotation_lines(annot: object, form: object) -> Iterator[str]:
    if form is not None and raw.FPDFAnnot_GetSubtype(annot) == raw.FPDF_ANNOT_WIDGET:
        value = _utf16(lambda b, n: raw.FPDFAnnot_GetFormFieldValue(form, annot, b, n))
        if value:
            label = _utf16(lambda b, n: raw.FPDFAnnot_GetFormFieldAlternateName(form, annot, b, n))
            name = label or _utf16(lambda b, n: raw.FPDFAnnot_GetFormFieldName(form, annot, b, n))
            yield f"{name}: {value}" if name else value
        return
    for key in _KEYS:
        text = _utf16(functools.partial(raw.FPDFAnnot_GetStringValue, annot, key))
        if text:
            yield text


def annotation_text(doc: pdfium.PdfDocument, ctx: Context) -> str:
    """Form-field values ('name: value') and annotation texts of every page."""
    form = doc.formenv.raw if doc.formenv is not None else None
    lines: list[str] = []
    for index in range(len(doc)):
        ctx.check_time()
        page = doc[index]
        try:
            for n in range(raw.FPDFPage_GetAnnotCount(page.raw)):
                annot = raw.FPDFPage_GetAnnot(page.raw, n)
                if not annot:
                    continue
                try:
                    if raw.FPDFAnnot_GetSubtype(annot) not in _SKIPPED:
                        lines.extend(_annotation_lines(annot, form))
                finally:
                    raw.FPDFPage_CloseAnnot(annot)
        finally:
            page.close()
    return "\n".join(dict.fromkeys(lines))  # a field's widgets repeat its value
