"""Presidio's spaCy engine without the per-token lists nothing here reads.

For every document Presidio builds a list of lemmas, a list of token offsets
and, from the lemmas, "keywords" (a stop-word look-up per token) for its
default context enhancer.  dlp's context enhancer reads the raw text, NER
reads `entities` and the name-candidate recognizer the spaCy `Doc` itself,
so those lists were built and thrown away: two passes over every token that
cost about as much as the tagger.  This engine leaves them empty.
"""

from __future__ import annotations

from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.tokens import Doc


class LeanSpacyNlpEngine(SpacyNlpEngine):
    """Entities, scores and the Doc, as Presidio computes them; no lemmas or keywords."""

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self,
            language=language,
            scores=scores,
        )
