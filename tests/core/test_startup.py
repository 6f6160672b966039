"""Commands that do not scan start without loading the scanning libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("spacy", "presidio_analyzer", "pypdf", "openpyxl", "docx", "pptx", "py7zr", "argon2")
PROBE = """
import contextlib, io, json, sys
from dlp import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in sys.modules if "." not in m)))
"""


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
