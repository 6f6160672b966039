"""What OCR reads, where it says it read it, and what it skips and why."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace

from dlp.extract.base import Limits
from dlp.extract.mime import walk
from dlp.extract.ocr import cache
from dlp.extract.ocr.limits import OcrSettings
from tests.extract.conftest import run

from . import documents, scans
from .conftest import needs_tesseract

# Wall-clock caps far above a page's ~1-3 s: a busy test machine must not turn
# a page into "OCR stopped" (the caps themselves are tested below).
PATIENT = OcrSettings(image_seconds=300, message_seconds=600)


def limits(**ocr: object) -> Limits:
    return Limits(ocr=replace(PATIENT, **ocr))  # type: ignore[arg-type]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels (a decompression bomb's header)."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(bytes(1000)))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + _chunk(b"IEND", b"")


@needs_tesseract
def test_sideways_noisy_scan_is_read_and_labelled_as_ocr() -> None:
    image = scans.noisy(scans.turned(scans.page(documents.IEP), 90))
    out = run(scans.png(image), "scan.png", "image/png", limits=limits())
    assert "4829173" in out.text and "Jacob Martinez" in out.text
    assert [c.where for c in out.chunks] == ["attachment:scan.png (OCR)"]


@needs_tesseract
def test_skewed_blurred_low_resolution_phone_photo_is_read() -> None:
    photo = scans.jpeg(scans.photographed(scans.page(documents.REPORT_CARD)))
    out = run(photo, "IMG_2231.jpg", "image/jpeg", limits=limits())
    assert "5012846" in out.text and "Emily Chen" in out.text


@needs_tesseract
def test_fax_tiff_pages_are_read_up_to_the_page_cap_and_the_rest_is_unscannable() -> None:
    pages = [scans.page(documents.TRANSCRIPT), scans.page(documents.IEP), scans.page(["x"])]
    out = run(scans.fax_tiff(pages), "fax.tif", "image/tiff", limits(max_pages=2))
    assert "523-71-4498" in out.text and "4829173" in out.text
    assert [c.where for c in out.chunks] == [
        "attachment:fax.tif#page1 (OCR)",
        "attachment:fax.tif#page2 (OCR)",
    ]
    assert out.reasons == "more than 2 pages need OCR"


@needs_tesseract
def test_image_only_pdf_page_is_rendered_and_read() -> None:
    out = run(scans.image_pdf([scans.page(documents.CLASS_LIST)]), "classlist.pdf", limits=limits())
    assert "Mia Nguyen" in out.text and not out.unscannable
    assert out.chunks[0].where == "attachment:classlist.pdf#page1 (OCR)"


@needs_tesseract
def test_picture_pasted_into_docx_and_odt_is_read() -> None:
    picture = scans.png(scans.page(documents.TRANSCRIPT))
    docx = run(scans.docx_with_picture(picture), "note.docx", limits=limits())
    assert "523-71-4498" in docx.text
    assert any(c.where.startswith("attachment:note.docx/word/media/") for c in docx.chunks)
    odt = run(scans.odt_with_picture(picture), "note.odt", limits=limits())  # from the cache
    assert "523-71-4498" in odt.text
    assert "attachment:note.odt/Pictures/scan.png (OCR)" in [c.where for c in odt.chunks]


@needs_tesseract
def test_inline_cid_image_in_html_mail_is_read() -> None:
    picture = scans.png(scans.page(documents.DIRECT_DEPOSIT))
    extraction = walk(scans.html_mail_with_inline(picture), limits())
    ocr = [c for c in extraction.chunks if c.where.endswith("(OCR)")]
    assert ocr and "614-28-7730" in ocr[0].text


@needs_tesseract
def test_the_same_image_is_read_once_per_process() -> None:
    picture = scans.png(scans.page(documents.MENU))
    store = cache.shared(OcrSettings().cache_entries)
    run(picture, "menu.png", limits=limits())
    misses = store.misses
    again = run(picture, "menu-copy.png", limits=limits())
    assert store.misses == misses and "Lunch Menu" in again.text


def test_logo_and_banner_are_not_inspected_without_ocr() -> None:
    logo = run(scans.png(scans.logo()), "logo.png")
    banner = run(scans.png(scans.logo().resize((1200, 120))), "banner.png")
    assert logo.not_inspected[0].why == "image too small to hold a document (240x80 px)"
    assert banner.not_inspected[0].why == "image too narrow to hold a document (1200x120 px)"
    assert not logo.unscannable and not banner.unscannable


def test_decompression_bomb_is_unscannable_before_decoding() -> None:
    out = run(huge_png_header(60_000, 60_000), "bomb.png", limits=limits())
    assert out.reasons == "image over the 40 megapixel OCR limit"
    mid = run(huge_png_header(8000, 6000), "big.png", limits=limits(max_megapixels=20))
    assert mid.reasons == "image of 8000x6000 px is over the 20 megapixel OCR limit"


def test_corrupt_image_is_unscannable() -> None:
    out = run(b"\x89PNG\r\n\x1a\n" + bytes(100), "scan.png", "image/png", limits=limits())
    assert out.reasons == "corrupt or unsupported image"


@needs_tesseract
def test_page_over_the_per_image_seconds_is_unscannable() -> None:
    out = run(scans.png(scans.page(documents.IEP)), "scan.png", limits=limits(image_seconds=0.05))
    assert out.reasons == "OCR stopped after 0.05 s"


def test_document_sized_image_past_the_message_ocr_time_is_unscannable() -> None:
    out = run(scans.png(scans.page(documents.IEP)), "scan.png", limits=limits(message_seconds=0.5))
    assert out.reasons == "OCR time for the message (0.5 s) used up"


def test_ocr_turned_off_or_unavailable_lists_images_as_not_inspected() -> None:
    picture = scans.png(scans.page(documents.IEP))
    off = run(picture, "scan.png", limits=limits(enabled=False))
    missing = run(picture, "scan.png", limits=limits(languages=("xx_no_such_language",)))
    assert [n.why for n in off.not_inspected] == ["OCR turned off (extraction.ocr.enabled)"]
    assert [n.why for n in missing.not_inspected] == ["OCR unavailable"]
    scanned = scans.image_pdf([scans.page(documents.IEP)])
    pdf = run(scanned, "scan.pdf", limits=limits(enabled=False))
    assert [n.why for n in pdf.not_inspected] == [
        "PDF without a text layer (scanned image): OCR turned off (extraction.ocr.enabled)"
    ]
    assert not (off.unscannable or missing.unscannable or pdf.unscannable)
