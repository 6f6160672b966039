"""The Presidio analyzer, built once per process: spaCy NER + our pattern recognizers.

Presidio's predefined recognizers are not loaded: on school mail they misfire
(US_DRIVER_LICENSE and US_BANK_NUMBER on any 8-digit number, DATE_TIME on every
date, PHONE_NUMBER on every school office line).  Every identifier comes from
patterns/*.yaml instead, where an administrator can read and tune it; spaCy
contributes only PERSON.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar, cast

import regex
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.pattern import Pattern
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dlp.config import Settings
from dlp.decide.classify import CONFIDENTIAL_STAFF, CONFIDENTIAL_STUDENT
from dlp.decide.people import IDENTIFIER_ROLES
from dlp.detect.context import WORD, PhraseContextEnhancer, normalise_phrase, phrase_in
from dlp.detect.lean_nlp import LeanSpacyNlpEngine
from dlp.detect.names import NAME_CANDIDATE, ProperNameRecognizer, addressed_families
from dlp.detect.patterns import PatternSet, RecognizerSpec, load_patterns
from dlp.detect.prefilter import Prefilter, windowed
from dlp.detect.spacy_model import LazyModels
from dlp.detect.validators import VALIDATORS
from dlp.model import ChunkKind, Finding, TextChunk

log = logging.getLogger(__name__)

NER_ENTITY = "PERSON"
NER_SCORE = 0.85
NAME_ENTITIES = [NER_ENTITY, NAME_CANDIDATE]
NON_PERSON_LABELS = [
    "CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
    "ORDINAL", "ORG", "PERCENT", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
]  # fmt: skip
SEGMENT_CHARS = 100_000  # spaCy memory grows with document length; analyse long text in pieces
# Findings that make a name matter, as classification reads them (dlp.decide): information
# about a student or staff member; a student ID identifies by itself and needs no name.
NAME_WORTHY_ROLES = (CONFIDENTIAL_STUDENT | CONFIDENTIAL_STAFF) - {"student_id"}
NER_BATCH = 16  # windows per nlp.pipe batch: small docs run faster together
NAME_WINDOW = 400  # chars around evidence that NER reads; people.py looks at most 400 away


T = TypeVar("T")
# A computation that yields the texts it needs NER for and is sent their NLP results.
Steps: TypeAlias = Generator[list[str], list[NlpArtifacts], T]


class NerOnce:
    """NER for the scans of one batch: a text asked for again is not read again.

    The same window comes back when the learned model has a message read in
    full a second time, and across messages (a shared signature, the same
    subject); spaCy's result for a text depends on that text alone.
    """

    def __init__(self, ner: Callable[[list[str]], list[NlpArtifacts]]) -> None:
        self._ner = ner
        self._read: dict[str, NlpArtifacts] = {}

    def __call__(self, texts: list[str]) -> list[NlpArtifacts]:
        fresh = [t for t in dict.fromkeys(texts) if t not in self._read]
        if fresh:
            self._read.update(zip(fresh, self._ner(fresh), strict=True))
        return [self._read[t] for t in texts]


def run_steps(steps: Steps[T], ner: Callable[[list[str]], list[NlpArtifacts]]) -> T:
    """Run a stepped computation alone, answering each of its requests with `ner`."""
    try:
        texts = next(steps)
        while True:
            texts = steps.send(ner(texts))
    except StopIteration as done:
        return cast(T, done.value)


class CompiledPattern(Pattern):
    """A Presidio `Pattern` compiled once, with the recognizer's flags, when first run.

    Presidio's `Pattern` compiles each regex without flags only to validate it,
    and its first use compiles it again with them: two compiles of a regex that
    `dlp.detect.patterns` has validated already, or that is escaped terms (about
    0.2 s of every start).  Here it is compiled the first time the prefilter
    says it may match, which for most term lists is never in a run of ordinary
    mail (their compile was 0.15 s of every start).
    """

    def __init__(self, name: str, regex_text: str, score: float, flags: int) -> None:
        # no super().__init__(): its validation is the compile this class exists to avoid
        self.name = name
        self.regex = regex_text
        self.score = score
        self.compiled_with_flags = flags  # type: ignore[assignment]
        self._compiled: Any = None

    @property
    def compiled_regex(self) -> Any:
        if self._compiled is None:
            self._compiled = regex.compile(self.regex, self.compiled_with_flags)
        return self._compiled

    @compiled_regex.setter
    def compiled_regex(self, value: Any) -> None:  # Presidio's loop and `windowed` set it
        self._compiled = value


class DistrictPatternRecognizer(PatternRecognizer):
    """A Presidio PatternRecognizer whose validator vetoes but never inflates the score.

    Presidio sets a validated match to score 1.0, which would let a bare
    Luhn-valid number stand without context; here a validator only removes
    implausible values, and context decides the rest.
    """

    def __init__(self, spec: RecognizerSpec) -> None:
        patterns: list[Pattern] = [
            CompiledPattern(p.name, p.regex, p.score, spec.flags) for p in spec.patterns
        ]
        super().__init__(
            supported_entity=spec.entity,
            name=spec.name,
            patterns=patterns,
            deny_list=list(spec.deny_list),
            context=list(spec.context),
            global_regex_flags=spec.flags,
        )
        self.spec = spec
        self._validator = VALIDATORS.get(spec.validator) if spec.validator else None
        self._allowed = {_normalise(v) for v in spec.allow_list}
        self.prefilter: Prefilter | None = None
        self._ids: dict[int, int] = {}
        self.needs_context: frozenset[int] = frozenset()  # set by the Detector
        self.no_context = False  # the text being analysed has none of `context`: set per text

    def _deny_list_to_regex(self, deny_list: list[str]) -> Pattern:
        """Presidio's term-list pattern (the same regex text), compiled once with our flags."""
        terms = "|".join(regex.escape(term) for term in deny_list)
        text = r"(?:^|(?<=\W))(" + terms + r")(?:(?=\W)|$)"
        flags = int(self.global_regex_flags or 0)
        return CompiledPattern("deny_list", text, self.deny_list_score, flags)

    def use_prefilter(self, prefilter: Prefilter | None) -> None:
        """Run only the patterns the prefilter's pass says may match (None: all of them)."""
        self.prefilter = prefilter
        self._ids = prefilter.ids_of(self.spec.name) if prefilter else {}

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's own pattern loop, over the patterns that can match this text.

        A pattern without a prefilter hit finds nothing in Presidio's loop
        either, so leaving it out changes no result, score or explanation.
        Nor does a pattern that reports nothing without context, in a text
        that has none (`Detector._context_gates`): its matches stay under
        every threshold of the entity, and a lower-scored result never removes
        another in Presidio's clean-up.
        """
        hits = self.prefilter.patterns_hit(text) if self.prefilter else None
        if hits is None:
            return super().analyze(text, entities, nlp_artifacts, regex_flags)
        flags = int(regex_flags or self.spec.flags)
        wanted = []
        own: list[Pattern] = self.patterns  # type: ignore[has-type]
        for i, pattern in enumerate(own):
            if self.no_context and i in self.needs_context:
                continue
            pattern_id = self._ids.get(i)
            if pattern_id is None:  # a fallback: the whole text, as before
                wanted.append(pattern)
            elif pattern_id in hits:
                windows = hits[pattern_id]
                wanted.append(pattern if windows is None else windowed(pattern, flags, windows))
        if not wanted:
            return []
        subset = copy.copy(self)  # a shallow copy: the same compiled patterns, id and name
        subset.patterns = wanted  # type: ignore[has-type]
        return PatternRecognizer.analyze(subset, text, entities, nlp_artifacts, regex_flags)

    def validate_result(self, pattern_text: str) -> bool | None:
        return None

    def invalidate_result(self, pattern_text: str) -> bool | None:
        if _normalise(pattern_text) in self._allowed:
            return True
        if self._validator is not None and not self._validator(pattern_text):
            return True
        return None


class OrderedRegistry(RecognizerRegistry):
    """Recognizers in the order they were added, where Presidio returns a set's order.

    Presidio keeps the first of two equal results (same span, entity and
    score), so with a set's order which recognizer is named for the finding
    changed from process to process; `dlp explain` now says the same each time.

    The answer for a language and entity list is kept: Presidio builds it anew for
    every text, testing each recognizer against each entity asked for.
    """

    KEPT = 256  # distinct entity lists; the gates make a few dozen on real mail

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._found: dict[tuple[Any, ...], list[EntityRecognizer]] = {}

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
    ) -> list[EntityRecognizer]:
        if ad_hoc_recognizers:
            return self._ordered(
                super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
            )
        wanted = tuple(entities) if entities is not None else None
        key = (language, wanted, all_fields, tuple(map(id, self.recognizers)))
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= self.KEPT:
                self._found.clear()
            found = self._ordered(super().get_recognizers(language, entities, all_fields))
            self._found[key] = found
        return list(found)

    def _ordered(self, found: list[EntityRecognizer]) -> list[EntityRecognizer]:
        order = {id(r): i for i, r in enumerate(self.recognizers)}
        return sorted(found, key=lambda r: order.get(id(r), len(order)))


def _normalise(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def build_engine(
    settings: Settings, patterns: PatternSet, prefilter: bool = True
) -> AnalyzerEngine:
    """An AnalyzerEngine with only our recognizers; the spaCy model is read on first use.

    `prefilter=False` is the reference the tests and benchmark compare with:
    every pattern on every text, and Presidio's full NLP artifacts.
    """
    ner = NerModelConfiguration(
        model_to_presidio_entity_mapping={"PERSON": NER_ENTITY, "PER": NER_ENTITY},
        labels_to_ignore=NON_PERSON_LABELS,
        low_score_entity_names=[],
    )
    engine_class = LeanSpacyNlpEngine if prefilter else SpacyNlpEngine
    nlp_engine = engine_class(
        models=[{"lang_code": "en", "model_name": settings.detection.spacy_model}],
        ner_model_configuration=ner,
    )
    # only what NER needs (spacy_model.UNUSED_COMPONENTS), read when NER first has text
    nlp_engine.nlp = LazyModels(settings.detection.spacy_model, "en")  # type: ignore[assignment]
    registry = OrderedRegistry(supported_languages=["en"])
    registry.add_recognizer(
        SpacyRecognizer(supported_entities=[NER_ENTITY], ner_strength=NER_SCORE)
    )
    registry.add_recognizer(ProperNameRecognizer())
    recognizers = [DistrictPatternRecognizer(spec) for spec in patterns.recognizers]
    shared = Prefilter(recognizers) if prefilter else None
    for recognizer in recognizers:
        recognizer.use_prefilter(shared)
        registry.add_recognizer(recognizer)
    enhancer = PhraseContextEnhancer(
        words_before=settings.detection.context_words_before,
        words_after=settings.detection.context_words_after,
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        context_aware_enhancer=enhancer,
    )


class Detector:
    """detect(chunks) → findings above their recognizer's minimum score.

    Two passes: the pattern recognizers run on every chunk with no NLP at all;
    spaCy NER then runs only on chunks where a name could change the verdict
    (confidential information, or enough identifiers for a roster).  Most
    mail carries neither and never reaches the neural network.
    """

    def __init__(
        self,
        settings: Settings,
        patterns: PatternSet,
        engine: AnalyzerEngine,
        ner_gate: bool = True,
    ) -> None:
        self.settings = settings
        self.patterns = patterns
        self.engine = engine
        self.ner_gate = ner_gate  # False: NER reads every chunk in full (the reference in tests)
        self.prefilter = next(
            (
                r.prefilter
                for r in engine.registry.recognizers
                if isinstance(r, DistrictPatternRecognizer) and r.prefilter is not None
            ),
            None,
        )
        self._specs = {r.name: r for r in patterns.recognizers}
        self._pattern_entities = sorted({r.entity for r in patterns.recognizers})
        gates = context_gates(patterns, settings.detection.min_score)
        self._gates = {e: Gate(g) for e, g in gates.items()}
        self._context_gates = self._quiet_without_context(engine, settings.detection.min_score)
        self._proper_names = [
            r for r in engine.registry.recognizers if isinstance(r, ProperNameRecognizer)
        ]
        # the pattern pass reads no NLP results: an empty document, without the model
        self._no_nlp = NlpArtifacts([], Doc(Vocab()), [], [], engine.nlp_engine, "en")

    @classmethod
    def from_settings(
        cls, settings: Settings, prefilter: bool = True, ner_gate: bool = True
    ) -> Detector:
        """The detector a scan uses; the switches turn the two shortcuts off for comparison."""
        patterns = load_patterns(settings.patterns)
        return cls(settings, patterns, build_engine(settings, patterns, prefilter), ner_gate)

    def _quiet_without_context(
        self, engine: AnalyzerEngine, min_score: float
    ) -> list[tuple[DistrictPatternRecognizer, Gate]]:
        """Recognizers with patterns that report nothing without context, and their gates.

        A pattern counts when its score is under the lowest threshold of any
        recognizer of its entity: what it alone finds can never be reported.
        """
        lowest: dict[str, float] = {}
        for spec in self.patterns.recognizers:
            threshold = spec.min_score if spec.min_score is not None else min_score
            lowest[spec.entity] = min(threshold, lowest.get(spec.entity, threshold))
        out: list[tuple[DistrictPatternRecognizer, Gate]] = []
        for r in engine.registry.recognizers:
            if not isinstance(r, DistrictPatternRecognizer) or not r.spec.context:
                continue
            own: list[Pattern] = r.patterns  # type: ignore[has-type]
            quiet = frozenset(i for i, p in enumerate(own) if p.score < lowest[r.spec.entity])
            if quiet:
                r.needs_context = quiet
                phrases = [normalise_phrase(c).split() for c in r.spec.context]
                out.append((r, Gate(phrases, as_context=True)))
        return out

    def detect(self, chunks: Sequence[TextChunk], names_everywhere: bool = False) -> list[Finding]:
        """Every finding; `names_everywhere` has NER read every part in full, as it must
        when the learned model (not a listed word) says the message is about someone."""
        return run_steps(self.detect_steps(chunks, names_everywhere), self.ner)

    def detect_steps(
        self, chunks: Sequence[TextChunk], names_everywhere: bool = False
    ) -> Steps[list[Finding]]:
        """`detect` in steps: yields the texts NER must read, is sent their NLP results.

        Several scans can so give spaCy their texts together (`Scanner.scan_many`):
        it reads a batch of texts in much less time than the same texts one call each.
        """
        findings: list[Finding] = []
        for index, chunk in enumerate(chunks):
            entities = self._entities_for(chunk.text)
            findings.extend(self._analyze(chunk.text, index, entities, self._no_nlp))
        for quiet, _ in self._context_gates:
            quiet.no_context = False
        windows = self._name_windows(chunks, findings, names_everywhere)
        pieces = [(i, base + off, seg) for i, base, text in windows for off, seg in _segments(text)]
        if not pieces:
            return findings
        artifacts = yield [seg for _, _, seg in pieces]
        # set now, not before the yield: other scans' steps ran in between
        families = addressed_families(chunk.text for chunk in chunks)
        for recognizer in self._proper_names:
            recognizer.families = families
        findings.extend(self._names(pieces, artifacts))
        return findings

    def warm(self) -> None:
        """Read the spaCy model now rather than when NER first has text to read."""
        self.engine.nlp_engine.nlp["en"]  # type: ignore[attr-defined]

    def ner(self, texts: list[str]) -> list[NlpArtifacts]:
        """spaCy over the texts, batched through `nlp.pipe`."""
        batch = self.engine.nlp_engine.process_batch(texts, "en", batch_size=NER_BATCH)
        return [artifacts for _, artifacts in batch]

    def _name_windows(
        self, chunks: Sequence[TextChunk], findings: list[Finding], everywhere: bool
    ) -> list[tuple[int, int, str]]:
        """(chunk, offset, text) NER reads: near evidence a name could combine with."""
        if everywhere or not self.ner_gate:  # every part; tables that label names need no NER
            return [
                (index, 0, chunk.text)
                for index, chunk in enumerate(chunks)
                if not (chunk.kind is ChunkKind.TABLE and _labels_names(chunk.text))
            ]
        identifiers = sum(f.role in IDENTIFIER_ROLES for f in findings)
        if identifiers < self.settings.policy.bulk_threshold:
            # an e-mail address or office phone matters next to a name only in a list of
            # people (dlp.decide.people.roster_count), and too few are here for one
            findings = [f for f in findings if f.role != "contact"]
        return [
            (index, start, chunks[index].text[start:end])
            for index in self._chunks_needing_names(chunks, findings)
            for start, end in name_windows(chunks[index], findings, index)
        ]

    def _names(
        self, pieces: list[tuple[int, int, str]], artifacts: list[NlpArtifacts]
    ) -> list[Finding]:
        """NER's names and the name candidates in each (chunk, offset, text) piece."""
        out: list[Finding] = []
        for (index, offset, text), nlp in zip(pieces, artifacts, strict=True):
            results = self.engine.analyze(
                text, language="en", entities=NAME_ENTITIES, nlp_artifacts=nlp
            )
            out.extend(f for r in results if (f := self._finding(r, index, offset)) is not None)
        return out

    def _analyze(
        self, text: str, index: int, entities: list[str], artifacts: NlpArtifacts
    ) -> list[Finding]:
        """The pattern pass over one chunk, in segments, with no NLP."""
        out: list[Finding] = []
        for offset, segment in _segments(text):
            results = self.engine.analyze(
                segment, language="en", entities=entities, nlp_artifacts=artifacts
            )
            out.extend(f for r in results if (f := self._finding(r, index, offset)) is not None)
        return out

    def _entities_for(self, text: str) -> list[str]:
        """Skip entities whose every recognizer needs a context word the text lacks, and
        mark the recognizers whose context is absent (their quiet patterns are left out)."""
        words = TextWords.of(text)
        for quiet, gate in self._context_gates:
            quiet.no_context = not gate.opens(words)
        return [
            e for e in self._pattern_entities if e not in self._gates or self._gates[e].opens(words)
        ]

    def _chunks_needing_names(
        self, chunks: Sequence[TextChunk], findings: list[Finding]
    ) -> list[int]:
        worthy = {f.chunk for f in findings if f.role in NAME_WORTHY_ROLES}
        identifiers: dict[int, int] = {}
        for f in findings:
            if f.role in IDENTIFIER_ROLES:
                identifiers[f.chunk] = identifiers.get(f.chunk, 0) + 1
        rosters = {c for c, n in identifiers.items() if n >= self.settings.policy.bulk_threshold}
        needed = worthy | rosters
        if needed:  # a name in the subject belongs to the body that holds the information
            needed |= {i for i, c in enumerate(chunks) if c.where.endswith("subject")}
        if worthy & {i for i, c in enumerate(chunks) if c.where.endswith("subject")}:
            needed |= set(range(len(chunks)))
        return sorted(needed)

    def _finding(self, result: RecognizerResult, chunk: int, offset: int) -> Finding | None:
        meta = result.recognition_metadata or {}
        name = str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, ""))
        spec = self._specs.get(name)
        threshold = self.settings.detection.min_score
        if spec is not None and spec.min_score is not None:
            threshold = spec.min_score
        if result.score < threshold:
            return None
        explanation = result.analysis_explanation
        return Finding(
            entity=result.entity_type,
            score=round(float(result.score), 3),
            chunk=chunk,
            start=result.start + offset,
            end=result.end + offset,
            role=spec.role if spec else "person_name",
            recognizer=name,
            pattern=str(getattr(explanation, "pattern_name", "") or ""),
            context_word=str(getattr(explanation, "supportive_context_word", "") or ""),
            monitor=bool(spec and spec.mode == "monitor"),
        )


