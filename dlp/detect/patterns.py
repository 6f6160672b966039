"""patterns/*.yaml → validated recognizer specs (the administrator's data).

The file shape follows Presidio's recognizer YAML (`recognizers:` list with
`name`, `supported_entity`, `patterns` of name/regex/score, `context`,
`deny_list`) so a Presidio user reads it at once.  Our extensions, each
documented in patterns/README.md:

- `role`: what the entity means to the policy (see ROLES);
- `validator`: a checksum/range check by name (dlp.detect.validators);
- `allow_list`: values never reported (published dummy numbers);
- `flags`: regex flags by name, not magic integers;
- `mode`: `enforce` (default) or `monitor` (reported, not counted);
- `examples` / `counterexamples`: strings that must / must not match;
- `requires`: words one of which must be in the text for the recognizer to run.

Every problem is reported with file, line and the fix; a bad file never
silently falls back to defaults (Presidio's behaviour that we avoid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from dlp.detect.validators import VALIDATORS
from dlp.errors import ConfigError, ConfigErrors
from dlp.yamlsource import KeyPath, YamlDoc, format_path, load_yaml

ROLES: dict[str, str] = {
    "student_id": "identifies a student; itself confidential student information",
    "staff_id": "identifies a staff member (employee ID)",
    "high_risk_id": "government or financial identifier (POLICY.md high_risk_id)",
    "date_of_birth": "a date of birth: confidential, and identifies with a name",
    "home_address": "a home address: confidential contact information",
    "personal_phone": "a home, cell or parent phone: confidential contact information",
    "contact": "identifying but not confidential (email, phone): counts toward bulk_roster",
    "street_address": "a street address: identifying; a student's is their home (confidential)",
    "student_info": "confidential student information (grades, disability, discipline, health)",
    "student_record_doc": "a record word (IEP, report card): confidential, and a student context",
    "staff_info": "confidential personnel information (evaluations, reprimands, salary, leave)",
    "student_context": "marks a nearby name as a student (student, pupil, son, daughter)",
    "staff_context": "marks a nearby name as a staff member (teacher, employee, principal)",
    "person_name": "a person's name",
    "roster_student": "a name on the district's student roster (dlp.roster): identifies a student",
    "roster_staff": "a name on the district's staff roster (dlp.roster): identifies staff",
}
FLAGS = {"IGNORECASE": regex.IGNORECASE, "MULTILINE": regex.MULTILINE, "DOTALL": regex.DOTALL}
DEFAULT_FLAGS = ("IGNORECASE", "MULTILINE")
_ENTITY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_KNOWN_KEYS = {
    "name", "supported_entity", "role", "description", "patterns", "deny_list", "allow_list",
    "context", "validator", "flags", "mode", "min_score", "examples", "counterexamples",
    "supported_language", "requires",
}  # fmt: skip
_PATTERN_KEYS = {"name", "regex", "score"}


@dataclass(frozen=True)
class PatternSpec:
    name: str
    regex: str
    score: float


@dataclass(frozen=True)
class RecognizerSpec:
    """One validated recognizer from a pattern file."""

    name: str
    entity: str
    role: str
    patterns: tuple[PatternSpec, ...]
    deny_list: tuple[str, ...]
    allow_list: frozenset[str]
    context: tuple[str, ...]
    requires: tuple[str, ...]
    validator: str | None
    flags: int
    mode: str
    min_score: float | None
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]
    description: str
    file: str
    line: int | None


@dataclass(frozen=True)
class PatternSet:
    """All recognizers of a folder, checked as a whole: unique names, one role per entity."""

    recognizers: tuple[RecognizerSpec, ...]
    folder: Path


class _Checker:
    """Collects every error of one file so the admin fixes them in one pass."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.errors: list[ConfigError] = []

    def error(self, path: KeyPath, problem: str) -> None:
        line = self.doc.line_of(path)
        self.errors.append(ConfigError(self.doc.file, format_path(path), problem, line))

    def strings(self, value: Any, path: KeyPath) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.error(path, "expected a list of strings")
            return ()
        return tuple(str(v) for v in value)

    def recognizer(self, raw: Any, path: KeyPath) -> RecognizerSpec | None:
        if not isinstance(raw, dict):
            self.error(path, "expected a mapping with name, supported_entity, role, ...")
            return None
        before = len(self.errors)
        for key in raw:
            if key not in _KNOWN_KEYS:
                self.error((*path, key), f"unknown key; expected one of {sorted(_KNOWN_KEYS)}")
        name = self._required_str(raw, "name", path)
        entity = self._required_str(raw, "supported_entity", path)
        if entity and not _ENTITY.match(entity):
            self.error((*path, "supported_entity"), "use UPPER_SNAKE_CASE, e.g. STUDENT_ID")
        role = self._role(raw, path)
        flags = self._flags(raw.get("flags"), (*path, "flags"))
        patterns = self._patterns(raw.get("patterns"), (*path, "patterns"), flags)
        deny = self.strings(raw.get("deny_list"), (*path, "deny_list"))
        if not raw.get("patterns") and not deny:
            self.error(path, "give `patterns` (regexes) or a `deny_list` (terms) to match")
        context = self._context(raw.get("context"), (*path, "context"))
        validator = raw.get("validator")
        if validator is not None and validator not in VALIDATORS:
            self.error((*path, "validator"), f"unknown validator; known: {sorted(VALIDATORS)}")
        mode = raw.get("mode", "enforce")
        if mode not in ("enforce", "monitor"):
            self.error((*path, "mode"), "expected 'enforce' or 'monitor'")
        min_score = self._score(raw.get("min_score"), (*path, "min_score"), optional=True)
        if len(self.errors) > before:
            return None
        return RecognizerSpec(
            name=name, entity=entity, role=role, patterns=patterns, deny_list=deny,
            allow_list=frozenset(self.strings(raw.get("allow_list"), (*path, "allow_list"))),
            context=context, requires=self._context(raw.get("requires"), (*path, "requires")),
            validator=validator, flags=flags, mode=mode, min_score=min_score,
            examples=self.strings(raw.get("examples"), (*path, "examples")),
            counterexamples=self.strings(raw.get("counterexamples"), (*path, "counterexamples")),
            description=str(raw.get("description", "")), file=self.doc.file,
            line=self.doc.line_of(path),
        )  # fmt: skip

    def _required_str(self, raw: dict[str, Any], key: str, path: KeyPath) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            self.error((*path, key) if key in raw else path, f"`{key}` is required (a string)")
            return ""
        return value.strip()

    def _role(self, raw: dict[str, Any], path: KeyPath) -> str:
        role = raw.get("role")
        if role not in ROLES:
            where = (*path, "role") if "role" in raw else path
            self.error(where, f"`role` must be one of {sorted(ROLES)}")
            return ""
        return str(role)

    def _flags(self, value: Any, path: KeyPath) -> int:
        names = self.strings(value, path) if value is not None else DEFAULT_FLAGS
        flags = 0
        for name in names:
            if name.upper() not in FLAGS:
                self.error(path, f"unknown flag {name!r}; use names from {sorted(FLAGS)}")
            else:
                flags |= FLAGS[name.upper()]
        return flags

    def _score(self, value: Any, path: KeyPath, optional: bool = False) -> float | None:
        if value is None and optional:
            return None
        if not isinstance(value, int | float) or not 0 < float(value) <= 1:
            self.error(path, "expected a score between 0 and 1 (e.g. 0.5)")
            return None
        return float(value)

    def _patterns(self, value: Any, path: KeyPath, flags: int) -> tuple[PatternSpec, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(path, "expected a list of {name, regex, score}")
            return ()
        out = []
        for i, item in enumerate(value):
            spec = self._pattern(item, (*path, i), flags)
            if spec:
                out.append(spec)
        return tuple(out)

    def _pattern(self, item: Any, path: KeyPath, flags: int) -> PatternSpec | None:
        if not isinstance(item, dict):
            self.error(path, "expected a mapping {name, regex, score}")
            return None
        for key in item:
            if key not in _PATTERN_KEYS:
                self.error((*path, key), f"unknown key; expected one of {sorted(_PATTERN_KEYS)}")
        name = self._required_str(item, "name", path)
        rx = item.get("regex")
        if not isinstance(rx, str) or not rx:
            self.error(path, "`regex` is required (quote it in single quotes)")
            return None
        try:
            regex.compile(rx, flags)
        except regex.error as exc:
            self.error((*path, "regex"), f"invalid regex: {exc}")
            return None
        score = self._score(item.get("score"), (*path, "score"))
        if score is None:
            return None
        return PatternSpec(name, rx, score)

    def _context(self, value: Any, path: KeyPath) -> tuple[str, ...]:
        words = self.strings(value, path)
        return tuple(w.strip().lower() for w in words if w.strip())


def parse_file(doc: YamlDoc) -> tuple[list[RecognizerSpec], list[ConfigError]]:
    checker = _Checker(doc)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("recognizers"), list):
        checker.error((), "expected a top-level `recognizers:` list")
        return [], checker.errors
    for key in data:
        if key != "recognizers":
            checker.error((key,), "unknown top-level key; only `recognizers` is allowed")
    specs = []
    for i, raw in enumerate(data["recognizers"]):
        spec = checker.recognizer(raw, ("recognizers", i))
        if spec:
            specs.append(spec)
    return specs, checker.errors


