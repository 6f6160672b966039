"""One image (every page of a TIFF) → its text by OCR, or why it was not read.

Order of the checks: OCR off or not installed (not inspected, as before OCR
existed); the header's pixel count over the cap (unscannable: a bomb or a scan
too large to read safely); too small or narrow to hold a document (not
inspected); then the cache, then Tesseract within the per-image and
per-message seconds (running out makes that page unscannable).
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable, Iterator

from PIL import Image, UnidentifiedImageError

from dlp.extract.base import Context, Item, UnscannableError
from dlp.extract.ocr import cache, engine, preprocess
from dlp.extract.ocr.limits import OcrSettings, screen, too_many_pixels
from dlp.model import NotInspected, TextChunk, Unscannable

OCR_SUFFIX = " (OCR)"  # appended to a chunk's `where`: review and `dlp explain` show it


def off_reason(settings: OcrSettings) -> str | None:
    """Why images are not read at all in this process, or None when OCR runs."""
    if not settings.enabled:
        return "OCR turned off (extraction.ocr.enabled)"
    if not engine.status(settings.languages).available:
        return engine.UNAVAILABLE
    return None


def read_image(data: bytes, where: str, ctx: Context) -> Iterator[Item]:
    """The OCR text of an image file; every frame of a multi-page TIFF is a page."""
    settings = ctx.budget.limits.ocr
    off = off_reason(settings)
    if off:
        yield NotInspected(where, off)
        return
    image = _open(data, settings)
    frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1  # GIF: 1st frame
    for index in range(frames):
        if index >= settings.max_pages:
            yield Unscannable(where, f"more than {settings.max_pages} pages need OCR")
            return
        page_where = where if frames == 1 else f"{where}#page{index + 1}"
        image.seek(index)
        found = _checked_page(image, data, index, page_where, ctx)
        if found is not None:
            yield found


def _open(data: bytes, settings: OcrSettings) -> Image.Image:
    """Read the header only (Pillow decodes lazily); refuse a bomb before decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnscannableError(
            f"image over the {settings.max_megapixels:g} megapixel OCR limit"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UnscannableError("corrupt or unsupported image") from exc
    return image


def _checked_page(
    image: Image.Image, data: bytes, index: int, where: str, ctx: Context
) -> Item | None:
    settings = ctx.budget.limits.ocr
    width, height = image.size
    big = too_many_pixels(width, height, settings)
    if big:
        return Unscannable(where, big)
    small = screen(width, height, settings)
    if small:
        return NotInspected(where, small)
    return ocr_page(lambda: _decoded(image), cache.key(data, index, settings.languages), where, ctx)


def _decoded(image: Image.Image) -> Image.Image:
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UnscannableError("corrupt or truncated image") from exc
    return image


def ocr_page(load: Callable[[], Image.Image], key: str, where: str, ctx: Context) -> Item | None:
    """OCR one page (`load` decodes or renders it, only on a cache miss) within the caps."""
    settings = ctx.budget.limits.ocr
    store = cache.shared(settings.cache_entries)
    text = store.get(key)
    if text is None:
        budget = ctx.budget
        left = settings.message_seconds - budget.ocr_seconds
        if left < 1:
            return Unscannable(
                where, f"OCR time for the message ({settings.message_seconds:g} s) used up"
            )
        timeout = min(settings.image_seconds, left)
        start = time.monotonic()
        try:
            page = preprocess.prepare(load())
            text = engine.recognise(page, engine.status(settings.languages), timeout)
        except engine.OcrTimeout:
            return Unscannable(where, f"OCR stopped after {timeout:g} s")
        except engine.OcrFailed as exc:
            return Unscannable(where, f"OCR failed: {exc}")
        finally:
            budget.ocr_seconds += time.monotonic() - start
        store.put(key, text)
    text = text.strip()
    return TextChunk(where + OCR_SUFFIX, text) if text else None
