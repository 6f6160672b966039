"""Config and pattern files are read by libyaml, with the pure-Python data, lines and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlp import yamlsource
from dlp.config import SHIPPED_PATTERNS
from dlp.errors import ConfigError
from dlp.yamlsource import parse_yaml
from tests.conftest import ROOT

SHIPPED = [*sorted(SHIPPED_PATTERNS.glob("*.yaml")), ROOT / "dlp" / "defaults" / "config.yaml"]


def _pure_python(text: str) -> tuple[object, dict[tuple[str | int, ...], int]]:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        yamlsource._index(node, (), lines)
    return yaml.safe_load(text), lines


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_shipped_files_are_read_with_libyaml() -> None:
    assert yamlsource._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_give_the_pure_python_data_and_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = parse_yaml(text, str(path))
    assert (doc.data, doc.lines) == _pure_python(text)


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("a: {b: 1\nc: 2\n", "expected ',' or '}', but got ':'"),
        ("a: b: c\n", "mapping values are not allowed here"),
    ],
)
def test_a_syntax_error_is_worded_by_the_pure_python_parser(text: str, wording: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml(text, "settings.yaml")
    assert wording in str(caught.value)
