"""YAML loading that remembers where each value came from, for error messages.

Admins edit config and pattern files by hand; an error must say the line.  We
compose the YAML node tree once, keep a map from key path to line, and build
plain Python data from the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dlp.errors import ConfigError

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    file: str
    data: Any
    lines: dict[KeyPath, int]  # key path → 1-based line of the value (or of the key)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of the deepest known ancestor of `path`."""
        for n in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:n]))
            if line is not None:
                return line
        return None


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: Path) -> YamlDoc:
    """Parse a YAML file; syntax errors become ConfigError with file and line."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(file, "", f"cannot read file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(file, "", "not UTF-8 text") from None
    return parse_yaml(text, file)


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, plus where the unclosed construct opened when that is elsewhere.

    For an unclosed `[` or `{` the parser gives up lines later; the line where
    the bracket opened is the one the author has to fix.
    """
    text = f"invalid YAML: {exc.problem or exc.context}"
    start, end = exc.context_mark, exc.problem_mark
    if (
        exc.context
        and exc.problem
        and start is not None
        and (end is None or start.line != end.line)
    ):
        opened = exc.context.removeprefix("while parsing ")
        text += f" ({opened} opened at line {start.line + 1}, column {start.column + 1})"
    return text


# libyaml (C) when PyYAML was built with it: the pure-Python parser was a tenth of a
# scan's start-up (the shipped patterns and the config are read at every start)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(text: str, loader_class: type[Any]) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data built from it, in one parse."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> YamlDoc:
    try:
        try:
            node, data = _read(text, _FAST_LOADER)
        except yaml.YAMLError:  # the pure-Python parser words the error the way users see it
            node, data = _read(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(file, "", yaml_problem(exc), line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(file, "", f"invalid YAML: {exc}") from None
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _index(node, (), lines)
    return YamlDoc(file, data, lines)


def _index(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), lines)
