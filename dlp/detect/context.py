"""Context scoring by whole words and phrases in a window around each match.

Presidio's default enhancer compares single lemmas by substring, so a context
word "lic" fires inside "public" and a phrase like "date of birth" can never
match.  Ours reads the raw text: a window of words before and after the match,
phrases matched as whole words (a trailing plural "s" allowed), no dependency
on the spaCy lemmatizer.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|#")

CONTEXT_BOOST = 0.35  # Presidio's context_similarity_factor
MIN_WITH_CONTEXT = 0.4  # Presidio's min_score_with_context_similarity


class WordIndex:
    """Word tokens of one text with their offsets, for windowed look-ups."""

    def __init__(self, text: str) -> None:
        self.words: list[str] = []
        self.starts: list[int] = []
        for m in WORD.finditer(text):
            self.words.append(m.group().lower().replace("’", "'"))
            self.starts.append(m.start())

    def window(self, start: int, end: int, before: int, after: int) -> tuple[str, str]:
        """(words before `start`, words after `end`) as space-joined lower-case strings."""
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return " ".join(self.words[max(0, i - before) : i]), " ".join(self.words[j : j + after])


def phrase_in(phrase: str, window: str) -> bool:
    """Whole-word phrase match, allowing a plural ending on the last word."""
    if not phrase:
        return False
    pattern = r"(?:^| )" + re.escape(phrase) + r"(?:s|es)?(?: |$)"
    return re.search(pattern, window) is not None


def normalise_phrase(phrase: str) -> str:
    return " ".join(WORD.findall(phrase.lower().replace("’", "'")))


class PhraseContextEnhancer(ContextAwareEnhancer):
    def __init__(self, words_before: int = 6, words_after: int = 2) -> None:
        super().__init__(
            context_similarity_factor=CONTEXT_BOOST,
            min_score_with_context_similarity=MIN_WITH_CONTEXT,
            context_prefix_count=words_before,
            context_suffix_count=words_after,
        )
        self._phrases: dict[int, list[str]] = {}

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: Any,
        recognizers: list[Any],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        by_id = {r.id: r for r in recognizers}
        index: WordIndex | None = None
        results = raw_results  # fresh objects from this call's recognizers: no copy needed
        for result in results:
            meta = result.recognition_metadata or {}
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            index = index or WordIndex(text)
            word = self._supporting_word(recognizer, index, result)
            if word:
                result.score = min(
                    self.MAX_SCORE,
                    max(
                        result.score + self.context_similarity_factor,
                        self.min_score_with_context_similarity,
                    ),
                )
                result.analysis_explanation.set_supportive_context_word(word)
                result.analysis_explanation.set_improved_score(result.score)
        return results

    def _supporting_word(self, recognizer: Any, index: WordIndex, result: RecognizerResult) -> str:
        phrases = self._phrases.get(id(recognizer))
        if phrases is None:
            phrases = [normalise_phrase(p) for p in recognizer.context]
            self._phrases[id(recognizer)] = phrases
        before, after = index.window(
            result.start, result.end, self.context_prefix_count, self.context_suffix_count
        )
        for phrase in phrases:
            if phrase_in(phrase, before) or phrase_in(phrase, after):
                return phrase
        return ""
