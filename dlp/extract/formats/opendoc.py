"""OpenDocument .odt/.ods/.odp with odfpy (Apache-2.0/LGPL, the OASIS reference lib).

Text documents keep paragraph order with tables rendered as tables; each
spreadsheet sheet is a table (cells read as displayed, i.e. their `text:p`);
each presentation page is one chunk.  Repeated rows/columns are expanded only
as far as they carry content, so `number-columns-repeated="16384"` on an empty
cell costs nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from odf import opendocument, teletype
from odf.namespaces import DRAWNS, TABLENS, TEXTNS

from dlp.extract.base import Blob, Context, Item
from dlp.extract.formats.safezip import vet_document
from dlp.extract.formats.word import render_table
from dlp.extract.formats.zipfamily import register_reader
from dlp.extract.ocr import embedded
from dlp.extract.table import table_chunk
from dlp.model import TextChunk

MAX_REPEAT = 1000  # a repeated non-empty row/cell is expanded at most this often
Node = Any  # odfpy elements are untyped


def _is(node: Node, ns: str, local: str) -> bool:
    return getattr(node, "qname", None) == (ns, local)


def _repeat(node: Node, attr: str) -> int:
    try:
        n = int(node.getAttrNS(TABLENS, attr) or 1)
    except ValueError:
        n = 1
    return max(1, min(n, MAX_REPEAT))


def _cell_text(cell: Node) -> str:
    return " ".join(teletype.extractText(p) for p in cell.childNodes if _is(p, TEXTNS, "p"))


def table_rows(table: Node, ctx: Context) -> list[list[str]]:
    rows: list[list[str]] = []
    stack = list(reversed(table.childNodes))
    while stack:
        node = stack.pop()
        if _is(node, TABLENS, "table-row"):
            ctx.check_time()
            cells: list[str] = []
            for cell in node.childNodes:
                if _is(cell, TABLENS, "table-cell") or _is(cell, TABLENS, "covered-table-cell"):
                    value = _cell_text(cell)
                    cells.extend([value] * _repeat(cell, "number-columns-repeated"))
            while cells and not cells[-1]:
                cells.pop()
            rows.extend([cells] * (_repeat(node, "number-rows-repeated") if cells else 1))
        elif getattr(node, "childNodes", None) and not _is(node, TABLENS, "table"):
            stack.extend(reversed(node.childNodes))  # row groups, header rows
    return rows


def _text_items(node: Node, where: str, ctx: Context, lines: list[str]) -> Iterator[Item]:
    for child in node.childNodes:
        if _is(child, TEXTNS, "p") or _is(child, TEXTNS, "h"):
            lines.append(teletype.extractText(child))
        elif _is(child, TABLENS, "table"):
            yield render_table(where, table_rows(child, ctx))
        elif getattr(child, "childNodes", None):
            yield from _text_items(child, where, ctx, lines)


def read_odf(blob: Blob, ctx: Context) -> Iterator[Item]:
    vet_document(blob.data, ctx, "OpenDocument file")
    yield from embedded.pictures(blob, ctx, "OpenDocument file")  # scans pasted in: read by OCR
    doc = opendocument.load(io.BytesIO(blob.data))
    if getattr(doc, "spreadsheet", None) is not None:
        for n, sheet in enumerate(doc.spreadsheet.getElementsByType(_table_class())):
            name = sheet.getAttrNS(TABLENS, "name") or f"Sheet{n + 1}"
            yield table_chunk(f"{blob.where}#{name}", table_rows(sheet, ctx))
        return
    if getattr(doc, "presentation", None) is not None:
        for n, page in enumerate(doc.presentation.childNodes, 1):
            if _is(page, DRAWNS, "page"):
                lines: list[str] = []
                where = f"{blob.where}#slide{n}"
                yield from _text_items(page, where, ctx, lines)
                if any(lines):
                    yield TextChunk(where, "\n".join(lines))
        return
    lines = []
    yield from _text_items(doc.text, blob.where, ctx, lines)
    if any(lines):
        yield TextChunk(blob.where, "\n".join(lines))


def _table_class() -> Any:
    from odf.table import Table

    return Table


for _kind in ("odt", "ods", "odp"):
    register_reader(_kind, "OpenDocument file", read_odf)
