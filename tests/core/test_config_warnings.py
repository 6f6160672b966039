"""Valid configs that probably do not mean what they say are warned about, naming the key."""

from __future__ import annotations

from pathlib import Path

from dlp import config
from tests.conftest import ROOT, WESTPARK_CONFIG
from tests.core.test_cli import dlp


def test_a_config_without_patterns_says_it_uses_the_shipped_folder(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(WESTPARK_CONFIG)
    [warning] = config.warnings(config.load(path))
    assert "patterns: is not set" in warning and str(config.SHIPPED_PATTERNS) in warning
    out = dlp("config", "check", str(path))
    assert out.returncode == 0 and "patterns: is not set" in out.stderr
    path.write_text(WESTPARK_CONFIG + f"patterns: {ROOT / 'patterns'}\n")
    assert config.warnings(config.load(path)) == []
