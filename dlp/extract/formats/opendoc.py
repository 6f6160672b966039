"""OpenDocument .odt/.ods/.odp with odfpy (Apache-2.0/LGPL, the OASIS reference lib).

Text documents keep paragraph order with tables rendered as tables; each
spreadsheet sheet is a table (cells read as displayed, i.e. their `text:p`);
each presentation page is one chunk (its speaker notes included).  Repeated
rows/columns are expanded only as far as they carry content, so
`number-columns-repeated="16384"` on an empty cell costs nothing.  Footnotes
and annotations are read apart from the word they are anchored to (a note's
number glued to its first word hid "1Student ID").  Page headers and footers
(master pages), document properties and embedded objects such as charts are
read from their own parts with lxml; pictures and embedded files are members.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from odf import opendocument
from odf.namespaces import DRAWNS, METANS, OFFICENS, STYLENS, TABLENS, TEXTNS

from dlp.extract.base import Blob, Context, Item, LimitExceeded, UnscannableError
from dlp.extract.formats.ooxml import local, parse
from dlp.extract.formats.safezip import vet_document
from dlp.extract.formats.word import render_table
from dlp.extract.table import table_chunk
from dlp.model import TextChunk

MAX_REPEAT = 1000  # a repeated non-empty row/cell is expanded at most this often
Node = Any  # odfpy elements are untyped


def _is(node: Node, ns: str, local: str) -> bool:
    return getattr(node, "qname", None) == (ns, local)


def _repeat(node: Node, attr: str) -> int:
    return min(_repeat_attr(node, TABLENS, attr), MAX_REPEAT)


_SPACED = {(TEXTNS, "note"), (OFFICENS, "annotation")}  # read apart from their anchor word
_SKIPPED = {(TEXTNS, "note-citation"), (TEXTNS, "tracked-changes")}


def para_text(node: Node) -> str:
    """A paragraph's (or cell's) text with spaces, tabs, notes and annotations kept apart."""
    out: list[str] = []
    _collect(node, out)
    return "".join(out)


def _collect(node: Node, out: list[str]) -> None:
    for child in getattr(node, "childNodes", ()):
        if getattr(child, "nodeType", None) == child.TEXT_NODE:
            out.append(str(child.data))
            continue
        qname = getattr(child, "qname", None)
        if qname == (TEXTNS, "s"):
            out.append(" " * min(_repeat_attr(child, TEXTNS, "c"), 100))
        elif qname == (TEXTNS, "tab"):
            out.append("\t")
        elif qname == (TEXTNS, "line-break"):
            out.append("\n")
        elif qname in _SPACED:
            out.append(" ")
            _collect(child, out)
            out.append(" ")
        elif qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            if out:
                out.append("\n")
            _collect(child, out)
        elif qname not in _SKIPPED:
            _collect(child, out)


def _repeat_attr(node: Node, ns: str, attr: str) -> int:
    try:
        return max(1, int(node.getAttrNS(ns, attr) or 1))
    except (ValueError, TypeError):
        return 1


def _cell_text(cell: Node) -> str:
    return para_text(cell).strip()


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
            lines.append(para_text(child))
        elif _is(child, TABLENS, "table"):
            yield render_table(where, table_rows(child, ctx))
        elif getattr(child, "childNodes", None):
            yield from _text_items(child, where, ctx, lines)


_PROPERTY_NAMES = {"title", "subject", "description", "keyword", "creator", "initial-creator",
                   "user-defined"}  # fmt: skip


def _part_lines(root: Any) -> list[str]:
    """The text of every outermost paragraph/heading under `root` (lxml)."""
    lines: list[str] = []
    for el in root.iter(f"{{{TEXTNS}}}p", f"{{{TEXTNS}}}h"):
        if any(local(a.tag) in ("p", "h") for a in el.iterancestors()):
            continue
        lines.append(" ".join("".join(el.itertext()).split()))
    return [line for line in lines if line]


def side_parts(zf: zipfile.ZipFile, where: str, ctx: Context) -> Iterator[Item]:
    """Headers/footers (master pages), properties, and embedded objects' content."""
    names = set(zf.namelist())
    for name in sorted(names):
        ctx.check_time()
        if name == "styles.xml" or (name.startswith("Object ") and name.endswith(".xml")):
            root = parse(zf.read(name))
            if root is None or name.endswith(("styles.xml", "settings.xml", "meta.xml")):
                masters = [] if root is None else root.iter(f"{{{STYLENS}}}master-page")
                lines = [line for page in masters for line in _part_lines(page)]
            else:
                lines = _part_lines(root)
            if lines:
                yield TextChunk(f"{where}#{name}", "\n".join(lines))
    if "meta.xml" in names:
        root = parse(zf.read("meta.xml"))
        props = [] if root is None else [
            f"{el.get(f'{{{METANS}}}name') or local(el.tag)}: {el.text.strip()}"
            for el in root.iter() if local(el.tag) in _PROPERTY_NAMES and (el.text or "").strip()
        ]  # fmt: skip
        if props:
            yield TextChunk(f"{where}#properties", "\n".join(props))


def package_members(zf: zipfile.ZipFile, where: str) -> Iterator[Blob]:
    """Pictures and embedded binary objects, handed to the registry."""
    for info in zf.infolist():
        name = info.filename
        if info.is_dir() or name.endswith(".xml") or name == "mimetype":
            continue
        if name.startswith(("Pictures/", "Object ")):
            yield Blob(f"{where}/{name}", zf.read(info), posixpath.basename(name))


def read_odf(blob: Blob, ctx: Context) -> Iterator[Item]:
    zf = vet_document(blob.data, ctx, "OpenDocument file")
    try:
        items = list(_content(blob, ctx))
    except (UnscannableError, LimitExceeded):
        raise
    except Exception:  # odfpy trips on some valid files (a missing thumbnail, old KSpread)
        items = list(_plain_content(zf, blob.where))
    yield from items
    yield from side_parts(zf, blob.where, ctx)
    yield from package_members(zf, blob.where)


_BARE_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>")


def _without_doctype(data: bytes) -> bytes:
    """The package with bare DOCTYPEs removed from its XML parts.

    odfpy's parser (defusedxml) refuses the external DTD an old OpenOffice file
    names; the part was already checked to declare no entities, so the
    declaration means nothing and dropping it changes no text.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    changed = {
        name: _BARE_DOCTYPE.sub(b"", body, count=1)
        for name, body in parts.items()
        if name.endswith(".xml") and b"<!DOCTYPE" in body[:2048]
    }
    if not changed:
        return data
    parts.update(changed)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


def _plain_content(zf: zipfile.ZipFile, where: str) -> Iterator[Item]:
    """content.xml's paragraphs with lxml, when odfpy cannot load the document."""
    root = parse(zf.read("content.xml")) if "content.xml" in zf.namelist() else None
    if root is None:
        raise UnscannableError("corrupt or unreadable OpenDocument file")
    lines = _part_lines(root)
    if lines:
        yield TextChunk(where, "\n".join(lines))


def _content(blob: Blob, ctx: Context) -> Iterator[Item]:
    doc = opendocument.load(io.BytesIO(_without_doctype(blob.data)))
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
    body = getattr(doc, "text", None)
    if body is None:  # a drawing or another kind: its content part, read generically
        return
    yield from _text_items(body, blob.where, ctx, lines)
    if any(lines):
        yield TextChunk(blob.where, "\n".join(lines))


def _table_class() -> Any:
    from odf.table import Table

    return Table
