"""Config and pattern files: a mistake is reported with file, line, key path and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp import config
from dlp.detect.patterns import load_patterns
from dlp.errors import ConfigErrors
from tests.conftest import ROOT, WESTPARK_CONFIG


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(ConfigErrors) as info:
        config.load(path)
    return [str(e) for e in info.value.errors]


def test_shipped_default_config_loads_and_uses_shipped_patterns() -> None:
    settings = config.load(None)
    assert settings.district.domains == ("westpark.k12.ca.us",)
    assert settings.patterns == ROOT / "patterns"


def test_unknown_key_names_file_line_and_key_path(tmp_path: Path) -> None:
    path = write(tmp_path, WESTPARK_CONFIG.replace("  bulk_threshold: 10", "  bulk_treshold: 10"))
    [error] = errors_of(path)
    line = WESTPARK_CONFIG.splitlines().index("  bulk_threshold: 10") + 1
    assert error.startswith(f"{path}:{line}: policy.bulk_treshold: unknown key")


def test_wrong_type_is_reported_with_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, WESTPARK_CONFIG.replace("bulk_threshold: 10", "bulk_threshold: ten"))
    [error] = errors_of(path)
    assert "policy.bulk_threshold" in error and "integer" in error


def test_missing_required_district_domains(tmp_path: Path) -> None:
    path = write(tmp_path, "district:\n  name: X\n")
    assert any("district.domains: required value is missing" in e for e in errors_of(path))


def test_authorized_entry_needs_exactly_one_target(tmp_path: Path) -> None:
    bad = WESTPARK_CONFIG.replace("    - domain: sis-vendor.example", "    - encryption: tls")
    errors = errors_of(write(tmp_path, bad))
    assert any("recipients.authorized[1]" in e and "exactly one of" in e for e in errors)


def test_invalid_encryption_value(tmp_path: Path) -> None:
    bad = WESTPARK_CONFIG.replace("encryption: tls", "encryption: ssl")
    assert any("recipients.authorized[0].encryption" in e for e in errors_of(write(tmp_path, bad)))


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, "district:\n  domains: [a.org\npolicy: {}\n")
    [error] = errors_of(path)
    assert error.startswith(f"{path}:") and "invalid YAML" in error


def test_relative_patterns_path_is_relative_to_config_file(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    settings = config.load(write(tmp_path, WESTPARK_CONFIG + "patterns: mine/\n"))
    assert settings.patterns == (tmp_path / "mine").resolve()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///var/lib/dlp/quarantine.db", "/var/lib/dlp/quarantine.db"),
        ("sqlite:////var/lib/dlp/quarantine.db", "/var/lib/dlp/quarantine.db"),
    ],
)
def test_sqlite_quarantine_url_with_slashes_is_an_absolute_path(
    tmp_path: Path, url: str, path: str
) -> None:
    settings = config.load(write(tmp_path, WESTPARK_CONFIG + f"quarantine: {{url: '{url}'}}\n"))
    assert settings.quarantine.url == f"sqlite:///{path}"


def test_sqlite_quarantine_url_without_slashes_is_relative_to_config_file(tmp_path: Path) -> None:
    settings = config.load(write(tmp_path, WESTPARK_CONFIG + "quarantine: {url: 'sqlite:q.db'}\n"))
    assert settings.quarantine.url == f"sqlite:///{(tmp_path / 'q.db').resolve()}"


PATTERN_OK = """recognizers:
  - name: district_b_id
    supported_entity: DISTRICT_B_ID
    role: student_id
    patterns:
      - name: b id
        regex: 'B\\\\d{6}'
        score: 0.2
    context: [student id]
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("role: student_id", "role: kid_id"), "`role` must be one of"),
        (("regex: 'B\\\\d{6}'", "regex: 'B(\\\\d{6}'"), "invalid regex"),
        (("score: 0.2", "score: 2"), "expected a score between 0 and 1"),
        (("DISTRICT_B_ID", "district-b-id"), "UPPER_SNAKE_CASE"),
        (
            ("    context: [student id]", "    context: [student id]\n    validator: mod97"),
            "unknown validator",
        ),
        (("    context: [student id]", "    context: [student id]\n    flagz: [X]"), "unknown key"),
        (
            ("    context: [student id]", "    context: [student id]\n    flags: [VERBOSE]"),
            "unknown flag",
        ),
    ],
)
def test_pattern_file_errors_name_file_line_and_fix(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    write(tmp_path, PATTERN_OK.replace(*edit), "ids.yaml")
    with pytest.raises(ConfigErrors) as info:
        load_patterns(tmp_path)
    [error] = info.value.errors
    assert error.file.endswith("ids.yaml") and error.line is not None
    assert message in str(error)


def test_duplicate_recognizer_names_are_refused(tmp_path: Path) -> None:
    write(tmp_path, PATTERN_OK, "a.yaml")
    write(tmp_path, PATTERN_OK, "b.yaml")
    with pytest.raises(ConfigErrors, match="duplicate name"):
        load_patterns(tmp_path)


def test_one_entity_cannot_have_two_roles(tmp_path: Path) -> None:
    write(tmp_path, PATTERN_OK, "a.yaml")
    write(
        tmp_path,
        PATTERN_OK.replace("district_b_id", "other").replace("role: student_id", "role: contact"),
        "b.yaml",
    )
    with pytest.raises(ConfigErrors, match="one entity, one role"):
        load_patterns(tmp_path)


def test_all_errors_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        PATTERN_OK.replace("role: student_id", "role: x").replace("score: 0.2", "score: 9"),
        "a.yaml",
    )
    with pytest.raises(ConfigErrors) as info:
        load_patterns(tmp_path)
    assert len(info.value.errors) == 2
