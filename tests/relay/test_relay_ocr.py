"""OCR in the relay: said at start-up, and run in the scan worker processes."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from dlp.extract.ocr import engine
from dlp.receive.pool import ProcessScanPool
from tests.ocr import documents, scans

from .util import load_settings


def test_start_up_log_says_ocr_is_off(start_relay, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="dlp.serve"):
        start_relay(extraction={"ocr": {"enabled": False}})
    lines = [r.getMessage() for r in caplog.records if r.name == "dlp.serve"]
    assert "OCR off: turned off in the config (extraction.ocr.enabled: false)" in lines


@pytest.mark.slow
@pytest.mark.skipif(
    not engine.status(("eng", "spa", "vie")).available or not scans.font_available(),
    reason="Tesseract or fonts-dejavu-core is not installed",
)
def test_scan_worker_reads_an_image_and_the_verdict_names_the_ocr_source(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path, {"workers": 1, "message_timeout": 240}, extraction={"ocr": {"image_seconds": 100}}
    )
    raw = scans.mail("Attached.", [("scan.png", scans.png(scans.page(documents.TRANSCRIPT)),
                                    "image/png")])  # fmt: skip

    async def run() -> object:
        pool = ProcessScanPool(settings)
        try:
            await pool.start()
            return await pool.scan(raw, "pteacher@westpark.k12.ca.us", ("someone@gmail.com",))
        finally:
            pool.close()

    summary = asyncio.run(run())
    assert summary.verdict == "quarantine"  # type: ignore[attr-defined]
    assert any("(in attachment:scan.png (OCR))" in m for _, m in summary.masked)  # type: ignore[attr-defined]
