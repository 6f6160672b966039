"""PDF pages without a text layer (a scanner's or a phone app's output), rendered for OCR.

pypdfium2 (Apache-2.0/BSD, maintained, wheels bundle Google's PDFium, the
renderer in Chrome) draws the page; poppler's `pdftoppm` would mean another
program and temporary files.  Only pages whose text layer is empty are
rendered: a page of real text is read from its text layer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import pypdfium2 as pdfium
from PIL import Image

from dlp.extract.base import Context, Item
from dlp.extract.ocr import cache
from dlp.extract.ocr.preprocess import WORK_MAX
from dlp.extract.ocr.reader import ocr_page, off_reason
from dlp.model import NotInspected, Unscannable

RENDER_DPI = 200  # Tesseract reads 10-point type well from ~200 dpi up


def ocr_pages(
    data: bytes,
    where: str,
    numbers: Sequence[int],
    total: int,
    ctx: Context,
    doc: pdfium.PdfDocument | None = None,
) -> Iterator[Item]:
    """OCR the given pages (1-based, of `total`) of a PDF; say why when they cannot be read.

    `doc` is the caller's open document (left open); without one it is opened here.
    """
    if not numbers:
        return
    settings = ctx.budget.limits.ocr
    off = off_reason(settings)
    if off:
        yield NotInspected(where, f"{_which(numbers, total)}: {off}")
        return
    own = doc is None
    if doc is None:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            yield Unscannable(where, f"{_which(numbers, total)}: cannot be rendered for OCR")
            return
    try:
        for count, number in enumerate(numbers):
            if count >= settings.max_pages:
                yield Unscannable(where, f"more than {settings.max_pages} pages need OCR")
                return
            ctx.check_time()
            key = cache.key(data, number, settings.languages)
            render = functools.partial(_render, doc, number - 1)
            found = ocr_page(render, key, f"{where}#page{number}", ctx)
            if found is not None:
                yield found
    finally:
        if own:
            doc.close()


def _which(numbers: Sequence[int], total: int) -> str:
    if len(numbers) == total:
        return "PDF without a text layer (scanned image)"
    listed = ", ".join(str(n) for n in numbers[:20]) + (" ..." if len(numbers) > 20 else "")
    return f"PDF pages without a text layer ({listed})"


def _render(doc: pdfium.PdfDocument, index: int) -> Image.Image:
    """The page in grey at RENDER_DPI, its long side at most WORK_MAX pixels."""
    page = doc[index]
    try:
        width, height = page.get_size()  # points
        scale = min(RENDER_DPI / 72, WORK_MAX / max(width, height, 1))
        bitmap = page.render(scale=scale, grayscale=True)
        return bitmap.to_pil()
    finally:
        page.close()
