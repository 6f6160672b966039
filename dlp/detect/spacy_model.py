"""The spaCy pipeline, read from disk the first time NER has something to read.

Most mail never reaches NER (nothing in it that a name could turn into a
record), so `dlp scan` of such a message and `dlp explain` need not spend the
0.4 s of CPU that reading the model costs.  The relay's scan workers read it
as they start (`Scanner.warm`), so no message waits for it.  A model that is
not installed is reported, in one line, when the scanner is built, not at the
first message that needs it.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import spacy
from spacy.language import Language

from dlp.detect import blas
from dlp.errors import DlpError

# NER and the tagger (name candidates, dlp.detect.names) share tok2vec; the rest decide nothing
UNUSED_COMPONENTS = ["parser", "attribute_ruler", "lemmatizer", "senter"]


class LazyModels(Mapping[str, Language]):
    """Presidio's `nlp` mapping (language → pipeline) with one pipeline, loaded on first use."""

    def __init__(self, name: str, language: str = "en") -> None:
        if not Path(name).exists() and importlib.util.find_spec(name) is None:
            raise DlpError(
                f"the spaCy model {name!r} (detection.spacy_model) is not installed:"
                " run ./scripts/setup, or pip install it into dlp's environment"
            )
        self.name = name
        self.language = language
        self._nlp: Language | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def __getitem__(self, language: str) -> Language:
        if language != self.language:
            raise KeyError(language)
        with self._lock:
            if self._nlp is None:
                with blas.openblas():
                    self._nlp = spacy.load(self.name, exclude=UNUSED_COMPONENTS)
        return self._nlp

    def __iter__(self) -> Iterator[str]:
        return iter((self.language,))

    def __len__(self) -> int:
        return 1
