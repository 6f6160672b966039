"""The one-pass prefilter: same findings, explanations and verdicts as running every pattern."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import hyperscan
import pytest
import regex

from dlp import config
from dlp.config import Settings
from dlp.detect.analyzer import Detector, DistrictPatternRecognizer
from dlp.detect.patterns import load_patterns, parse_file
from dlp.detect.prefilter import Prefilter, view, windowed
from dlp.detect.prefilter_syntax import FOLDS_TO_ASCII, Untranslatable, to_hyperscan
from dlp.model import TextChunk
from dlp.pipeline import Scanner
from dlp.tuning.explain import explain_file, to_dict
from dlp.yamlsource import parse_yaml
from tests.conftest import CORPUS, ROOT, corpus_dir, labelled_folders

MAIL = ROOT / "tests" / "fixtures" / "mail"


def _hits(pattern: str, flags: int, text: str) -> bool:
    """Does the widened Hyperscan pattern report anything in the text's view?"""
    hs_flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
    hs_flags |= hyperscan.HS_FLAG_CASELESS if flags & regex.IGNORECASE else 0
    hs_flags |= hyperscan.HS_FLAG_MULTILINE if flags & regex.MULTILINE else 0
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=[to_hyperscan(pattern)[0].encode()], ids=[0], elements=1, flags=[hs_flags]
    )
    found: list[int] = []
    data = view(text)
    assert data is not None
    db.scan(data, match_event_handler=lambda *args: found.append(1))
    return bool(found)


UNICODE_CASES = [
    (r"(?<![\p{L}])(?:lớp|Lớp)\s*\d{1,2}", "Con tôi học LỚP 5 năm nay"),
    (r"\bper[ií]odo\s*\d\b", "en el PERÍODO 3"),
    (r"\d{3}-\d{2}-\d{4}", "SSN ٥٣٦-22-8745 in Arabic-Indic digits"),
    (r"\p{Lu}[\p{Ll}'’-]+\s+\p{Lu}\p{Ll}+", "Dra. Ñuñez Ávila"),
    (r"[^.\n$]{0,5}\$\d", "salary…é$5"),
    (r"\w+’s IEP", "Zoë’s IEP"),
    (r"[^a-z]{3}", "ÅÉÎ"),
    (r"(?-i:SPED)\b", "the SPED team"),
    (r"\bgrade\s*[:#]?\s*(?:K|\d{1,2})\b", "Grade\u00a0K"),
]


@pytest.mark.parametrize(("pattern", "text"), UNICODE_CASES)
def test_widened_pattern_reports_every_text_python_matches(pattern: str, text: str) -> None:
    flags = regex.IGNORECASE | regex.MULTILINE
    assert regex.search(pattern, text, flags), "the case itself must match in Python"
    assert _hits(pattern, flags, text)


def test_shipped_patterns_report_their_examples() -> None:
    """Every example a shipped pattern matches in Python is a prefilter hit too."""
    patterns = load_patterns(ROOT / "patterns")
    recognizers = [DistrictPatternRecognizer(s) for s in patterns.recognizers]
    prefilter = Prefilter(recognizers)
    checked = 0
    for rec, spec in zip(recognizers, patterns.recognizers, strict=True):
        ids = prefilter.ids_of(rec.name)
        for text in (*spec.examples, *spec.counterexamples):
            hits = prefilter.patterns_hit(text)
            assert hits is not None
            for i, p in enumerate(rec.patterns):
                if regex.search(p.regex, text, spec.flags):
                    assert ids[i] in hits, f"{rec.name} / {p.name} missed {text!r}"
                    checked += 1
    assert checked > 50


def test_unknown_constructs_are_refused_not_guessed() -> None:
    for pattern in (r"\N{BULLET}", r"(?:abc){e<=1}", r"(?x) a b", r"\X", r"(?(1)a|b)"):
        with pytest.raises(Untranslatable):
            to_hyperscan(pattern)


def test_characters_that_fold_to_ascii_are_the_regex_modules() -> None:
    """Text with one of these is read in full: [a-z] matches them case-insensitively."""
    every = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert "".join(regex.findall(r"[a-z]", every, regex.IGNORECASE)) == FOLDS_TO_ASCII
    assert view("Kelvin \u212a") is None and view("naïve") == b"na\xffve"


FALLBACK_YAML = r"""
recognizers:
  - name: fuzzy_code
    supported_entity: FUZZY_CODE
    role: contact
    patterns:
      - name: code with one typo
        regex: '(?:ZX-\d{4}){e<=1}'
        score: 0.9
      - name: plain code
        regex: 'QQ-\d{4}'
        score: 0.9
"""


