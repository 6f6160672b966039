"""One Hyperscan pass naming the regexes that may match: never one Python would match missed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regex

from dlp.decide import people, school
from dlp.decide.school import school_signals
from dlp.detect.regex_set import RegexSet
from dlp.model import Extraction, TextChunk

PATTERNS = [
    regex.compile(r"\b(?:homeroom|recess|field trip)\b", regex.I),
    regex.compile(r"^[ \t>]*(?:dear|hola)\b[ \t,]*(?:parents?|padres)\b", regex.I | regex.M),
    regex.compile(r"\b\p{Lu}\w+[ \t]+(?:MS|ES|HS)(?![\w-])"),
    re.compile(r"\bphòng[ \t]*\d{1,3}\b", re.I),
]
TEXTS = [
    "Reminder: the field trip form is due.",
    "Hola padres,\nel recreo es a las diez.",
    "> Dear Parents, thank you",
    "See you at Brantley Oaks MS tomorrow",
    "Em học ở PHÒNG 12 buổi sáng",
    "nothing of the kind here",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_pattern_python_matches_is_a_candidate(text: str) -> None:
    possible = RegexSet(PATTERNS).candidates(text)
    assert possible is not None
    matching = {i for i, rx in enumerate(PATTERNS) if rx.search(text)}
    assert matching <= possible


def test_a_text_with_none_of_the_patterns_has_no_candidates() -> None:
    assert RegexSet(PATTERNS).candidates("Quarterly budget figures attached." * 1000) == set()


def test_a_pattern_hyperscan_cannot_take_is_always_a_candidate() -> None:
    backreference = regex.compile(r"(\w+) \1")
    verbose = regex.compile(r"a b c", regex.VERBOSE)
    assert RegexSet([backreference, verbose]).candidates("no repeats here") == {0, 1}


def test_text_python_case_folds_to_ascii_is_read_in_full() -> None:
    assert RegexSet(PATTERNS).candidates("Kelvin \u212a sign") is None


def test_the_compiled_set_is_reused_from_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    RegexSet(PATTERNS).candidates("recess")
    saved = list((tmp_path / "dlp").glob("regexset-*"))
    assert len(saved) == 1
    saved[0].write_bytes(b"damaged")  # a damaged entry costs a compile, not a wrong answer
    assert RegexSet(PATTERNS).candidates("recess") == {0}


def test_school_and_salutation_patterns_all_go_through_hyperscan() -> None:
    for compiled in (school._TEXT_SET, people._SALUTATION_SET):
        assert compiled.candidates("x") is not None
        assert compiled.candidates("x") == set()


def test_school_signals_in_a_long_digest_are_those_of_searching_every_pattern() -> None:
    filler = "Minutes of the facilities committee; roof bids reviewed.\n" * 4000
    chunks = (
        TextChunk("body", filler),
        TextChunk("attachment:a.txt", filler + "Hi parents,\nher teacher called mom.\n"),
        TextChunk("attachment:b.txt", "From: Ann Ruiz, RN\nRoom 12 at Oak Elementary"),
    )
    extraction = Extraction(chunks)
    searched = {kind for kind, rx in school._TEXT_SIGNALS if any(rx.search(c.text) for c in chunks)}
    searched |= {"the sender's title"} if school._QUOTED_SENDER.search(chunks[2].text) else set()
    kinds = {s.kind for s in school_signals(extraction, [])}
    assert kinds == searched
    assert {"a parent or guardian addressed", "a classroom", "the sender's title"} <= kinds
