"""The recognizer registry: registry order, and each entity list looked up once."""

from __future__ import annotations

import pytest
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerRegistry

from dlp.detect.analyzer import OrderedRegistry


def _recognizer(name: str, entity: str) -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity=entity, name=name, patterns=[Pattern(name, r"\bx\d\b", 0.5)]
    )


def test_recognizers_come_in_the_order_they_were_added() -> None:
    registry = OrderedRegistry(supported_languages=["en"])
    names = [f"r{i}" for i in range(12)]
    for i, name in enumerate(names):
        registry.add_recognizer(_recognizer(name, "A" if i % 2 else "B"))
    found = registry.get_recognizers("en", ["B", "A"])
    assert [r.name for r in found] == names


def test_an_entity_list_is_looked_up_once_until_the_registry_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = OrderedRegistry(supported_languages=["en"])
    registry.add_recognizer(_recognizer("first", "A"))
    lookups: list[object] = []
    presidio = RecognizerRegistry.get_recognizers

    def counted(self: RecognizerRegistry, *args: object, **kwargs: object) -> object:
        lookups.append(args)
        return presidio(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RecognizerRegistry, "get_recognizers", counted)
    for _ in range(5):
        assert [r.name for r in registry.get_recognizers("en", ["A"])] == ["first"]
    assert len(lookups) == 1
    registry.add_recognizer(_recognizer("second", "A"))
    assert [r.name for r in registry.get_recognizers("en", ["A"])] == ["first", "second"]
    assert len(lookups) == 2
    registry.get_recognizers("en", ["A"]).clear()  # a caller's list is its own
    assert len(registry.get_recognizers("en", ["A"])) == 2