def check_set(specs: list[RecognizerSpec]) -> list[ConfigError]:
    """Problems only visible across files: a duplicate name, an entity given two roles."""
    errors: list[ConfigError] = []
    names: dict[str, RecognizerSpec] = {}
    roles: dict[str, RecognizerSpec] = {}
    for spec in specs:
        if spec.name in names:
            first = names[spec.name]
            errors.append(
                ConfigError(
                    spec.file,
                    f"recognizer {spec.name!r}",
                    f"duplicate name (also at {first.file}:{first.line}); names must be unique",
                    spec.line,
                )
            )
        names.setdefault(spec.name, spec)
        other = roles.setdefault(spec.entity, spec)
        if other.role != spec.role:
            errors.append(
                ConfigError(
                    spec.file,
                    f"recognizer {spec.name!r}",
                    f"entity {spec.entity} has role {spec.role!r} here but {other.role!r} "
                    f"at {other.file}:{other.line}; one entity, one role",
                    spec.line,
                )
            )
    return errors


def load_patterns(folder: Path) -> PatternSet:
    """Load and validate every `*.yaml` in a folder; ConfigErrors lists all problems."""
    if not folder.is_dir():
        raise ConfigErrors([ConfigError(str(folder), "", "pattern folder not found")])
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        raise ConfigErrors([ConfigError(str(folder), "", "no pattern files (*.yaml) here")])
    specs: list[RecognizerSpec] = []
    errors: list[ConfigError] = []
    for file in files:
        try:
            file_specs, file_errors = parse_file(load_yaml(file))
        except ConfigError as exc:
            errors.append(exc)
            continue
        specs.extend(file_specs)
        errors.extend(file_errors)
    errors.extend(check_set(specs))
    if errors:
        raise ConfigErrors(errors)
    return PatternSet(tuple(specs), folder)