def test_pattern_without_prefilter_still_runs_and_is_named(settings: Settings) -> None:
    specs, errors = parse_file(parse_yaml(FALLBACK_YAML, "fuzzy.yaml"))
    assert not errors
    prefilter = Prefilter([DistrictPatternRecognizer(s) for s in specs])
    [fallback] = prefilter.fallbacks
    assert (fallback.recognizer, fallback.pattern) == ("fuzzy_code", "code with one typo")
    assert "repeat count" in fallback.reason


def test_patterns_check_notes_the_fallback(tmp_path: Path) -> None:
    from tests.core.test_cli import dlp

    folder = tmp_path / "patterns"
    folder.mkdir()
    (folder / "fuzzy.yaml").write_text(FALLBACK_YAML)
    out = dlp("patterns", "check", str(folder), "--skip-examples")
    assert out.returncode == 0, out.stderr
    [note] = [line for line in out.stderr.splitlines() if ": note: " in line]
    assert "'code with one typo' runs without the prefilter" in note and "fuzzy.yaml" in note
    data = json.loads(dlp("patterns", "check", str(folder), "--skip-examples", "--json").stdout)
    assert data["notes"] == 1 and data["warnings"] == 1  # the missing examples


def test_fallback_pattern_finds_what_python_finds(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "fuzzy.yaml").write_text(FALLBACK_YAML)
    custom = settings.model_copy(update={"patterns": tmp_path})
    detector = Detector.from_settings(custom)
    text = "codes ZX-1Z34 and QQ-5678 today"
    found = detector.detect([TextChunk("body", text)])
    assert {text[f.start : f.end] for f in found if f.recognizer == "fuzzy_code"} == {
        "ZX-1Z34",
        "QQ-5678",
    }


@pytest.fixture(scope="module")
def pair() -> tuple[Scanner, Scanner]:
    """The dev corpus's config (the shipped one when the corpus is absent), both ways."""
    path = CORPUS / "dev" / "config.yaml"
    settings = config.load(path if path.is_file() else None)
    one_pass = Scanner(settings, Detector.from_settings(settings))
    every = Scanner(settings, Detector.from_settings(settings, prefilter=False))
    assert one_pass.detector.prefilter is not None and every.detector.prefilter is None
    return one_pass, every


@pytest.mark.corpus
@pytest.mark.parametrize("folder", labelled_folders(), ids=lambda p: p.name)
def test_findings_and_verdicts_are_those_of_every_pattern(
    folder: Path, pair: tuple[Scanner, Scanner]
) -> None:
    one_pass, every = pair
    files = sorted(folder.glob("*.eml"))
    assert files
    for path in files:
        raw = path.read_bytes()
        a, b = one_pass.scan(raw), every.scan(raw)
        assert a.findings == b.findings, path.name
        assert (a.categories, a.decision.verdict) == (b.categories, b.decision.verdict)


@pytest.mark.corpus
def test_explain_output_is_the_same_with_and_without_prefilter(
    pair: tuple[Scanner, Scanner],
) -> None:
    folder = corpus_dir("dev")
    picked = sorted(folder.glob("*.eml"))[::12] + sorted((MAIL / "blindA").glob("*.eml"))[::40]
    one_pass, every = pair
    for path in picked:
        a = to_dict(explain_file(path, one_pass.settings, scanner=one_pass), reveal=True)
        b = to_dict(explain_file(path, every.settings, scanner=every), reveal=True)
        assert a == b, path.name


