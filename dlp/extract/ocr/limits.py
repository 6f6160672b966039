"""What OCR may cost, and which images are worth reading at all.

An image that cannot hold a document (a logo, a spacer, a signature, a
banner) is skipped by its pixel size and shape and listed as not inspected:
reading it costs a second and could not find a record.  An image that could
hold a document but is not read (too many pixels, pages, or seconds) is
unscannable: it may be the very scan the filter exists to catch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OcrSettings:
    """`extraction.ocr` in the config (see the README for each key)."""

    enabled: bool = True
    languages: tuple[str, ...] = ("eng", "spa", "vie")
    min_side_px: int = 100  # narrower than this holds no line of readable text
    min_pixels: int = 60_000  # ~300x200: smaller is a logo, icon or signature
    max_aspect: float = 8.0  # wider (or taller) than 8:1 is a banner or a rule
    max_megapixels: float = 40.0  # a 12 MP phone photo fits; a decompression bomb does not
    max_pages: int = 20  # pages or pictures per document that get OCR
    image_seconds: float = 20.0  # one image or page (Tesseract takes ~1-3 s)
    message_seconds: float = 60.0  # all OCR in one message; well inside relay.message_timeout
    cache_entries: int = 512  # images remembered by content hash, per process

    @property
    def max_pixels(self) -> int:
        return int(self.max_megapixels * 1_000_000)


def screen(width: int, height: int, settings: OcrSettings) -> str | None:
    """Why an image of this size cannot hold a document; None when it could."""
    if min(width, height) < settings.min_side_px or width * height < settings.min_pixels:
        return f"image too small to hold a document ({width}x{height} px)"
    if max(width, height) > settings.max_aspect * min(width, height):
        return f"image too narrow to hold a document ({width}x{height} px)"
    return None


def too_many_pixels(width: int, height: int, settings: OcrSettings) -> str | None:
    """Why an image is too large to decode; None when it is within the cap."""
    if width * height > settings.max_pixels:
        return (
            f"image of {width}x{height} px is over the {settings.max_megapixels:g} "
            "megapixel OCR limit"
        )
    return None
