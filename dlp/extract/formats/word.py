"""Word .docx (and .docm/.dotx/.dotm, Strict) with python-docx (MIT, maintained).

The body is read in document order, with paragraph text taken from every run a
person sees: inside tracked insertions (and deletions, still in the file),
smart tags, content controls, hyperlinks and field results (a mail-merge
result is a plain run between the field's separator and end).  Tables that
are forms ("Student Name | Jacob Martinez") are read as "label: value" lines;
tables with a header row go through `table_chunk` so that "Student ID" labels
every cell under it; a nested table's text stays in its cell.  Text boxes,
headers and footers of every kind, footnotes, endnotes, comments, charts and
document properties come from `ooxml.side_parts`; altChunk parts (HTML, MHT,
RTF, another .docx) and embedded files are members the registry reads.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from dlp.extract.base import Blob, Context, Item
from dlp.extract.formats.ooxml import local, normalised, package_members, side_parts
from dlp.extract.formats.safezip import vet_document
from dlp.extract.table import table_chunk
from dlp.model import TextChunk

_HEADERISH = re.compile(
    r"\b(?:id|name|date|dob|birth|grade|number|no|phone|e-?mail|address|school|score|"
    r"status|teacher|period|course|class|program|ssid)\b",
    re.I,
)
_SKIPPED = {"txbxContent", "instrText", "delInstrText", "Fallback"}  # boxes are read apart
_REL_ID = qn("r:id")


def run_text(element: etree._Element) -> str:
    """The visible text under a paragraph (or a cell), in order; text boxes skipped."""
    out: list[str] = []
    _collect(element, out)
    return "".join(out)


def _collect(element: etree._Element, out: list[str]) -> None:
    for child in element:
        name = local(child.tag)
        if name in ("t", "delText"):
            out.append(child.text or "")
        elif name == "tab":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "p" and out:
            out.append("\n")
            _collect(child, out)
        elif name not in _SKIPPED:
            _collect(child, out)


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
            cells.append(run_text(cell._tc).strip())
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


class _Body:
    """One walk over the body's block elements, prose gathered between tables."""

    def __init__(self, doc: Document, where: str, ctx: Context) -> None:
        self.doc, self.where, self.ctx = doc, where, ctx
        self.prose: list[str] = []
        self.seen = 0

    def blocks(self, parent: etree._Element) -> Iterator[Item]:
        for child in parent:
            self.seen += 1
            if self.seen % 200 == 0:
                self.ctx.check_time()
            name = local(child.tag)
            if name == "p":
                self.prose.append(run_text(child))
            elif name == "tbl":
                yield from self.flush()
                yield render_table(self.where, table_rows(Table(child, self.doc)))
            elif name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
                yield from self.blocks(child)  # block-level wrappers: their blocks, in order
            elif name == "altChunk":
                yield from self.alt_chunk(child)
            elif name != "sectPr":
                self.prose.append(run_text(child))

    def flush(self) -> Iterator[Item]:
        if any(p.strip() for p in self.prose):
            yield TextChunk(self.where, "\n".join(self.prose))
        self.prose = []

    def alt_chunk(self, element: etree._Element) -> Iterator[Item]:
        """Imported content (HTML, MHT, RTF, .docx) kept as its own part: a member."""
        part = self.doc.part.related_parts.get(element.get(_REL_ID, ""))
        if part is None:
            return
        name = posixpath.basename(str(part.partname))
        yield Blob(f"{self.where}/{name}", part.blob, name, part.content_type)


def read_docx(blob: Blob, ctx: Context) -> Iterator[Item]:
    zf = vet_document(blob.data, ctx, "Word document")
    data = normalised(blob.data)
    doc = docx.Document(io.BytesIO(data))
    body = _Body(doc, blob.where, ctx)
    yield from body.blocks(doc.element.body)
    boxes = doc.element.body.iter(qn("w:txbxContent"))
    body.prose.extend(run_text(box) for box in boxes)
    yield from body.flush()
    yield from side_parts(zf, blob.where, [str(doc.part.partname)], ctx)
    yield from package_members(zf, blob.where)
