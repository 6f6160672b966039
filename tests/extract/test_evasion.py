"""MIME evasion: every trick that hides a record from the strict parser is still caught."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dlp.pipeline import Scanner
from tests.extract.evasion import PAYLOADS, TRICKS, UNRESOLVABLE, Payload, mixed, part


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_the_payload_without_any_trick_is_held_for_its_record(scanner: Scanner, kind: str) -> None:
    payload = PAYLOADS[kind]
    result = scanner.scan(mixed(part(payload, ": base64")))
    assert result.decision.verdict.value != "pass"
    assert payload.categories <= set(result.categories)


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_a_record_a_client_displays_is_found_despite_the_trick(
    scanner: Scanner, trick: str, kind: str
) -> None:
    payload: Payload = PAYLOADS[kind]
    build: Callable[[Payload], bytes] = TRICKS[trick]
    result = scanner.scan(build(payload))
    assert result.decision.verdict.value != "pass"
    assert payload.categories <= set(result.categories), (
        result.categories,
        [u.why for u in result.extraction.unscannable],
    )


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
@pytest.mark.parametrize("trick", sorted(UNRESOLVABLE))
def test_a_part_no_client_can_resolve_is_unscannable_not_clean(
    scanner: Scanner, trick: str, kind: str
) -> None:
    result = scanner.scan(UNRESOLVABLE[trick](PAYLOADS[kind]))
    assert result.decision.verdict.value != "pass"
    assert result.extraction.unscannable, result.categories