Phrases = list[list[str]]  # each phrase as its words


def context_gates(patterns: PatternSet, min_score: float) -> dict[str, Phrases]:
    """Entity → phrases (as word lists) one of which must be in the text for it to match.

    A term list can only match text that has its words; a pattern that cannot
    reach the reporting threshold without context needs a context word.  A
    text with none of them is skipped before any regex runs: most mail has no
    "routing", "passport", "SSID" or "IEP" in it.
    """
    gates: dict[str, Phrases] = {}
    ungated: set[str] = set()
    for spec in patterns.recognizers:
        threshold = spec.min_score if spec.min_score is not None else min_score
        needs_context = bool(spec.context) and all(p.score < threshold for p in spec.patterns)
        if spec.patterns and not needs_context and not spec.requires:
            ungated.add(spec.entity)
            continue
        if spec.requires:  # an explicit gate: "lớp", "điểm" for Vietnamese patterns
            phrases = [*spec.requires, *spec.deny_list]
        else:
            phrases = [*spec.deny_list, *(spec.context if spec.patterns else ())]
        gates.setdefault(spec.entity, []).extend(normalise_phrase(p).split() for p in phrases)
    return {e: g for e, g in gates.items() if e not in ungated}


@dataclass(frozen=True)
class TextWords:
    """A text's words as the gates read them: `words` as they are, `loose` with each
    also without a plural ending (context matches "student ids" for "student id",
    `dlp.detect.context.phrase_in`), `joined` in order, space-separated."""

    words: set[str]
    loose: set[str]
    joined: str

    @classmethod
    def of(cls, text: str) -> TextWords:
        listed = WORD.findall(text.lower().replace("’", "'"))
        words = set(listed)
        loose = set(words)
        loose.update(w[:-1] for w in words if w.endswith("s"))
        loose.update(w[:-2] for w in words if w.endswith("es"))
        return cls(words, loose, " ".join(listed))


