"""Raster images (PNG, JPEG, TIFF incl. Group 4 fax, GIF, BMP, WebP) read by OCR.

Content decides: only bytes that start like one of these formats come here
(an attachment merely named .png or typed image/png but holding something
else goes to whatever its content is).  The OCR itself is `dlp.extract.ocr`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item
from dlp.extract.registry import register

_BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)


def is_image(head: bytes) -> bool:
    """True when the first bytes are a raster format Pillow reads for OCR."""
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return True
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    # "BM" alone starts plenty of text ("BMI report"): check the reserved bytes and DIB size
    return (
        head[:2] == b"BM"
        and head[6:10] == b"\x00\x00\x00\x00"
        and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES
    )


class ImageExtractor:
    name = "image"

    def sniff(self, head: bytes) -> bool:
        return is_image(head)

    def accepts(self, blob: Blob) -> bool:
        return False  # a declared image type with other content is not an image

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        from dlp.extract.ocr.reader import read_image  # Pillow and Tesseract: first image only

        yield from read_image(blob.data, blob.where, ctx)


register(ImageExtractor())
