"""Every shipped pattern finds its examples and stays quiet on its counterexamples.

The examples live in the pattern files themselves (`examples`/`counterexamples`),
so an administrator's edit that breaks a shipped pattern fails here and in
`dlp patterns check`.  The explicit cases below are the false-positive bait
POLICY.md and the issue name.
"""

from __future__ import annotations

import pytest

from dlp.detect.patterns import load_patterns
from dlp.model import TextChunk
from dlp.pipeline import Scanner
from tests.conftest import ROOT

SPECS = load_patterns(ROOT / "patterns").recognizers


def entities(scanner: Scanner, text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in scanner.detector.detect([TextChunk("body", text)]):
        found.setdefault(f.entity, []).append(text[f.start : f.end])
    return found


@pytest.mark.parametrize(
    ("entity", "example"),
    [(s.entity, e) for s in SPECS for e in s.examples],
    ids=[f"{s.name}:{e[:30]}" for s in SPECS for e in s.examples],
)
def test_shipped_pattern_finds_its_example(scanner: Scanner, entity: str, example: str) -> None:
    assert entity in entities(scanner, example)


@pytest.mark.parametrize(
    ("entity", "counterexample"),
    [(s.entity, e) for s in SPECS for e in s.counterexamples],
    ids=[f"{s.name}:{e[:30]}" for s in SPECS for e in s.counterexamples],
)
def test_shipped_pattern_ignores_its_counterexample(
    scanner: Scanner, entity: str, counterexample: str
) -> None:
    assert entity not in entities(scanner, counterexample)


def test_every_shipped_recognizer_has_an_example() -> None:
    assert [s.name for s in SPECS if not s.examples] == []


@pytest.mark.parametrize(
    "text",
    [
        "SSN: 078-05-1120",  # the Woolworth wallet card number
        "SSN 123-45-6789 is the placeholder",
        "SSN: 000-12-3456",
        "SSN: 666-12-3456",
        "SSN: 912-34-5678",  # area 9xx is never an SSN
        "SSN: 536-00-1234",  # group 00 never issued
        "SSN: 536-22-0000",  # serial 0000 never issued
    ],
)
def test_invalid_or_dummy_ssns_are_not_reported(scanner: Scanner, text: str) -> None:
    assert "US_SSN" not in entities(scanner, text)


def test_valid_ssn_is_reported_with_or_without_context(scanner: Scanner) -> None:
    assert entities(scanner, "Her SSN is 536-22-8745.")["US_SSN"] == ["536-22-8745"]
    assert "US_SSN" in entities(scanner, "reference 536-22-8745")


@pytest.mark.parametrize(
    "text",
    [
        "Tracking number 4539 5787 6362 1487",  # fails Luhn
        "Card 4539578763621487 on file",  # fails Luhn
        "Order 4539578763621486 shipped",  # Luhn-valid but bare and no card context
        "Invoice 1234567812345678",
    ],
)
def test_card_numbers_need_luhn_and_context_when_bare(scanner: Scanner, text: str) -> None:
    assert "CREDIT_CARD" not in entities(scanner, text)


def test_luhn_valid_grouped_card_is_reported_without_context(scanner: Scanner) -> None:
    assert "CREDIT_CARD" in entities(scanner, "Please charge 4111 1111 1111 1111 exp 04/27")


@pytest.mark.parametrize(
    "text",
    [
        "PO 24-26318 for 36 copies, order number 88123456",
        "Order #452921448 will ship Friday",
        "Purchase order 121000358",
        "ISBN 978-0-13-468599-1, room 305",
    ],
)
def test_order_and_reference_numbers_are_not_identifiers(scanner: Scanner, text: str) -> None:
    found = entities(scanner, text)
    wanted = {"US_SSN", "US_PASSPORT", "ABA_ROUTING_NUMBER", "US_BANK_ACCOUNT", "US_DRIVER_LICENSE",
              "STUDENT_ID", "CA_SSID", "EMPLOYEE_ID", "CREDIT_CARD"}  # fmt: skip
    assert wanted.isdisjoint(found), found


def test_office_phone_is_contact_not_personal(scanner: Scanner) -> None:
    found = entities(scanner, "Main office: (916) 555-0153\nFax (916) 555-0154")
    assert "PHONE_NUMBER" in found
    assert "PERSONAL_PHONE" not in found


def test_routing_number_needs_checksum_and_banking_context(scanner: Scanner) -> None:
    assert "ABA_ROUTING_NUMBER" in entities(scanner, "ABA routing number: 121000358")
    assert "ABA_ROUTING_NUMBER" not in entities(scanner, "routing number: 121000359")
    assert "ABA_ROUTING_NUMBER" not in entities(scanner, "Case 121000358 closed")


def test_date_is_a_birth_date_only_with_birth_context(scanner: Scanner) -> None:
    assert "DATE_OF_BIRTH" in entities(scanner, "Jennifer Torres (DOB 10/14/2017)")
    assert "DATE_OF_BIRTH" not in entities(scanner, "The meeting is on 10/14/2025 at 3 pm")
    assert "DATE_OF_BIRTH" not in entities(scanner, "Born on 10/14/2099")  # future


def test_context_phrase_must_be_whole_words(scanner: Scanner) -> None:
    # Presidio's substring matching would take "public" as licence context ("lic")
    assert "US_DRIVER_LICENSE" not in entities(scanner, "public records request W7874405")


def test_a_recognizer_with_required_words_runs_only_where_one_is_present(scanner: Scanner) -> None:
    from dlp.detect.analyzer import Gate, TextWords, context_gates

    gates = context_gates(load_patterns(ROOT / "patterns"), 0.5)
    grade = Gate(gates["VI_GRADE_LEVEL"])
    assert grade.opens(TextWords.of("lớp 4")) and not grade.opens(TextWords.of("grade 4 lop4"))
    assert "VI_GRADE_LEVEL" in entities(scanner, "Em Khoa học lớp 4 năm nay.")