class Gate:
    """Phrases one of which must be in a text: single words checked as a set, a phrase when
    all its words are there.  `as_context`: as the context enhancer finds them, where their
    words stand together, the last one perhaps in the plural.

    An entity's gate (`context_gates`) checks its phrases as they are: a context word in
    the plural ("passports") does not open it, though it gives context where the entity
    runs.  That has kept false reports off the corpora ("Carvalho-Banks" is no "bank"),
    so it stays until the plural rule for context is itself revisited.
    """

    def __init__(self, phrases: Phrases, as_context: bool = False) -> None:
        self.as_context = as_context
        self.singles = frozenset(p[0] for p in phrases if len(p) == 1)
        self.phrases: dict[str, list[list[str]]] = {}  # first word → the rest of each phrase
        for p in phrases:
            if len(p) > 1:
                self.phrases.setdefault(p[0], []).append(p[1:])
        self.firsts = frozenset(self.phrases)

    def opens(self, text: TextWords) -> bool:
        words = text.loose if self.as_context else text.words
        if not self.singles.isdisjoint(words):
            return True
        return any(
            all(w in words for w in rest)
            and (not self.as_context or phrase_in(" ".join((first, *rest)), text.joined))
            for first in self.firsts.intersection(words)
            for rest in self.phrases[first]
        )


