"""Fixtures for the tuning suite: a private copy of the shipped patterns, and a new pattern.

The new pattern is the README walkthrough's: Lincoln USD's student IDs
("LUSD-" and six digits) for records sent over from the neighbouring district.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dlp.config import Settings
from tests.conftest import ROOT

LINCOLN = """\
recognizers:
  - name: lincoln_student_id
    supported_entity: LINCOLN_STUDENT_ID
    role: student_id
    mode: {mode}
    description: Lincoln USD student ID (LUSD- and six digits), with student-ID context.
    patterns:
      - name: lusd id
        regex: '(?<![\\w-])LUSD-\\d{{6}}(?![\\w-])'
        score: 0.3
    context: [student, student id, lincoln id, pupil]
    examples: ['Lincoln student ID LUSD-482913']
    counterexamples: ['Order LUSD-482913 shipped']
"""


def lincoln(mode: str = "enforce") -> str:
    return LINCOLN.format(mode=mode)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", folder)
    return folder


def with_patterns(settings: Settings, folder: Path) -> Settings:
    return settings.model_copy(update={"patterns": folder})
