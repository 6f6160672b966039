"""OCR tests need Tesseract (`./scripts/setup`, `.ci/run`) and the DejaVu font."""

from __future__ import annotations

import pytest

from dlp.extract.ocr import engine
from dlp.extract.ocr.limits import OcrSettings

from .scans import font_available

needs_tesseract = pytest.mark.skipif(
    not engine.status(OcrSettings().languages).available or not font_available(),
    reason="Tesseract (with eng, spa, vie) or fonts-dejavu-core is not installed",
)