def name_windows(
    chunk: TextChunk, findings: Sequence[Finding], index: int
) -> list[tuple[int, int]]:
    """Where in a chunk NER should look: around the evidence a name could combine with.

    Classification only asks about names within a few hundred characters of a
    role word, identifier or confidential term, so text far from all of them
    is never read by the network.  An e-mail address or office phone
    (`contact`) counts only toward a list of people, which names each person on
    the line of their identifier (`dlp.decide.people.roster_count`): its own
    line is read, not the 400 characters around it.  Tables whose rows label
    their names ("Name: Ann Lee") need no NER at all.
    """
    text = chunk.text
    if chunk.kind is ChunkKind.TABLE and _labels_names(text):
        return []
    if len(text) <= 2 * NAME_WINDOW:
        return [(0, len(text))]
    spans = sorted(
        (_line_start(text, f.start - reach), _line_end(text, f.end + reach))
        for f in findings
        if f.chunk == index and f.role != "person_name"
        for reach in [0 if f.role == "contact" else NAME_WINDOW]
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _labels_names(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and sum("Name: " in line for line in lines) * 2 >= len(lines)


def _line_start(text: str, pos: int) -> int:
    pos = max(0, pos)
    newline = text.rfind("\n", max(0, pos - 120), pos)
    return newline + 1 if newline >= 0 else pos


def _line_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    newline = text.find("\n", pos, pos + 120)
    return newline if newline >= 0 else pos


def _segments(text: str) -> list[tuple[int, str]]:
    """Split text at line ends into pieces of at most SEGMENT_CHARS, with their offsets."""
    if len(text) <= SEGMENT_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + SEGMENT_CHARS)
        if end < len(text):
            newline = text.rfind("\n", start, end)
            end = newline + 1 if newline > start else end
        out.append((start, text[start:end]))
        start = end
    return out
