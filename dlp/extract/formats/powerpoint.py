"""PowerPoint .pptx (and .pptm/.potx/.ppsx, Strict) with python-pptx (MIT, maintained).

Every slide's text frames (inside groups too), its tables (as tables) and its
speaker notes: notes are where a presenter writes the student's name.  Slide
layouts and masters, charts, SmartArt, comments and document properties come
from `ooxml.side_parts`; embedded files and pictures are members.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pptx
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape

from dlp.extract.base import Blob, Context, Item
from dlp.extract.formats.ooxml import element_text, normalised, package_members, parse, side_parts
from dlp.extract.formats.safezip import vet_document
from dlp.extract.formats.word import render_table
from dlp.model import TextChunk


def _shapes(shapes: Iterable[BaseShape]) -> Iterator[BaseShape]:
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _missed(slide: Any, where: str, seen: list[str]) -> Iterator[Item]:
    """Slide text python-pptx's shape API does not reach (AlternateContent, OLE labels)."""
    root = parse(slide.part.blob)
    known = "\n".join(seen)
    extra = [line for line in (element_text(root) if root is not None else "").splitlines()
             if line.strip() and line.strip() not in known]  # fmt: skip
    if extra:
        yield TextChunk(where, "\n".join(extra))


def read_pptx(blob: Blob, ctx: Context) -> Iterator[Item]:
    zf = vet_document(blob.data, ctx, "PowerPoint presentation")
    deck = pptx.Presentation(io.BytesIO(normalised(blob.data)))
    read: list[str] = []
    for number, slide in enumerate(deck.slides, 1):
        ctx.check_time()
        where = f"{blob.where}#slide{number}"
        lines: list[str] = []
        cells: list[str] = []  # table text, already yielded as tables
        for found in _shapes(slide.shapes):
            shape: Any = found  # python-pptx's shape classes are not typed
            if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                lines.append(shape.text_frame.text)
            elif getattr(shape, "has_table", False) and shape.has_table:
                rows = [[cell.text.strip() for cell in row.cells] for row in shape.table.rows]
                cells.extend(cell for row in rows for cell in row)
                yield render_table(where, rows)
        read.append(str(slide.part.partname))
        yield from _missed(slide, where, [*lines, *cells])
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines.append(slide.notes_slide.notes_text_frame.text)
            read.append(str(slide.notes_slide.part.partname))
        text = "\n".join(line for line in lines if line.strip())
        if text:
            yield TextChunk(where, text)
    yield from side_parts(zf, blob.where, read, ctx)
    yield from package_members(zf, blob.where)
