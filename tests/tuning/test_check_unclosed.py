"""`dlp patterns check` on an unclosed flow collection names where it opened, too."""

from __future__ import annotations

from pathlib import Path

from dlp.config import Settings
from dlp.tuning.check import check_folder
from tests.core.test_cli import dlp

UNCLOSED = """\
recognizers:
  - name: thing_id
    supported_entity: THING_ID
    role: student_id
    context: [thing, item
    patterns:
      - name: thing
        regex: 'TH-\\d{4}'
        score: 0.6
"""


def test_unclosed_flow_sequence_names_the_line_it_opened_and_where_parsing_stopped(
    tmp_path: Path, settings: Settings
) -> None:
    (tmp_path / "p.yaml").write_text(UNCLOSED)
    report = check_folder(tmp_path, settings, run_examples=False)
    [problem] = report.errors
    assert problem.line is not None and problem.line > 5  # where the parser gave up
    assert "flow sequence opened at line 5, column 14" in problem.problem
    out = dlp("patterns", "check", str(tmp_path))
    assert out.returncode != 0 and "opened at line 5" in out.stdout + out.stderr
