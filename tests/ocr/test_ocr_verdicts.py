"""Whole-message verdicts: scanned records are held, scanned notices pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dlp.pipeline import Scanner
from tests.ocr import documents, scans

from .conftest import needs_tesseract

pytestmark = [needs_tesseract, pytest.mark.slow]


@pytest.fixture(scope="module")
def ocr_scanner(scanner: Scanner) -> Scanner:
    """The shared scanner with wall-clock OCR caps a busy test machine cannot hit."""
    extraction = scanner.settings.extraction
    ocr = extraction.ocr.model_copy(update={"image_seconds": 300.0, "message_seconds": 600.0})
    settings = scanner.settings.model_copy(
        update={"extraction": extraction.model_copy(update={"ocr": ocr})}
    )
    return Scanner(settings, scanner.detector)


Attachment = tuple[str, bytes, str]
RECORDS: list[tuple[str, Callable[[], Attachment], set[str]]] = [
    ("iep photo sideways", lambda: ("IMG_0412.jpg", scans.jpeg(scans.turned(
        scans.photographed(scans.page(documents.IEP)), 90)), "image/jpeg"),
     {"student_record"}),
    ("spanish nurse note", lambda: ("nota.png", scans.png(scans.noisy(scans.page(
        documents.NURSE_ES))), "image/png"), {"student_record"}),
    ("vietnamese letter", lambda: ("thongbao.png", scans.png(scans.turned(scans.page(
        documents.LETTER_VI), 4)), "image/png"), {"student_record", "high_risk_id"}),
    ("faxed transcript", lambda: ("fax.tiff", scans.fax_tiff([scans.page(documents.TRANSCRIPT)]),
                                  "image/tiff"), {"high_risk_id"}),
]  # fmt: skip
BENIGN: list[tuple[str, Callable[[], Attachment]]] = [
    ("flyer", lambda: ("bake-sale.png", scans.png(scans.page(documents.FLYER)), "image/png")),
    ("menu photo", lambda: ("menu.jpg", scans.jpeg(scans.photographed(scans.page(
        documents.MENU))), "image/jpeg")),
    ("whiteboard", lambda: ("board.jpg", scans.jpeg(scans.whiteboard(documents.WHITEBOARD)),
                            "image/jpeg")),
    ("logo", lambda: ("logo.png", scans.png(scans.logo()), "image/png")),
]  # fmt: skip


@pytest.mark.parametrize(("label", "build", "categories"), RECORDS, ids=[r[0] for r in RECORDS])
def test_scanned_record_is_held_with_its_categories(
    ocr_scanner: Scanner, label: str, build: Callable[[], Attachment], categories: set[str]
) -> None:
    result = ocr_scanner.scan(scans.mail("Please see the attached.", [build()]))
    assert result.decision.verdict.value == "quarantine", label
    assert categories <= set(result.categories)
    assert any(f.chunk >= 0 and result.extraction.chunks[f.chunk].where.endswith("(OCR)")
               for f in result.findings)  # fmt: skip


@pytest.mark.parametrize(("label", "build"), BENIGN, ids=[b[0] for b in BENIGN])
def test_scanned_notice_passes(
    ocr_scanner: Scanner, label: str, build: Callable[[], Attachment]
) -> None:
    result = ocr_scanner.scan(scans.mail("Sharing this with families.", [build()]))
    assert result.decision.verdict.value == "pass", (label, result.categories)


def test_image_only_pdf_class_list_and_docx_scan_are_held(ocr_scanner: Scanner) -> None:
    pdf = scans.image_pdf([scans.page(documents.CLASS_LIST)])
    docx = scans.docx_with_picture(scans.png(scans.shrunk(scans.page(documents.REPORT_CARD), 0.7)))
    result = ocr_scanner.scan(scans.mail("Forms attached.", [
        ("classlist.pdf", pdf, "application/pdf"),
        ("report.docx", docx, "application/vnd.openxmlformats-officedocument"
                              ".wordprocessingml.document"),
    ]))  # fmt: skip
    wheres = {result.extraction.chunks[f.chunk].where for f in result.findings}
    assert result.decision.verdict.value == "quarantine"
    assert "attachment:classlist.pdf#page1 (OCR)" in wheres
    assert any(w.startswith("attachment:report.docx/word/media/") for w in wheres)


def test_inline_direct_deposit_form_is_held(ocr_scanner: Scanner) -> None:
    picture = scans.png(scans.page(documents.DIRECT_DEPOSIT))
    result = ocr_scanner.scan(scans.html_mail_with_inline(picture))
    assert result.decision.verdict.value == "quarantine"
    assert "high_risk_id" in result.categories


def test_page_sized_scan_skipped_for_time_makes_the_message_unscannable(
    ocr_scanner: Scanner,
) -> None:
    extraction = ocr_scanner.settings.extraction
    ocr = extraction.ocr.model_copy(update={"message_seconds": 0.5})
    settings = ocr_scanner.settings.model_copy(
        update={"extraction": extraction.model_copy(update={"ocr": ocr})}
    )
    raw = scans.mail("Flyer and logo.", [
        ("flyer.png", scans.png(scans.page([*documents.FLYER, "Rain date: May 16"])), "image/png"),
        ("logo.png", scans.png(scans.logo()), "image/png"),
    ])  # fmt: skip
    result = Scanner(settings, ocr_scanner.detector).scan(raw)
    assert result.decision.verdict.value == "quarantine"
    assert result.categories == ["unscannable"]
    assert [u.where for u in result.extraction.unscannable] == ["attachment:flyer.png"]
    assert [n.where for n in result.extraction.not_inspected] == ["attachment:logo.png"]
