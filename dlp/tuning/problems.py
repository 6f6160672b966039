"""Located problems in pattern files: file, line, column, what is wrong and the fix.

The loader (`dlp.detect.patterns`) reports lines; an administrator's editor
also wants the column, so this module keeps its own index of YAML node
positions and maps both the loader's errors and JSON Schema errors onto it.
The JSON Schema in `schemas/patterns.schema.json` is the published contract
(editors validate against it as you type); the loader remains the authority
for what the schema cannot say (regexes compile, names unique across files).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from dlp.config import PACKAGE_DIR
from dlp.detect.patterns import ROLES
from dlp.detect.validators import VALIDATORS
from dlp.errors import ConfigError
from dlp.yamlsource import KeyPath, format_path, yaml_problem

SCHEMA_PATH = PACKAGE_DIR.parent / "schemas" / "patterns.schema.json"


@dataclass(frozen=True)
class Problem:
    """One finding of `dlp patterns check`; `severity` is "error" (exit 2), "warning", or
    "note" (information, e.g. a pattern the prefilter cannot take)."""

    file: str
    line: int | None
    column: int | None
    where: str
    problem: str
    fix: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        loc = self.file
        if self.line:
            loc += f":{self.line}" + (f":{self.column}" if self.column else "")
        text = f"{loc}: {self.severity}: " + (f"{self.where}: " if self.where else "")
        text += self.problem
        return text + (f"; fix: {self.fix}" if self.fix else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "where": self.where,
            "problem": self.problem, "fix": self.fix, "severity": self.severity,
        }  # fmt: skip


class Positions:
    """Key path → (line, column) of each YAML node, 1-based, for one file."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.at: dict[str, tuple[int, int]] = {}
        if node is not None:
            self._index(node, ())

    def _index(self, node: yaml.Node, path: KeyPath) -> None:
        self.at.setdefault(format_path(path), _mark(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                sub = (*path, key_node.value)
                self.at[format_path(sub)] = _mark(key_node)
                self._index(value_node, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, (*path, i))

    def of(self, where: str) -> tuple[int | None, int | None]:
        """Position of `where` or of its nearest known ancestor."""
        while True:
            if where in self.at:
                return self.at[where]
            cut = max(where.rfind("."), where.rfind("["))
            if cut <= 0:
                return self.at.get("", (None, None))
            where = where[:cut]


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def compose(text: str, file: str) -> tuple[Positions | None, Problem | None]:
    """Positions of a YAML text, or a syntax problem with its line and column."""
    try:
        return Positions(yaml.compose(text, Loader=yaml.SafeLoader)), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        fix = "check indentation and quote regexes in single quotes"
        return None, Problem(file, line, col, "", yaml_problem(exc), fix)
    except yaml.YAMLError as exc:
        return None, Problem(file, None, None, "", f"invalid YAML: {exc}")


def from_config_error(error: ConfigError, positions: Positions | None) -> Problem:
    """A loader error, with the column added where the YAML gives it."""
    line, column = error.line, None
    if positions is not None and not error.where.startswith("recognizer "):
        found_line, found_col = positions.of(error.where)
        if found_line == line or line is None:
            line, column = found_line, found_col
    return Problem(error.file, line, column, error.where, error.problem)


def published_schema() -> dict[str, Any]:
    """The schema file with its role and validator lists taken from the code.

    The loader's ROLES and VALIDATORS are the truth; `dlp patterns schema`
    prints this so the file in the repo can be regenerated when they grow
    (a test fails while the two differ).
    """
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    props = schema["$defs"]["recognizer"]["properties"]
    props["role"]["enum"] = sorted(ROLES)
    props["validator"]["enum"] = sorted(VALIDATORS)
    return schema


@cache
def schema_validator() -> Draft202012Validator:
    schema = published_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_problems(data: Any, file: str, positions: Positions) -> list[Problem]:
    """JSON Schema errors of one file's data, one per key path, with a fix each."""
    out: dict[str, Problem] = {}
    for error in schema_validator().iter_errors(data):
        for path, problem, fix in _explain(error):
            where = format_path(path)
            line, column = positions.of(where)
            out.setdefault(where, Problem(file, line, column, where, problem, fix))
    return list(out.values())


def _explain(error: ValidationError) -> list[tuple[KeyPath, str, str]]:
    path: KeyPath = tuple(error.absolute_path)
    kind, detail = error.validator, error.validator_value
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [((*path, k), "unknown key", f"use one of {allowed}") for k in extra]
    if kind == "required":
        return [(path, f"schema: {error.message}", "add the missing key")]
    if kind == "enum":
        return [(path, f"schema: {error.instance!r} is not allowed", f"use one of {detail}")]
    if kind == "anyOf":
        return [(path, "schema: nothing to match", "give `patterns` or a non-empty `deny_list`")]
    if kind in ("exclusiveMinimum", "maximum", "minimum"):
        return [(path, f"schema: {error.message}", "a score above 0 and at most 1, e.g. 0.5")]
    if kind == "pattern" and path and path[-1] == "supported_entity":
        return [(path, f"schema: {error.message}", "use UPPER_SNAKE_CASE, e.g. STUDENT_ID")]
    return [(path, f"schema: {error.message}", "see patterns/README.md")]


def read_text(path: Path) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except OSError as exc:
        return None, Problem(str(path), None, None, "", f"cannot read file ({exc.strerror})")
    except UnicodeDecodeError:
        return None, Problem(str(path), None, None, "", "not UTF-8 text", "save the file as UTF-8")
