"""`dlp patterns check`: each class of error is found, located (file, line, column), explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dlp.config import Settings
from dlp.tuning.check import check_folder
from dlp.tuning.problems import SCHEMA_PATH, published_schema, schema_validator
from tests.conftest import ROOT
from tests.core.test_cli import dlp

from .conftest import lincoln

GOOD = """\
recognizers:
  - name: thing_id
    supported_entity: THING_ID
    role: student_id
    patterns:
      - name: thing
        regex: 'TH-\\d{4}'
        score: 0.6
    examples: ['TH-1234']
"""

# (what to break, the broken file, where the error must point, words of the message)
CASES = [
    ("yaml syntax", "recognizers:\n  - name: [x\n", (3, 1), "invalid YAML"),
    ("top level", "patterns: []\n", (1, 1), "recognizers"),
    ("unknown key", GOOD.replace("    role:", "    rol: x\n    role:"), (4, 5), "unknown key"),
    ("missing role", GOOD.replace("    role: student_id\n", ""), (2, 5), "role"),
    ("entity case", GOOD.replace("THING_ID", "thing_id"), (3, 5), "UPPER_SNAKE_CASE"),
    ("unknown role", GOOD.replace("role: student_id", "role: studnet_id"), (4, 5), "role"),
    ("bad regex", GOOD.replace("'TH-\\d{4}'", "'TH-(\\d{4}'"), (7, 9), "invalid regex"),
    ("score range", GOOD.replace("score: 0.6", "score: 1.5"), (8, 9), "between 0 and 1"),
    ("pattern key", GOOD.replace("score: 0.6", "score: 0.6\n        flags: x"), (9, 9), "unknown"),
    ("validator", GOOD.replace("    examples", "    validator: lun\n    examples"), (9, 5),
     "validator"),
    ("flag", GOOD.replace("    examples", "    flags: [CASELESS]\n    examples"), (9, 5), "flag"),
    ("mode", GOOD.replace("    examples", "    mode: trial\n    examples"), (9, 5), "monitor"),
    ("nothing to match", GOOD.split("    patterns:")[0], (2, 5), "deny_list"),
    ("list type", GOOD.replace("examples: ['TH-1234']", "examples: TH-1234"), (9, 5), "list"),
    ("dead pattern", GOOD.replace("score: 0.6", "score: 0.2"), (8, 9), "can never fire"),
    ("too low with context", GOOD.replace("score: 0.6", "score: 0.1\n    context: [thing]"),
     (8, 9), "even with a context word"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "at", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_error_class_is_reported_with_file_line_column(
    tmp_path: Path, settings: Settings, text: str, at: tuple[int, int], words: str
) -> None:
    (tmp_path / "p.yaml").write_text(text)
    report = check_folder(tmp_path, settings, run_examples=False)
    assert not report.ok
    found = [(p.line, p.column) for p in report.errors if words in str(p)]
    assert at in found, [str(p) for p in report.errors]
    assert all(str(p).startswith(f"{tmp_path / 'p.yaml'}:") for p in report.errors)


NOT_SCHEMA = ("yaml syntax", "bad regex", "dead pattern", "too low with context", "flag")
SHAPE_CASES = [c for c in CASES if c[0] not in NOT_SCHEMA]  # what a JSON Schema can express


@pytest.mark.parametrize("text", [c[1] for c in SHAPE_CASES], ids=[c[0] for c in SHAPE_CASES])
def test_the_published_schema_rejects_what_the_loader_rejects(text: str) -> None:
    """Editors validating with the JSON Schema see the same shape errors as `patterns check`."""
    assert list(schema_validator().iter_errors(yaml.safe_load(text)))


def test_the_schema_file_in_the_repo_is_current() -> None:
    assert json.loads(SCHEMA_PATH.read_text()) == published_schema(), (
        "regenerate: dlp patterns schema --write"
    )


def test_duplicate_names_across_files_are_refused(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text("# another file\n" + GOOD)
    report = check_folder(tmp_path, settings, run_examples=False)
    [dup] = [p for p in report.errors if "duplicate name" in p.problem]
    assert dup.file.endswith("b.yaml") and (dup.line, dup.column) == (3, 5)
    assert "a.yaml:2" in dup.problem


def test_an_entity_with_two_roles_is_refused(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    other = GOOD.replace("thing_id", "thing_two").replace("role: student_id", "role: staff_id")
    (tmp_path / "b.yaml").write_text(other)
    report = check_folder(tmp_path, settings, run_examples=False)
    assert any("one entity, one role" in p.problem for p in report.errors)


def test_shipped_patterns_pass_every_check_including_examples(settings: Settings) -> None:
    report = check_folder(ROOT / "patterns", settings)
    assert report.ok, [str(p) for p in report.errors]
    assert report.examples_run >= len(report.recognizers)


def test_a_broken_example_fails_check_with_the_reason(tmp_path: Path, settings: Settings) -> None:
    broken = lincoln().replace("examples: ['Lincoln student ID LUSD-482913']",
                               "examples: ['Lincoln record LUSD-482913']")  # fmt: skip
    (tmp_path / "lincoln.yaml").write_text(broken)
    report = check_folder(tmp_path, settings)
    [problem] = report.errors
    assert "is not found" in problem.problem and problem.where.startswith("recognizers[0].examples")
    assert "no context word" in problem.fix and "0.30" in problem.fix
    assert problem.line == 12


def test_a_matching_counterexample_fails_check(tmp_path: Path, settings: Settings) -> None:
    broken = lincoln().replace("'Order LUSD-482913 shipped'", "'Student LUSD-482913'")
    (tmp_path / "lincoln.yaml").write_text(broken)
    report = check_folder(tmp_path, settings)
    assert [p.where for p in report.errors] == [
        "recognizers[0].counterexamples[0] (lincoln_student_id)"
    ]


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "lincoln.yaml").write_text(lincoln())
    (bad / "p.yaml").write_text(GOOD.replace("score: 0.6", "score: 0.2"))
    ok = dlp("patterns", "check", str(good))
    assert ok.returncode == 0 and "2 examples passed" in ok.stdout
    out = dlp("patterns", "check", "--json", str(bad))
    assert out.returncode == 2
    data = json.loads(out.stdout)
    assert data["ok"] is False and data["problems"][0]["line"] == 8
    assert data["problems"][0]["fix"]
    text = dlp("patterns", "check", str(bad))
    assert f"{bad / 'p.yaml'}:8:9: error:" in text.stderr and "fix:" in text.stderr
