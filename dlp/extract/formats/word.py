"""Word .docx with python-docx (MIT, maintained, lxml with entities off).

Body paragraphs and tables are read in document order, then text boxes,
headers and footers.  Tables that are forms ("Student Name | Jacob Martinez")
are read as "label: value" lines; tables with a header row go through
`table_chunk` so that "Student ID" labels every cell under it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from dlp.extract.base import Blob, Context, Item
from dlp.extract.formats.safezip import vet_document
from dlp.extract.formats.zipfamily import register_reader
from dlp.extract.table import table_chunk
from dlp.model import TextChunk

_HEADERISH = re.compile(
    r"\b(?:id|name|date|dob|birth|grade|number|no|phone|e-?mail|address|school|score|"
    r"status|teacher|period|course|class|program|ssid)\b",
    re.I,
)


def table_rows(table: Table) -> list[list[str]]:
    """Cell texts row by row; merged cells repeat in python-docx, so dedupe them."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        rows.append(cells)
    return rows


def is_form(rows: list[list[str]]) -> bool:
    """A two-column label/value table rather than a table with a header row."""
    if not rows or any(len(r) != 2 for r in rows):
        return False
    labels = [r[0] for r in rows if r[0]]
    if labels and sum(label.endswith(":") for label in labels) * 2 >= len(labels):
        return True
    return not _HEADERISH.search(rows[0][1]) and len(set(labels)) == len(labels)


def render_table(where: str, rows: list[list[str]]) -> Item:
    if is_form(rows):
        lines = [f"{a.rstrip(':')}: {b}" if a and b else a or b for a, b in rows]
        return TextChunk(where, "\n".join(line for line in lines if line))
    return table_chunk(where, rows)


def _body_items(doc: Document, where: str, ctx: Context) -> Iterator[Item]:
    prose: list[str] = []
    for n, child in enumerate(doc.element.body.iterchildren()):
        if n % 200 == 0:
            ctx.check_time()
        if child.tag == qn("w:p"):
            prose.append(Paragraph(child, doc).text)
        elif child.tag == qn("w:tbl"):
            if any(prose):
                yield TextChunk(where, "\n".join(prose))
            prose = []
            yield render_table(where, table_rows(Table(child, doc)))
        else:  # content controls, custom XML: their text, unlabelled
            prose.append(" ".join(t.text or "" for t in child.iter(qn("w:t"))))
    boxes = doc.element.body.iter(qn("w:txbxContent"))
    prose.extend(" ".join(t.text or "" for t in box.iter(qn("w:t"))) for box in boxes)
    if any(prose):
        yield TextChunk(where, "\n".join(prose))


def _header_footer_text(doc: Document) -> Iterable[str]:
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):  # fmt: skip
            if part.is_linked_to_previous:
                continue
            yield from (p.text for p in part.paragraphs)
            for table in part.tables:
                yield from (" | ".join(row) for row in table_rows(table))


def read_docx(blob: Blob, ctx: Context) -> Iterator[Item]:
    vet_document(blob.data, ctx, "Word document")
    doc = docx.Document(io.BytesIO(blob.data))
    yield from _body_items(doc, blob.where, ctx)
    extra = [t for t in _header_footer_text(doc) if t.strip()]
    if extra:
        yield TextChunk(blob.where, "\n".join(extra))


register_reader("docx", "Word document", read_docx)