def _random_texts(examples: list[str], count: int) -> list[str]:
    """Examples cut, joined and salted with digits, separators and non-ASCII characters."""
    rng = random.Random(17)
    salt = [*"0123456789 -./:,()#\n\tABCxyz", "é", "Ñ", "٣", "’", "\u00a0", "lớp", "Điểm"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 6)):
            example = rng.choice(examples)
            cut = rng.randint(0, len(example) // 3)
            parts.append(example[cut:])
            parts.append("".join(rng.choice(salt) for _ in range(rng.randint(0, 12))))
        texts.append("".join(parts))
    return texts


def test_windows_give_the_matches_of_the_whole_text() -> None:
    """Every shipped pattern, on texts built to match near and across window edges."""
    patterns = load_patterns(ROOT / "patterns")
    recognizers = [DistrictPatternRecognizer(s) for s in patterns.recognizers]
    prefilter = Prefilter(recognizers)
    examples = [e for s in patterns.recognizers for e in (*s.examples, *s.counterexamples)]
    compared = 0
    for text in _random_texts(examples, 300):
        hits = prefilter.patterns_hit(text)
        assert hits is not None
        for rec in recognizers:
            ids = prefilter.ids_of(rec.name)
            flags = rec.global_regex_flags
            for i, pattern in enumerate(rec.patterns):
                whole = [m.span() for m in regex.finditer(pattern.regex, text, flags)]
                if ids[i] not in hits:
                    assert not whole, (rec.name, pattern.name, text)
                    continue
                windows = hits[ids[i]]
                if windows is not None:
                    found = windowed(pattern, flags, windows).compiled_regex.finditer(text)
                    assert [m.span() for m in found] == whole, (rec.name, pattern.name, text)
                    compared += bool(whole)
    assert compared > 100


def test_compiled_database_is_reused_from_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    specs, _ = parse_file(parse_yaml(FALLBACK_YAML.replace("{e<=1}", ""), "codes.yaml"))
    first = Prefilter([DistrictPatternRecognizer(s) for s in specs])
    [cached] = (tmp_path / "dlp").glob("prefilter-*.hsdb")
    assert cached.stat().st_mode & 0o077 == 0
    second = Prefilter([DistrictPatternRecognizer(s) for s in specs])
    text = "codes ZX-1234 and QQ-5678"
    assert second.patterns_hit(text) == first.patterns_hit(text) != {}
    cached.write_bytes(b"not a database")  # a damaged cache costs a compile, nothing else
    third = Prefilter([DistrictPatternRecognizer(s) for s in specs])
    assert third.patterns_hit(text) == first.patterns_hit(text)


def test_each_patterns_analysis_is_reused_from_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Translating and bounding every pattern was 0.12 s of every start."""
    from dlp.detect import prefilter

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    recognizers = [
        DistrictPatternRecognizer(s) for s in load_patterns(ROOT / "patterns").recognizers
    ]
    first = Prefilter(recognizers)
    [cached] = (tmp_path / "dlp").glob("pattern-analysis-*.json")

    def no_analysis(*args: object) -> None:
        pytest.fail("a pattern was analysed again")

    with monkeypatch.context() as m:
        m.setattr(prefilter, "_entry", no_analysis)
        second = Prefilter(recognizers)
    assert second._entries == first._entries and len(first._entries) > 50
    assert second.fallbacks == first.fallbacks
    assert any(e.bounds is not None for e in second._entries)
    cached.write_bytes(b"{damaged")  # costs the analysis, nothing else
    third = Prefilter(recognizers)
    assert third._entries == first._entries and third.fallbacks == first.fallbacks


class _Spy:
    """A compiled regex that records the texts it is run on."""

    def __init__(self, real: object, ran: list[str]) -> None:
        self.real, self.ran = real, ran

    def finditer(self, text: str, *args: object, **kwargs: object) -> object:
        self.ran.append(text)
        return self.real.finditer(text, *args, **kwargs)  # type: ignore[attr-defined]


def test_a_pattern_that_needs_context_is_not_run_on_text_without_it(
    pair: tuple[Scanner, Scanner],
) -> None:
    """'student id digits' scores under every threshold without context: in a long list of
    numbers with no "student id" (its words apart do not count) it is never run."""
    one_pass, every = pair
    rec = next(
        r
        for r in one_pass.detector.engine.registry.recognizers
        if isinstance(r, DistrictPatternRecognizer) and r.spec.name == "student_id"
    )
    digits = next(i for i, p in enumerate(rec.patterns) if p.name == "student id digits")
    assert digits in rec.needs_context
    ran: list[str] = []
    pattern = rec.patterns[digits]
    real = pattern.compiled_regex
    numbers = " ".join(str(4_000_000 + 7919 * i) for i in range(100))
    texts = {
        f"Order numbers {numbers}. Local news: bring an id to the game.": False,
        f"Student ID list: {numbers}": True,
        "The student ids are 4123456 and 4987654.": True,  # the plural is context too
    }
    try:
        pattern.compiled_regex = _Spy(real, ran)
        for text, needs_it in texts.items():
            ran.clear()
            chunks = [TextChunk("body", text)]
            found = one_pass.detector.detect(chunks)
            assert found == every.detector.detect(chunks), text
            assert bool(ran) == needs_it, text
            assert any(f.recognizer == "student_id" for f in found) == needs_it, text
    finally:
        pattern.compiled_regex = real
    assert not rec.no_context  # reset for whatever analyses next
