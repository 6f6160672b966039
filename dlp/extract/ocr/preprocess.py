"""Make a page easy for Tesseract: grey, a readable size, straight, black on white.

Tesseract reads best at roughly 300 dpi with level lines and even contrast;
phone photos and faxes are none of these.  Each step is cheap next to the OCR
itself (tens of milliseconds on a page), written with Pillow and numpy, which
dlp already has, rather than OpenCV, which it does not.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter, ImageOps

WORK_MIN = 2200  # a long side below this (letter under ~200 dpi) is small for Tesseract: enlarge
WORK_TARGET = 2600  # ...to about this (letter size at ~240 dpi)
WORK_MAX = 3400  # larger costs OCR time without reading better (~300 dpi letter)
MAX_UPSCALE = 3.0
SKEW_RANGE = 10.0  # degrees either way; more is a photo taken sideways (OSD turns those)
SKEW_STEP = 0.5
THUMB = 600  # the thumbnail the skew is measured on
THICK_STROKES = 5.0  # px: text this bold survives losing a pixel on each side
DOTTED_SHARE = 0.08  # more of the ink in 1-2 px runs than this: dither or dotted rules
MIDTONE_SHARE = 0.25  # more mid-grey than this is a photo with uneven light: threshold locally


def prepare(image: Image.Image) -> Image.Image:
    """The page as Tesseract should see it (a new image; the input is not changed)."""
    page = _grey(image)
    page = _resized(page)
    page = ImageOps.autocontrast(page, cutoff=1)
    page = page.filter(ImageFilter.MedianFilter(3))  # speckle from copiers and sensors
    if _midtone_share(page) > MIDTONE_SHARE:
        page = local_threshold(page)
    stroke, dotted = ink_runs(page)
    if dotted > DOTTED_SHARE and stroke >= THICK_STROKES:
        # Dotted table rules and dither (1-2 px) break Tesseract's layout analysis;
        # thinning dark marks by a pixel a side removes them and keeps thick strokes.
        page = page.filter(ImageFilter.MaxFilter(3))
    return deskew(page)


def _grey(image: Image.Image) -> Image.Image:
    """8-bit grey; transparency becomes white paper (dark text on a clear PNG stays dark)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    if image.mode.startswith("I;16") or image.mode == "I":
        image = image.point(lambda v: v / 256)
    return image.convert("L")


def _resized(page: Image.Image) -> Image.Image:
    long_side = max(page.size)
    if long_side < WORK_MIN:
        scale = min(MAX_UPSCALE, WORK_TARGET / long_side)
    elif long_side > WORK_MAX:
        scale = WORK_MAX / long_side
    else:
        return page
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    return page.resize(size, Image.Resampling.LANCZOS)


def skew_angle(page: Image.Image) -> float:
    """The rotation that makes text lines level (projection profiles of a thumbnail).

    Lines of text are level when the ink summed along rows (or columns, for a
    page lying on its side) varies most: every row is all line or all gap.
    A coarse search over +-10 degrees, then a fine one around the best.
    """
    thumb = page.copy()
    thumb.thumbnail((THUMB, THUMB))
    ink = thumb.point(lambda v: 255 if v < 128 else 0)
    scores: dict[float, float] = {}

    def score(angle: float) -> float:
        if angle not in scores:
            turned = np.asarray(ink.rotate(angle, fillcolor=0), dtype=np.float32)
            scores[angle] = float(max(turned.sum(axis=1).var(), turned.sum(axis=0).var()))
        return scores[angle]

    coarse = max(np.arange(-SKEW_RANGE, SKEW_RANGE + 1, 2.0), key=lambda a: score(float(a)))
    fine = np.arange(coarse - 1.5, coarse + 1.75, SKEW_STEP)
    best = float(max(fine, key=lambda a: score(float(a))))
    if scores[best] <= score(0.0) * 1.05:  # no clear winner (a photo, a blank page): leave it
        return 0.0
    return best


def ink_runs(page: Image.Image) -> tuple[float, float]:
    """(stroke width, dotted share) from the horizontal runs of ink.

    The stroke width is the run a typical ink pixel belongs to; the dotted
    share is the part of the ink in runs of 1-2 px: a few per cent on typed
    or photographed text, over a tenth on dithered scans and dotted rules.
    """
    ink = np.asarray(page) < 128
    if not ink.any():
        return 0.0, 0.0
    edges = np.diff(np.pad(ink, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    runs = np.nonzero(edges == -1)[1] - np.nonzero(edges == 1)[1]  # row-major: pairs match
    per_pixel = np.repeat(runs, runs)
    return float(np.median(per_pixel)), float((per_pixel <= 2).mean())


def deskew(page: Image.Image) -> Image.Image:
    """The page turned level (Tesseract copes with a degree or two, not with seven)."""
    angle = skew_angle(page)
    if abs(angle) < SKEW_STEP:
        return page
    return page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)


def _midtone_share(page: Image.Image) -> float:
    histogram = page.histogram()
    total = sum(histogram) or 1
    return sum(histogram[60:200]) / total


def local_threshold(page: Image.Image) -> Image.Image:
    """Black where a pixel is darker than its neighbourhood: shadows and glare drop out."""
    radius = max(8, max(page.size) // 80)
    grey = np.asarray(page, dtype=np.int16)
    mean = np.asarray(page.filter(ImageFilter.BoxBlur(radius)), dtype=np.int16)
    ink = grey < mean - 12
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), mode="L")
