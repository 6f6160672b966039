"""A learned second opinion: does this message, as a whole, read like a record about someone?

The rules (`classify.py`) tie a named person to listed confidential words.  Each
new writer finds phrasings no list holds ("staying at the Mesa Inn", "no puede
recogerla por orden del juez"), so a message can name a child and say something
confidential with no listed word at all.  This model reads the words of the
whole message instead: a logistic regression over hashed words and word pairs
(accents folded, so Vietnamese typed without diacritics reads the same),
trained by `scripts/train-record-model` on the repository's labelled mail by
many authors plus real benign mail as negatives.

It only ever adds a category, never removes one, and only where the rules found
no record: a message it scores at or above `detection.record_model_threshold`
that also names a person (not the author, not a greeting) becomes a record
about that person.  `dlp explain` shows the score and the words that weighed
most.  The weights are 64 Ki half-precision floats shipped in the package.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DIMENSIONS = 1 << 16  # hashed feature slots; collisions cost little at this size
MAX_CHARS = 20_000  # a message's first 20,000 characters decide; the rest adds little
MODEL_PATH = Path(__file__).with_name("data") / "record_model.npz"
_TOKEN = re.compile(r"[a-z]+|\d+")
# Function words say which language a message is in, not what it is about: left in, the
# model learns "Spanish" from sets whose Spanish mail was mostly sensitive.
_FUNCTION_TEXT = """
    the a an and or but to of in on at for from by with as is are was were be been being am it
    its this that these those there here he she his her him hers they them their we our us you
    your i me my mine not no yes do does did done have has had will would can could should may
    might must shall if so than then too very just also about into over after before up down
    out off again
    la el los las lo le les un una unos unas de del al y e o u que en por para con sin se su sus
    mi mis tu tus me te nos es son fue era ser esta este estos estas eso esa ese muy mas pero
    como cuando donde ya si
    va voi cua cho toi co cac nhung mot nay do thi ma da se dang roi nhe oi vay nen khi neu
    con cung rat
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def fold(text: str) -> str:
    """Lower case, accents removed ("Đ" by hand: it has no decomposition)."""
    if text.isascii():  # most mail: nothing to decompose
        return text.lower()
    text = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def tokens(text: str) -> list[str]:
    """Content words, numbers reduced to their length: "#6" for any six-digit number."""
    return [
        f"#{min(len(t), 9)}" if t.isdigit() else t
        for t in _TOKEN.findall(fold(text[:MAX_CHARS]))
        if t not in _FUNCTION_WORDS
    ]


def features(text: str) -> dict[int, tuple[str, float]]:
    """Slot → (a term that fills it, weight): words and adjacent word pairs, log-scaled
    counts, the vector scaled to unit length so long and short mail weigh alike."""
    counts: dict[int, tuple[str, float]] = {}
    words = tokens(text)
    for i, word in enumerate(words):
        terms = (word, f"{words[i - 1]} {word}") if i else (word,)
        for term in terms:
            slot = zlib.crc32(term.encode()) % DIMENSIONS
            seen = counts.get(slot)
            counts[slot] = (seen[0] if seen else term, (seen[1] if seen else 0.0) + 1.0)
    norm = math.sqrt(sum(math.log1p(c) ** 2 for _, c in counts.values())) or 1.0
    return {slot: (term, math.log1p(c) / norm) for slot, (term, c) in counts.items()}


@dataclass(frozen=True)
class ModelScore:
    probability: float
    terms: tuple[str, ...]  # the terms that pushed the score up most, strongest first

    def describe(self) -> str:
        return f"{self.probability:.2f} (words that weighed most: {', '.join(self.terms)})"


@dataclass(frozen=True)
class RecordModel:
    weights: np.ndarray  # DIMENSIONS float16
    bias: float
    trained_on: str  # what the training script read, for `dlp explain` and the README

    def score(self, text: str) -> ModelScore:
        feats = features(text)
        contributions = [(float(self.weights[s]) * v, term) for s, (term, v) in feats.items()]
        z = self.bias + sum(c for c, _ in contributions)
        top = sorted((c, t) for c, t in contributions if c > 0)[-5:]
        return ModelScore(1.0 / (1.0 + math.exp(-z)), tuple(t for _, t in reversed(top)))


@cache
def load(path: Path = MODEL_PATH) -> RecordModel:
    """The shipped model; read once per process (about 130 KB)."""
    with np.load(path) as data:
        return RecordModel(
            weights=data["weights"].astype(np.float32),
            bias=float(data["bias"]),
            trained_on=str(data["trained_on"]),
        )
