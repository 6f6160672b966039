"""PowerPoint .pptx with python-pptx (MIT, maintained, lxml with entities off).

Every slide's text frames (inside groups too), its tables (as tables) and its
speaker notes: notes are where a presenter writes the student's name.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pptx
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape

from dlp.extract.base import Blob, Context, Item
from dlp.extract.formats.safezip import vet_document
from dlp.extract.formats.word import render_table
from dlp.extract.formats.zipfamily import register_reader
from dlp.model import TextChunk


def _shapes(shapes: Iterable[BaseShape]) -> Iterator[BaseShape]:
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shapes(shape.shapes)
        else:
            yield shape


def read_pptx(blob: Blob, ctx: Context) -> Iterator[Item]:
    vet_document(blob.data, ctx, "PowerPoint presentation")
    deck = pptx.Presentation(io.BytesIO(blob.data))
    for number, slide in enumerate(deck.slides, 1):
        ctx.check_time()
        where = f"{blob.where}#slide{number}"
        lines: list[str] = []
        for found in _shapes(slide.shapes):
            shape: Any = found  # python-pptx's shape classes are not typed
            if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                lines.append(shape.text_frame.text)
            elif getattr(shape, "has_table", False) and shape.has_table:
                rows = [[cell.text.strip() for cell in row.cells] for row in shape.table.rows]
                yield render_table(where, rows)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines.append(slide.notes_slide.notes_text_frame.text)
        text = "\n".join(line for line in lines if line.strip())
        if text:
            yield TextChunk(where, text)


register_reader("pptx", "PowerPoint presentation", read_pptx)
