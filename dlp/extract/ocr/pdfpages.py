"""PDF pages without a text layer (a scanner's or a phone app's output), rendered for OCR.

pypdfium2 (Apache-2.0/BSD, maintained, wheels bundle Google's PDFium, the
renderer in Chrome) draws the page; poppler's `pdftoppm` would mean another
program and temporary files.  Only pages whose own text is (almost) empty are
rendered: a page of real text is read from its text layer, and a scan with a
copier's one-line stamp on it still counts as a scan.
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
SPARSE_CHARS = 30  # a page with less text than this (a page number, a stamp) gets OCR


def needs_ocr(page_text: str) -> bool:
    """True when a page's text layer is empty or too thin to be the page's content."""
    return sum(not c.isspace() for c in page_text) < SPARSE_CHARS


def ocr_pages(data: bytes, where: str, pages: Sequence[int], ctx: Context) -> Iterator[Item]:
    """OCR the given pages (0-based) of a PDF; say why when they cannot be read."""
    if not pages:
        return
    settings = ctx.budget.limits.ocr
    off = off_reason(settings)
    if off:
        yield NotInspected(where, f"{len(pages)} PDF page(s) without a text layer: {off}")
        return
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        yield Unscannable(where, "PDF pages without a text layer could not be rendered")
        return
    try:
        for count, index in enumerate(pages):
            if count >= settings.max_pages:
                yield Unscannable(where, f"more than {settings.max_pages} pages need OCR")
                return
            ctx.check_time()
            key = cache.key(data, index, settings.languages)
            render = functools.partial(_render, doc, index)
            found = ocr_page(render, key, f"{where}#page{index + 1}", ctx)
            if found is not None:
                yield found
    finally:
        doc.close()


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
