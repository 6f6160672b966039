"""POLICY.md section 3: a subject tag counts as encryption only when a gateway is configured."""

from __future__ import annotations

import json
from pathlib import Path

from dlp import config
from dlp.model import Envelope, Verdict
from dlp.pipeline import Scanner
from tests.conftest import ROOT, WESTPARK_CONFIG, make_message
from tests.core.test_cli import dlp

IEP = (
    "Here is the IEP progress report for Jacob Martinez, grade 5 student at Sunrise "
    "Elementary. His 504 accommodations (extended time, preferential seating) continue.\n"
)
NO_GATEWAY = WESTPARK_CONFIG.replace("relay:\n  encrypt_next_hop: 127.0.0.1:10027\n", "")


def _scanner_without_gateway(scanner: Scanner, tmp_path: Path) -> Scanner:
    assert "encrypt_next_hop" not in NO_GATEWAY
    path = tmp_path / "config.yaml"
    path.write_text(NO_GATEWAY + f"patterns: {ROOT / 'patterns'}\n")
    return Scanner(config.load(path), detector=scanner.detector)


def test_tagged_sensitive_mail_to_an_authorized_party_bounces_without_a_gateway(
    scanner: Scanner, tmp_path: Path
) -> None:
    plain = _scanner_without_gateway(scanner, tmp_path)
    raw = make_message(IEP, subject="[secure] IEP report", to="records@lincoln-usd.k12.ca.us")
    env = Envelope("pteacher@westpark.k12.ca.us", ("records@lincoln-usd.k12.ca.us",))
    result = plain.scan(raw, env)
    assert result.decision.verdict is Verdict.BOUNCE
    text = result.decision.reasons[0].text
    assert "[secure]" not in text and "S/MIME" in text
    assert scanner.scan(raw, env).decision.verdict is Verdict.PASS  # with the gateway


def test_config_check_warns_naming_the_gateway_key_when_tags_have_no_gateway(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(NO_GATEWAY + f"patterns: {ROOT / 'patterns'}\n")
    assert any("relay.encrypt_next_hop" in w for w in config.warnings(config.load(path)))
    out = dlp("config", "check", str(path))
    assert out.returncode == 0
    assert "warning" in out.stderr and "relay.encrypt_next_hop" in out.stderr
    data = json.loads(dlp("config", "check", "--json", str(path)).stdout)
    assert any("relay.encrypt_next_hop" in w for w in data["warnings"])
    (tmp_path / "gw.yaml").write_text(WESTPARK_CONFIG + f"patterns: {ROOT / 'patterns'}\n")
    assert config.warnings(config.load(tmp_path / "gw.yaml")) == []
