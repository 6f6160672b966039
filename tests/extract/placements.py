"""Documents that hide the student record in one place each (a header, a note, a field...).

Each builder returns the bytes of one file whose only copy of the record sits in
the named placement, generated with the library that writes the format, or as
raw XML zipped by hand where the library cannot write that part.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

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


def rewrite(data: bytes, name: str, change: Callable[[str], str]) -> bytes:
    """The zip with one member's text changed (for parts the writer cannot produce)."""
    import zipfile

    from .make import zip_of

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[name] = change(members[name].decode()).encode()
    return zip_of(members)


def _book_bytes(book: object) -> bytes:
    out = io.BytesIO()
    book.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def xlsx_placement(kind: str) -> bytes:
    """The record in one place of a workbook other than a plain cell value."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Period", "Count"])
    sheet.append(["1", 3])
    if kind == "cell comment":
        sheet["B2"].comment = Comment(STUDENT, "RO")
    elif kind in ("oddHeader", "evenHeader", "firstHeader", "oddFooter"):
        getattr(sheet, kind).center.text = STUDENT
    elif kind == "formula without cached value":
        sheet["C2"] = f'="{STUDENT}"'
    elif kind in ("chart title", "text box"):
        chart = BarChart()
        chart.title = STUDENT if kind == "chart title" else "Counts"
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2), titles_from_data=True)
        sheet.add_chart(chart, "E2")
    elif kind in ("title", "subject", "description", "keywords", "creator"):
        setattr(book.properties, kind, STUDENT)
    elif kind == "cached string result":
        sheet["C2"] = "=CONCAT(Z9)"
    data = _book_bytes(book)
    if kind == "cached string result":
        data = rewrite(data, "xl/worksheets/sheet1.xml", lambda x: re.sub(
            r'<c r="C2"([^>]*)><f>CONCAT\(Z9\)</f><v\s*/?>(?:</v>)?',
            f'<c r="C2" t="str"><f>CONCAT(Z9)</f><v>{STUDENT}</v>', x))  # fmt: skip
    if kind == "text box":
        a = "http://schemas.openxmlformats.org/drawingml/2006/main"
        box = (
            "<twoCellAnchor><from><col>1</col><colOff>0</colOff><row>9</row><rowOff>0</rowOff>"
            "</from><to><col>6</col><colOff>0</colOff><row>14</row><rowOff>0</rowOff></to><sp>"
            '<nvSpPr><cNvPr id="9" name="TextBox 1"/><cNvSpPr txBox="1"/></nvSpPr><spPr/>'
            f'<txBody><a:bodyPr xmlns:a="{a}"/><a:p xmlns:a="{a}"><a:r><a:t>{STUDENT}</a:t>'
            "</a:r></a:p></txBody></sp><clientData/></twoCellAnchor>"
        )
        data = rewrite(data, "xl/drawings/drawing1.xml", lambda x: x.replace(
            "</wsDr>", box + "</wsDr>"))  # fmt: skip
    return data


def xlsx_variant(kind: str) -> bytes:
    """The record in a cell of a Strict, macro-enabled or template workbook."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Notes"])
    sheet.append([STUDENT])
    data = _book_bytes(book)
    if kind == "strict":
        import zipfile

        from .make import zip_of

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zip_of({n: _to_strict(zf.read(n)) for n in zf.namelist()})
    main = {
        "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    }[kind]
    sheet_main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return rewrite(data, "[Content_Types].xml", lambda x: x.replace(sheet_main, main))


def pptx_placement(kind: str) -> bytes:
    """The record on a slide layout or master, in a chart title, or in the properties."""
    import pptx as python_pptx
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    deck = python_pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    if kind in ("layout", "master"):
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
        box.text_frame.text = STUDENT
        target = slide.slide_layout if kind == "layout" else slide.slide_layout.slide_master
        target.shapes._spTree.append(box._element)
    elif kind == "chart title":
        data = CategoryChartData()
        data.categories = ["P1", "P2"]
        data.add_series("Count", (3, 4))
        frame = slide.shapes.add_chart(
            XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(6), Inches(4), data
        )
        chart = frame.chart  # type: ignore[attr-defined]
        chart.has_title = True
        chart.chart_title.text_frame.text = STUDENT
    else:
        setattr(deck.core_properties, kind, STUDENT)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def pptx_variant(kind: str) -> bytes:
    """The record on a slide of a macro-enabled deck, a template or a slide show."""
    import pptx as python_pptx
    from pptx.util import Inches

    deck = python_pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = STUDENT
    out = io.BytesIO()
    deck.save(out)
    main = {
        "pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        "potx": "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
        "ppsx": "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    }[kind]
    plain = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return rewrite(out.getvalue(), "[Content_Types].xml", lambda x: x.replace(plain, main))


# --- OpenDocument (odfpy) -------------------------------------------------------------


def _odf_save(doc: object) -> bytes:
    out = io.BytesIO()
    doc.write(out)  # type: ignore[attr-defined]
    return out.getvalue()


def odt_placement(kind: str) -> bytes:
    """The record in a page header/footer, a footnote, an annotation, a chart or a property."""
    from odf import chart, dc, draw, meta, office, opendocument, style, text

    doc = opendocument.OpenDocumentText()
    para = text.P(text="Progress report, see note.")
    doc.text.addElement(para)
    if kind in ("header", "footer", "header-left", "footer-first"):
        layout = style.PageLayout(name="pm1")
        doc.automaticstyles.addElement(layout)
        master = style.MasterPage(name="Standard", pagelayoutname=layout)
        kinds = {"header": style.Header, "footer": style.Footer,
                 "header-left": style.HeaderLeft, "footer-first": style.Footer}  # fmt: skip
        element = kinds[kind]()
        element.addElement(text.P(text=STUDENT))
        master.addElement(element)
        doc.masterstyles.addElement(master)
    elif kind in ("footnote", "endnote"):
        note = text.Note(id="n1", noteclass=kind)
        note.addElement(text.NoteCitation(text="1"))
        body = text.NoteBody()
        body.addElement(text.P(text=STUDENT))
        note.addElement(body)
        para.addElement(note)
    elif kind == "annotation":
        note = office.Annotation()
        note.addElement(dc.Creator(text="R. Okafor"))
        note.addElement(text.P(text=STUDENT))
        para.addElement(note)
    elif kind == "chart":
        graph = opendocument.OpenDocumentChart()
        body = chart.Chart(width="8cm", height="6cm", attributes={"class": "chart:bar"})
        title = chart.Title()
        title.addElement(text.P(text=STUDENT))
        body.addElement(title)
        graph.chart.addElement(body)
        frame = draw.Frame(width="8cm", height="6cm", anchortype="paragraph")
        frame.addElement(draw.Object(href=doc.addObject(graph)))
        para.addElement(frame)
    else:
        element = {"title": dc.Title, "subject": dc.Subject, "description": dc.Description,
                   "keyword": meta.Keyword}[kind](text=STUDENT)  # fmt: skip
        doc.meta.addElement(element)
    return _odf_save(doc)


def ods_placement(kind: str) -> bytes:
    """The record in a cell comment or a page header of a spreadsheet."""
    from odf import office, opendocument, style, table, text

    doc = opendocument.OpenDocumentSpreadsheet()
    sheet = table.Table(name="Counts")
    row = table.TableRow()
    cell = table.TableCell(valuetype="float", value="3")
    cell.addElement(text.P(text="3"))
    if kind == "cell comment":
        note = office.Annotation()
        note.addElement(text.P(text=STUDENT))
        cell.addElement(note)
    else:
        layout = style.PageLayout(name="pm1")
        doc.automaticstyles.addElement(layout)
        master = style.MasterPage(name="Default", pagelayoutname=layout)
        header = style.Header()
        header.addElement(text.P(text=STUDENT))
        master.addElement(header)
        doc.masterstyles.addElement(master)
    row.addElement(cell)
    sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)
    return _odf_save(doc)


def odp_placement(kind: str) -> bytes:
    """The record in a slide's speaker notes or on a master page."""
    from odf import draw, opendocument, presentation, style, text

    doc = opendocument.OpenDocumentPresentation()
    layout = style.PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = style.MasterPage(name="Default", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    page = draw.Page(name="p1", masterpagename=master)
    frame = draw.Frame(width="20cm", height="5cm", x="1cm", y="1cm")
    box = draw.TextBox()
    box.addElement(text.P(text="Case review"))
    frame.addElement(box)
    page.addElement(frame)
    holder = draw.Frame(width="20cm", height="5cm", x="1cm", y="1cm")
    inner = draw.TextBox()
    inner.addElement(text.P(text=STUDENT))
    holder.addElement(inner)
    if kind == "notes":
        notes = presentation.Notes()
        notes.addElement(holder)
        page.addElement(notes)
    else:
        master.addElement(holder)
    doc.presentation.addElement(page)
    return _odf_save(doc)


def odt_legacy(kind: str) -> bytes:
    """An .odt with a Basic macro library or an old DOCTYPE in its content."""
    import zipfile

    from .make import odf, zip_of

    with zipfile.ZipFile(io.BytesIO(odf("odt"))) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    doctype = b'<!DOCTYPE office:document-content PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "office.dtd">'  # noqa: E501
    if kind == "basic macro":
        members["Basic/Standard/Module1.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC '
            b'"-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n<script:module '
            b'xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
            b'script:language="StarBasic">Sub Main\nEnd Sub</script:module>'
        )
    else:
        head, rest = members["content.xml"].split(b"?>", 1)
        members["content.xml"] = head + b"?>" + doctype + rest
    return zip_of(members)


# --- RTF (written by hand: the format is text) ---------------------------------------


def rtf_placement(kind: str) -> bytes:
    """The record in a header, footer, footnote, annotation, text box or the document info."""
    record = STUDENT.encode()
    inner = {
        "header": b"{\\header\\pard " + record + b"\\par}",
        "footer": b"{\\footerr\\pard " + record + b"\\par}",
        "footnote": b"See note.{\\super\\chftn}{\\footnote\\pard\\plain{\\super\\chftn} "
        + record + b"}",
        "annotation": b"Reviewed{\\*\\atnid RO}{\\*\\atnauthor Okafor}\\chatn{\\*\\annotation"
        b"{\\*\\atndate 0}\\pard " + record + b"}",
        "text box": b"{\\shp{\\*\\shpinst\\shpleft0\\shptop0{\\sp{\\sn shapeType}{\\sv 202}}"
        b"{\\shptxt\\pard " + record + b"\\par}}}",
        "info title": b"{\\info{\\title " + record + b"}{\\author R. Okafor}}",
        "unicode": STUDENT.replace("Jacob Martinez", "Jos\\u233?\\u-10179?\\u-8704? "
        "Mart\\u237?nez").encode(),
    }[kind]  # fmt: skip
    return (
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}"
        b"{\\colortbl;\\red0\\green0\\blue0;}\\f0\\fs22 Progress notes\\par " + inner + b"\\par}"
    )


# --- Older and odder formats ------------------------------------------------------------


def word6(text: str = STUDENT) -> bytes:
    """A Word 6/95 file: FIB ident 0xA5DC, nFib 101, text from fcMin to fcMac."""
    import struct

    from . import cfb

    body = (text + "\r").encode("cp1252")
    fib = bytearray(0x300)
    struct.pack_into("<HH", fib, 0, 0xA5DC, 101)
    struct.pack_into("<II", fib, 0x18, 0x300, 0x300 + len(body))
    return cfb.build({"WordDocument": bytes(fib) + body})


def biff4(text: str = STUDENT) -> bytes:
    """An Excel 4.0 worksheet: a bare BIFF4 stream (BOF, one LABEL cell, EOF)."""
    import struct

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    label = text.encode("cp1252")
    return (
        record(0x0409, struct.pack("<HHH", 0, 0x10, 0))
        + record(0x0204, struct.pack("<HHHH", 0, 0, 0, len(label)) + label)
        + record(0x000A, b"")
    )


def wordml(text: str = STUDENT) -> bytes:
    """A Word 2003 XML document."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<?mso-application progid="Word.Document"?>\n<w:wordDocument xmlns:w="http://schemas.'
        'microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>Progress notes</w:t></w:r>'
        f"</w:p><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:wordDocument>"
    ).encode()


def docx_with_emf_preview() -> bytes:
    """A .docx carrying a 2 MB, highly compressible EMF picture (as Office writes them)."""
    import zipfile

    from .make import docx, zip_of

    with zipfile.ZipFile(io.BytesIO(docx())) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["word/media/image1.emf"] = b"\x01\x00\x00\x00" + b"\x00" * (2 * 1024 * 1024)
    return zip_of(members)


def xls_text_box(text: str = STUDENT) -> bytes:
    """The fixture workbook with a text box (a TXO record and its text) added."""
    import struct

    import olefile

    from .make import FIXTURES

    stream = olefile.OleFileIO(str(FIXTURES / "roster.xls")).openstream("Workbook").read()
    txo = struct.pack("<HH", 0x01B6, 18) + struct.pack("<HH6xHHI", 0x0212, 0, len(text), 16, 0)
    chars = b"\x00" + text.encode("cp1252")
    extra = txo + struct.pack("<HH", 0x003C, len(chars)) + chars
    from . import cfb

    return cfb.build({"Workbook": stream + extra})


def doc_with_embedded_file(inner: bytes, name: str) -> bytes:
    """A Word 97 file with a packaged file in its ObjectPool (\\x01Ole10Native)."""
    import struct

    from . import cfb
    from .make import doc

    source = cfb_streams(doc("Progress notes attached."))
    header = struct.pack("<H", 2) + name.encode() + b"\0" + b"C:\\" + name.encode() + b"\0"
    header += b"\0" * 8 + b"C:\\Temp\\" + name.encode() + b"\0" + struct.pack("<I", len(inner))
    native = header + inner
    source["ObjectPool/_1700000001/\x01Ole10Native"] = struct.pack("<I", len(native)) + native
    return cfb.build(source)


def doc_with_embedded_worksheet() -> bytes:
    """A Word 97 file with the fixture roster embedded as a worksheet (an MBD storage)."""
    import olefile

    from . import cfb
    from .make import FIXTURES, doc

    workbook = olefile.OleFileIO(str(FIXTURES / "roster.xls")).openstream("Workbook").read()
    source = cfb_streams(doc("Roster attached below."))
    source["ObjectPool/_1700000002/Workbook"] = workbook
    return cfb.build(source)


def cfb_streams(data: bytes) -> dict[str, bytes]:
    import olefile

    ole = olefile.OleFileIO(data)
    return {"/".join(e): ole.openstream(e).read() for e in ole.listdir()}


def pptx_alternate_content(text: str = STUDENT) -> bytes:
    """A slide whose text box sits in mc:AlternateContent (newer shapes with a fallback)."""
    import pptx as python_pptx
    from pptx.util import Inches

    deck = python_pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    box.text_frame.text = text
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    from lxml import etree

    alternate = etree.SubElement(box._element.getparent(), f"{{{mc}}}AlternateContent")
    choice = etree.SubElement(alternate, f"{{{mc}}}Choice", Requires="p14")
    choice.append(box._element)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def ppt_with_embedded_workbook(inner: bytes) -> bytes:
    """A PowerPoint 97 stream holding one compressed ExOleObjStg record (an embedded OLE file)."""
    import struct
    import zlib

    from . import cfb

    atom_text = "Chart review".encode("utf-16-le")
    atom = struct.pack("<HHI", 0, 0x0FA0, len(atom_text)) + atom_text
    packed = struct.pack("<I", len(inner)) + zlib.compress(inner)
    storage = struct.pack("<HHI", 0x10, 0x1011, len(packed)) + packed
    body = atom + storage
    return cfb.build({"PowerPoint Document": struct.pack("<HHI", 0x0F, 0x03E8, len(body)) + body})
