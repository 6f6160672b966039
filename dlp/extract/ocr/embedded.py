"""Pictures inside OpenDocument files (`Pictures/`): a scan pasted into a document.

They are handed back as member blobs, so the registry reads them like any
attachment: raster pictures by OCR, vector drawings listed as media, and all
of them counted against the member and depth limits.  (OOXML files hand
their `media/` parts back the same way in `dlp.extract.formats.ooxml`.)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlp.extract.base import Blob, Context
from dlp.extract.formats.safezip import open_zip, read_member

PICTURES = "Pictures/"


def pictures(blob: Blob, ctx: Context, what: str) -> Iterator[Blob]:
    """Each file in the document's `Pictures/` folder, as a member to read."""
    zf = open_zip(blob.data, ctx, what)
    for info in zf.infolist():
        if info.is_dir() or not info.filename.startswith(PICTURES):
            continue
        ctx.check_time()
        name = posixpath.basename(info.filename)
        yield Blob(f"{blob.where}/{info.filename}", read_member(zf, info, ctx, what), name)
