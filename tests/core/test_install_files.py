"""The shipped install files agree with each other: config, systemd unit, set-up script, README."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from dlp import config
from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "systemd" / "dlp.service"
SERVER_CONFIG = ROOT / "deploy" / "etc" / "config.yaml"


def _unit() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read_string(UNIT.read_text())
    return parser["Service"]


def test_the_server_config_sets_patterns_and_a_quarantine_the_unit_may_write() -> None:
    settings = config.load(SERVER_CONFIG)
    assert settings.patterns == Path("/etc/dlp/patterns")
    assert settings.quarantine.url == "sqlite:////var/lib/dlp/quarantine.db"
    writable = _unit()["ReadWritePaths"].split()
    assert any(str(settings.quarantine.dir).startswith(w) for w in writable)
    assert not any("patterns:" in w for w in config.warnings(settings))


def test_the_unit_runs_the_venv_and_config_that_setup_and_the_readme_create() -> None:
    exec_start = _unit()["ExecStart"]
    assert exec_start == "/opt/dlp/.venv/bin/dlp serve --config /etc/dlp/config.yaml"
    setup = (ROOT / "scripts" / "setup").read_text()
    for made in ("useradd --system", "/etc/dlp/config.yaml", "/etc/dlp/patterns", "/var/lib/dlp",
                 "deploy/systemd/dlp.service", "deploy/etc/config.yaml"):  # fmt: skip
        assert made in setup, made
    readme = (ROOT / "README.md").read_text()
    assert "/opt/dlp/scripts/setup --production" in readme
    assert "dlp quarantine user add" in readme and "journalctl -u dlp" in readme


def test_readme_and_docs_link_only_inside_the_repository() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)", doc.read_text()):
            if target.startswith(("http://", "https://")):
                continue
            resolved = (doc.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{doc.name}: {target}"
