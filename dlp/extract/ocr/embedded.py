"""Pictures inside Word, PowerPoint and OpenDocument files: a scan pasted into a document.

The pictures are files in the document's zip (`word/media/`, `ppt/media/`,
`Pictures/`).  Raster ones are handed back as member blobs, so the registry
reads them with the image extractor like any attachment (and counts them
against the member and depth limits); vector drawings (EMF, WMF, SVG) are
listed as not inspected.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item
from dlp.extract.formats.safezip import open_zip, read_member
from dlp.extract.ocr.reader import off_reason
from dlp.model import NotInspected

MEDIA_FOLDERS = ("word/media/", "ppt/media/", "Pictures/")
_RASTER_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")


def pictures(blob: Blob, ctx: Context, what: str) -> Iterator[Item]:
    """Each picture in the document's media folder, as a blob to OCR (or a reason not to)."""
    zf = open_zip(blob.data, ctx, what)
    media = [
        info
        for info in zf.infolist()
        if not info.is_dir() and info.filename.startswith(MEDIA_FOLDERS)
    ]
    if not media:
        return
    off = off_reason(ctx.budget.limits.ocr)
    if off:
        yield NotInspected(f"{blob.where} pictures", f"{len(media)} picture(s): {off}")
        return
    for info in media:
        ctx.check_time()
        data = read_member(zf, info, ctx, what)
        where = f"{blob.where}/{info.filename}"
        if data.startswith(_RASTER_MAGIC):
            yield Blob(where, data, posixpath.basename(info.filename))
        else:
            yield NotInspected(where, "picture format not read by OCR")
