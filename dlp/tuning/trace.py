"""Every regex match of a recognizer with the arithmetic behind it, reported or not.

Presidio drops a match silently when a validator vetoes it or its score stays
under the threshold, which is exactly what an administrator needs to see when
a new pattern "does nothing".  This module replays one recognizer's regexes
with the same scoring rules as the detector (`DistrictPatternRecognizer` and
`PhraseContextEnhancer`): base score, +0.35 for a context word in the window
(at least 0.4), validator veto, allow list, then the reporting threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from dlp.config import Settings
from dlp.detect.context import (
    CONTEXT_BOOST,
    MIN_WITH_CONTEXT,
    WordIndex,
    normalise_phrase,
    phrase_in,
)
from dlp.detect.patterns import RecognizerSpec
from dlp.detect.validators import VALIDATORS

DENY_LIST_SCORE = 1.0  # Presidio's score for a deny_list term
DENY_LIST_PATTERN = "deny_list"  # Presidio's pattern name for deny_list matches


@dataclass(frozen=True)
class Trace:
    """One match of one pattern: how its score came about and whether it is reported."""

    recognizer: str
    pattern: str
    start: int
    end: int
    base: float
    context_word: str
    score: float
    threshold: float
    validator: str | None
    valid: bool | None  # None: no validator
    allowed: bool  # on the allow list (a published dummy value)

    @property
    def reported(self) -> bool:
        return self.valid is not False and not self.allowed and self.score >= self.threshold

    def why(self) -> str:
        """One phrase an administrator can act on."""
        if self.allowed:
            return "on the allow list"
        if self.valid is False:
            return f"rejected by validator {self.validator}"
        ctx = f"context {self.context_word!r}" if self.context_word else "no context word"
        verdict = "reported" if self.reported else "below threshold"
        scores = f"base {self.base:.2f}, {ctx} → {self.score:.2f}"
        return f"{verdict}: {scores} (threshold {self.threshold:.2f})"


def threshold_of(spec: RecognizerSpec, settings: Settings) -> float:
    return spec.min_score if spec.min_score is not None else settings.detection.min_score


def boosted(base: float) -> float:
    """The score of a match with a context word (PhraseContextEnhancer)."""
    return min(1.0, max(base + CONTEXT_BOOST, MIN_WITH_CONTEXT))


def base_score(spec: RecognizerSpec, pattern_name: str) -> float | None:
    """The score a pattern gives before context (Presidio's `original_score`)."""
    if pattern_name == DENY_LIST_PATTERN:
        return DENY_LIST_SCORE
    return next((p.score for p in spec.patterns if p.name == pattern_name), None)


@lru_cache(maxsize=512)
def _compiled(rx: str, flags: int) -> regex.Pattern[str]:
    return regex.compile(rx, flags)


def _normalise(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def trace(spec: RecognizerSpec, text: str, settings: Settings) -> list[Trace]:
    """All regex matches of `spec` in `text` (deny-list terms excluded: they always score 1)."""
    words = WordIndex(text) if spec.context else None
    phrases = [normalise_phrase(p) for p in spec.context]
    allowed = {_normalise(v) for v in spec.allow_list}
    check = VALIDATORS.get(spec.validator) if spec.validator else None
    threshold = threshold_of(spec, settings)
    out = []
    for pattern in spec.patterns:
        for m in _compiled(pattern.regex, spec.flags).finditer(text):
            if m.start() == m.end():
                continue
            word = ""
            if words is not None:
                before, after = words.window(
                    m.start(),
                    m.end(),
                    settings.detection.context_words_before,
                    settings.detection.context_words_after,
                )
                word = next((p for p in phrases if phrase_in(p, before) or phrase_in(p, after)), "")
            score = boosted(pattern.score) if word else pattern.score
            out.append(
                Trace(
                    recognizer=spec.name,
                    pattern=pattern.name,
                    start=m.start(),
                    end=m.end(),
                    base=pattern.score,
                    context_word=word,
                    score=score,
                    threshold=threshold,
                    validator=spec.validator,
                    valid=check(m.group()) if check else None,
                    allowed=_normalise(m.group()) in allowed,
                )
            )
    return out
