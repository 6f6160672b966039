"""Documents that hide the student record in one place each (a header, a note, a field...).

Each builder returns the bytes of one file whose only copy of the record sits in
the named placement, generated with the library that writes the format, or as
raw XML zipped by hand where the library cannot write that part.
"""

from __future__ import annotations

import io

from .make import STUDENT


def _pdf_writer() -> object:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    return writer


def _pdf_bytes(writer: object) -> bytes:
    out = io.BytesIO()
    writer.write(out)  # type: ignore[attr-defined]
    return out.getvalue()


def pdf_form_field() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject
    from pypdf.generic import TextStringObject as S

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): S("comments"),
        NameObject("/V"): S(STUDENT),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 600, 550, 650)]),
    })  # fmt: skip
    ref = writer._add_object(field)
    page[NameObject("/Annots")] = ArrayObject([ref])
    form = DictionaryObject({NameObject("/Fields"): ArrayObject([ref])})
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    return _pdf_bytes(writer)


def pdf_annotation(kind: str) -> bytes:
    from pypdf.annotations import FreeText, Text

    writer = _pdf_writer()
    rect = (50, 550, 400, 650)
    annot = Text(rect=rect, text=STUDENT) if kind == "note" else FreeText(text=STUDENT, rect=rect)
    writer.add_annotation(page_number=0, annotation=annot)  # type: ignore[attr-defined]
    return _pdf_bytes(writer)


def pdf_embedded(inner: bytes, name: str) -> bytes:
    writer = _pdf_writer()
    writer.add_attachment(name, inner)  # type: ignore[attr-defined]
    return _pdf_bytes(writer)


def pdf_properties() -> bytes:
    writer = _pdf_writer()
    writer.add_metadata({"/Title": "Case notes", "/Subject": STUDENT})  # type: ignore[attr-defined]
    return _pdf_bytes(writer)
