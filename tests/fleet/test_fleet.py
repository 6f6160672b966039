"""Two relays as one: publish once and both follow; versions agree; outages degrade, not kill."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import psycopg
import pytest

from dlp.cli import main
from dlp.fleet.shared import SharedState
from dlp.quarantine.db import PostgresDatabase
from tests.conftest import ROOT
from tests.fleet.conftest import node_sections
from tests.fleet.nodes import Node, wait_for
from tests.fleet.proxy import TcpProxy
from tests.relay.client import message, send
from tests.relay.sink import Sink
from tests.roster.conftest import STUDENTS_CSV

# A published set restarts the scan workers (spaCy loads again): seconds on an idle machine,
# more on a loaded one; the wait is generous so that only a node that never follows fails.
FOLLOW_SECONDS = 240

BADGE_FILE = """\
recognizers:
  - name: locker_badge
    supported_entity: LOCKER_BADGE
    role: high_risk_id
    description: A badge number only the published set knows.
    patterns:
      - name: badge
        regex: '(?<![\\w-])BADGE-\\d{6}(?![\\w-])'
        score: 0.9
    examples: ['the code is BADGE-482913']
    counterexamples: ['BADGE-12']
"""
BADGE_MAIL = message("Locker", "The locker code is BADGE-482913, thanks.")
ROSTER_MAIL = message("Today", "Jacob Martinez was suspended for fighting.")
CLEAN_MAIL = message("Lunch", "See you at noon in the cafeteria.")
SSN_MAIL = message("Form", "Her SSN: 536-22-8745 for the insurance form.")


def outcome(node: Node, data: bytes) -> str:
    code, text = send(node.port, data).final
    if code == 250 and "relayed" in text:
        return "relayed"
    if code == 250 and "held for review" in text:
        return "held"
    return f"{code} {text}"


def admin_config(tmp: Path, pg_url: str, fleet_home: Path, sink: Sink) -> Path:
    import yaml

    data = {"district": {"domains": ["westpark.k12.ca.us"]}, "node": {"name": "admin"},
            **node_sections(fleet_home, pg_url, sink)}  # fmt: skip
    path = tmp / "admin.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def versions(node: Node) -> tuple[str, str, str]:
    h = node.healthz() or {}
    return h.get("config_version", ""), h.get("patterns_version", ""), h.get("roster_version", "")


def test_one_publish_and_one_roster_import_change_verdicts_on_both_nodes(
    nodes: tuple[Node, Node], pg_url: str, fleet_home: Path, sink: Sink, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    a, b = nodes
    va, vb = versions(a), versions(b)
    assert va[0] == vb[0]  # configured alike: ports, names and paths do not count
    assert va[1] != vb[1]  # the hand-kept folders differ by one comment
    for node in nodes:
        assert outcome(node, BADGE_MAIL) == "relayed"
        assert outcome(node, ROSTER_MAIL) == "relayed"

    folder = tmp_path / "published"
    shutil.copytree(ROOT / "patterns", folder)
    (folder / "badges.yaml").write_text(BADGE_FILE)
    config = admin_config(tmp_path, pg_url, fleet_home, sink)
    assert main(["patterns", "publish", str(folder), "--config", str(config), "--json"]) == 0
    published = re.search(r'"patterns_version": "(\w+)"', capsys.readouterr().out)
    assert published is not None
    for node in nodes:
        wait_for(lambda n=node: versions(n)[1] == published[1], FOLLOW_SECONDS, "publish", node)
    assert versions(a) == versions(b)
    assert {(n.healthz() or {}).get("patterns_source") for n in nodes} == {"published"}
    for node in nodes:
        assert outcome(node, BADGE_MAIL) == "held"

    students = tmp_path / "students.csv"
    students.write_text(STUDENTS_CSV, encoding="utf-8")
    assert main(["roster", "import", "--config", str(config), "--students", str(students)]) == 0
    assert "shared roster" in capsys.readouterr().out
    for node in nodes:
        wait_for(lambda n=node: versions(n)[2] not in ("", "none"), FOLLOW_SECONDS, "roster", node)
    assert versions(a) == versions(b)
    for node in nodes:
        assert outcome(node, ROSTER_MAIL) == "held"


def test_the_database_wide_gauge_comes_from_one_node_and_records_name_theirs(
    nodes: tuple[Node, Node], pg_url: str
) -> None:
    for node in nodes:  # two different messages: the same one twice is one record
        assert outcome(node, SSN_MAIL.replace(b"Form", node.name.encode())) == "held"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        held = conn.execute("SELECT count(*) FROM quarantine WHERE status = 'held'").fetchone()
        writers = {r[0] for r in conn.execute("SELECT node FROM quarantine").fetchall()}
    assert held is not None and writers == {"node-a", "node-b"}

    def exported(name: str) -> list[float]:
        found = [re.search(rf"^{name} (\S+)$", n.metrics(), re.M) for n in nodes]
        return [float(m[1]) for m in found if m]

    count = "dlp_quarantine_messages"
    wait_for(lambda: exported(count) == [float(held[0])], 30, "one node to export the held count")

    def oldest_once() -> bool:  # and one node the oldest message's age, at its next sweep
        ages = exported("dlp_quarantine_oldest_age_seconds")
        return len(ages) == 1 and ages[0] > 0

    wait_for(oldest_once, 30, "one node to export the oldest message's age")
    flags = [(n.healthz() or {}).get("exports_database_gauges") for n in nodes]
    assert sorted(flags) == [False, True]
    for node in nodes:
        assert f'node="{node.name}"' in node.metrics()  # dlp_build_info carries the versions


def test_a_store_outage_shows_in_healthz_and_clean_mail_still_flows(
    nodes: tuple[Node, Node], proxy: TcpProxy
) -> None:
    for node in nodes:
        assert (node.healthz() or {}).get("store") == "ok"
    proxy.cut()
    try:
        for node in nodes:
            wait_for(lambda n=node: (n.healthz() or {}).get("store") == "unavailable", 30,
                     "the outage to show", node)  # fmt: skip
            health = node.healthz() or {}
            assert health["status"] == "degraded" and health["accepting"] is True
            assert outcome(node, CLEAN_MAIL) == "relayed"
            assert outcome(node, SSN_MAIL).startswith("451 4.3.0")
    finally:
        proxy.restore()
    for node in nodes:
        wait_for(lambda n=node: (n.healthz() or {}).get("status") == "ok", 30, "recovery", node)
        assert outcome(node, SSN_MAIL) == "held"


def test_a_node_starts_during_a_database_outage_and_follows_when_it_returns(
    nodes: tuple[Node, Node], proxy: TcpProxy, pg_url: str, fleet_home: Path, sink: Sink
) -> None:
    proxy.cut()
    c = Node(fleet_home / "c", "node-c", node_sections(fleet_home, proxy.url(pg_url), sink))
    try:
        c.launch().ready()
        health = c.healthz() or {}
        assert health["store"] == "unavailable" and health["status"] == "degraded"
        assert health["patterns_source"] == "local"  # nothing cached here yet: its own folder
        assert outcome(c, CLEAN_MAIL) == "relayed"
        assert outcome(c, SSN_MAIL).startswith("451 4.3.0")
        proxy.restore()
        a = nodes[0]
        wait_for(lambda: versions(c) == versions(a), FOLLOW_SECONDS, "node c to follow", c)
        assert (c.healthz() or {})["store"] == "ok"
        assert outcome(c, BADGE_MAIL) == "held"
    finally:
        proxy.restore()
        c.stop()


def test_a_broken_set_in_the_database_is_refused_and_the_running_set_kept(
    nodes: tuple[Node, Node], pg_url: str
) -> None:
    """Published by hand or by an older dlp, unchecked: nodes refuse it like a bad SIGHUP."""
    before = [versions(n) for n in nodes]
    files = {"student.yaml": b"recognizers:\n  - name: [unclosed\n"}
    SharedState(PostgresDatabase(pg_url), "by-hand").publish_patterns("0badc0ffee00", files)
    for node in nodes:
        wait_for(lambda n=node: "published pattern set refused" in n.log.read_text(),
                 FOLLOW_SECONDS, "the refusal", node)  # fmt: skip
    assert [versions(n) for n in nodes] == before
    for node in nodes:
        assert outcome(node, BADGE_MAIL.replace(b"Locker", b"Again")) == "held"
