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


# --- OOXML written by hand: the parts python-docx/openpyxl cannot write -------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RECORD_RUN = f"<w:r><w:t>{STUDENT}</w:t></w:r>"


def _types(main: str, main_type: str, overrides: dict[str, str]) -> str:
    rows = "".join(
        f'<Override PartName="/{name}" ContentType="{ctype}"/>' for name, ctype in overrides.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        f'"application/xml"/><Override PartName="/{main}" ContentType="{main_type}"/>{rows}</Types>'
    )


def _rels(targets: list[tuple[str, str, str]]) -> str:
    rows = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
        for rid, kind, target in targets
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships">{rows}</Relationships>'
    )


def raw_docx(
    body: str,
    parts: dict[str, tuple[str, str, str]] | None = None,
    main_type: str = WORD_MAIN,
    strict: bool = False,
) -> bytes:
    """A .docx from a body's XML; `parts` maps a part name to (xml, rel type, content type)."""
    from .make import zip_of

    parts = parts or {}
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" xmlns:r="{R}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        f'xmlns:v="urn:schemas-microsoft-com:vml"><w:body><w:p><w:r><w:t>Progress notes</w:t>'
        f"</w:r></w:p>{body}<w:sectPr/></w:body></w:document>"
    )
    rels = [(f"rId{n}", f"{REL}/{kind}", name.removeprefix("word/"))
            for n, (name, (_, kind, _)) in enumerate(parts.items(), 10)]  # fmt: skip
    members = {
        "[Content_Types].xml": _types(
            "word/document.xml", main_type, {n: c for n, (_, _, c) in parts.items() if c}
        ),
        "_rels/.rels": _rels([("rId1", f"{REL}/officeDocument", "word/document.xml")]),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": _rels(rels),
        **{name: xml for name, (xml, _, _) in parts.items()},
    }
    data = {k: v.encode() if isinstance(v, str) else v for k, v in members.items()}
    if strict:
        data = {k: _to_strict(v) for k, v in data.items()}
    return zip_of(data)


def _to_strict(xml: bytes) -> bytes:
    import re

    # the packaging (OPC) namespaces are the same in Strict; every other one moves
    return re.sub(
        rb"http://schemas\.openxmlformats\.org/(?!package/)(\w+)/2006/(\w+)",
        rb"http://purl.oclc.org/ooxml/\1/\2",
        xml,
    )


def _story(root: str, inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{root} xmlns:w="{W}">{inner}</w:{root}>'


def docx_story(kind: str) -> bytes:
    """The record in a separate story: a header, footer, footnote, endnote or comment."""
    para = f"<w:p>{RECORD_RUN}</w:p>"
    ctype = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
    root, note = {
        "header": ("hdr", para), "footer": ("ftr", para),
        "footnotes": ("footnotes", f'<w:footnote w:id="1">{para}</w:footnote>'),
        "endnotes": ("endnotes", f'<w:endnote w:id="1">{para}</w:endnote>'),
        "comments": ("comments", f'<w:comment w:id="0" w:author="RO">{para}</w:comment>'),
    }[kind]  # fmt: skip
    rel = kind.rstrip("s") if kind in ("header", "footer") else kind
    name = f"word/{kind.rstrip('s')}2.xml" if kind in ("header", "footer") else f"word/{kind}.xml"
    return raw_docx("", {name: (_story(root, note), rel, ctype)})


def docx_inline(kind: str) -> bytes:
    """The record inside a paragraph-level wrapper of the main story."""
    run = RECORD_RUN
    body = {
        "tracked insertion": f'<w:p><w:ins w:id="1" w:author="RO">{run}</w:ins></w:p>',
        "content control": f"<w:p><w:sdt><w:sdtContent>{run}</w:sdtContent></w:sdt></w:p>",
        "block content control": f"<w:sdt><w:sdtContent><w:p>{run}</w:p></w:sdtContent></w:sdt>",
        "smart tag": f'<w:p><w:smartTag w:uri="urn:x" w:element="place">{run}</w:smartTag></w:p>',
        "simple field": f'<w:p><w:fldSimple w:instr=" MERGEFIELD Notes ">{run}</w:fldSimple></w:p>',
        "merge field result": (
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD '
            'Notes </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{run}<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        ),
        "nested table": (
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Outer</w:t></w:r></w:p><w:tbl><w:tr><w:tc>"
            f"<w:p>{run}</w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>"
        ),
        "text box": (
            '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
            "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
            f"<w:p>{run}</w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
            "</wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r></w:p>"
        ),
    }[kind]
    return raw_docx(body)


def docx_alt_chunk(kind: str) -> bytes:
    """Content imported as an altChunk: an HTML page or an MHT web archive."""
    html = f"<html><body><p>{STUDENT}</p></body></html>"
    if kind == "html":
        part, ctype = html.encode(), "text/html"
    else:
        part = (
            'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n'
            "--b1\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: file:///c:/a.htm"
            f"\r\n\r\n{html}\r\n--b1--\r\n"
        ).encode()
        ctype = "message/rfc822"
    name = f"word/afchunk.{'htm' if kind == 'html' else 'mht'}"
    body = '<w:altChunk r:id="rId10"/>'
    return raw_docx(body, {name: (part, "aFChunk", ctype)})  # type: ignore[dict-item]


def docx_variant(kind: str) -> bytes:
    """The record in the body of a .docm, .dotx, .dotm or Strict document."""
    body = f"<w:p>{RECORD_RUN}</w:p>"
    if kind == "strict":
        return raw_docx(body, strict=True)
    main = {
        "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
        "dotx": "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "dotm": "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }[kind]
    return raw_docx(body, main_type=main)


def docx_python_docx(kind: str) -> bytes:
    """Headers of every kind and document properties, written by python-docx."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Progress notes")
    section = document.sections[0]
    if kind == "even-page header":
        document.settings.odd_and_even_pages_header_footer = True
        section.even_page_header.paragraphs[0].text = STUDENT
    elif kind == "first-page header":
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = STUDENT
    elif kind == "footer":
        section.footer.paragraphs[0].text = STUDENT
    else:
        setattr(document.core_properties, kind, STUDENT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
