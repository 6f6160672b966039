"""`dlp patterns publish`: checked like `patterns check`, stored once with who and when;
the store's leases; one-line errors when the shared database cannot be used."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from dlp.cli import main
from dlp.fleet.shared import SharedState
from dlp.fleet.wakeup import Listener
from dlp.quarantine.db import PostgresDatabase
from tests.conftest import ROOT
from tests.roster.conftest import STAFF_CSV, STUDENTS_CSV


def _config(tmp: Path, url: str) -> Path:
    path = tmp / "config.yaml"
    data = {"district": {"domains": ["westpark.k12.ca.us"]}, "quarantine": {"url": url},
            "node": {"name": "admin-host"}}  # fmt: skip
    path.write_text(yaml.safe_dump(data))
    return path


def _patterns(tmp: Path) -> Path:
    folder = tmp / "patterns"
    shutil.copytree(ROOT / "patterns", folder)
    return folder


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_broken_folder_is_refused_with_the_errors_of_patterns_check(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _patterns(tmp_path)
    with open(folder / "staff.yaml", "a") as f:
        f.write("  - name: [unclosed\n")
    config = str(_config(tmp_path, pg_url))
    assert main(["patterns", "check", str(folder), "--config", config, "--skip-examples"]) == 2
    checked = [x for x in capsys.readouterr().err.splitlines() if x.startswith("dlp: ")]
    assert main(["patterns", "publish", str(folder), "--config", config, "--skip-examples"]) == 2
    refused = capsys.readouterr().err.splitlines()
    assert checked and [x for x in refused if x.startswith("dlp: ")] == checked
    assert refused[-1].endswith("nothing published")
    shared = SharedState(PostgresDatabase(pg_url), "reader")
    shared.migrate()
    assert shared.heads().patterns is None


def test_publishing_records_who_when_and_from_which_host_once_per_version(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _patterns(tmp_path)
    config = str(_config(tmp_path, pg_url))
    args = ["patterns", "publish", str(folder), "--config", config, "--skip-examples"]
    assert main(args) == 0
    assert "published as patterns_version" in capsys.readouterr().out
    assert main(args) == 0
    assert "already the active set" in capsys.readouterr().out
    shared = SharedState(PostgresDatabase(pg_url), "reader")
    history = shared.pattern_history()
    assert len(history) == 1 and history[0].node == "admin-host" and history[0].by
    active = shared.active_patterns()
    assert active is not None and set(active[1]) == {p.name for p in folder.glob("*.yaml")}
    assert active[1]["student.yaml"] == (folder / "student.yaml").read_bytes()


def test_publishing_with_an_sqlite_store_says_it_needs_postgresql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, f"sqlite:///{tmp_path / 'q.db'}"))
    assert main(["patterns", "publish", str(_patterns(tmp_path)), "--config", config]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs a shared PostgreSQL store" in err[0]


def test_an_unreachable_database_is_one_line_for_publish_and_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, f"postgresql://dlp@127.0.0.1:{_closed_port()}/postgres"))
    folder = str(_patterns(tmp_path))
    assert main(["patterns", "publish", folder, "--config", config, "--skip-examples"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dlp: store unavailable: cannot connect")
    assert main(["quarantine", "list", "--config", config]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "quarantine store" in err[0] and "unavailable" in err[0]


def test_one_node_holds_the_gauge_lease_until_it_lapses(pg_url: str) -> None:
    a = SharedState(PostgresDatabase(pg_url), "node-a")
    b = SharedState(PostgresDatabase(pg_url), "node-b")
    a.migrate()
    assert a.hold_lease("gauges", 0.5) is True
    assert b.hold_lease("gauges", 0.5) is False
    assert a.hold_lease("gauges", 0.5) is True  # renewed by its holder
    time.sleep(0.6)
    assert b.hold_lease("gauges", 0.5) is True
    assert a.hold_lease("gauges", 0.5) is False


def test_a_shared_roster_import_keeps_the_population_not_given_and_reports_its_status(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    data = yaml.safe_load(_config(tmp_path, pg_url).read_text())
    data["roster"] = {"store": pg_url, "key_file": str(tmp_path / "roster.key")}
    config.write_text(yaml.safe_dump(data))
    students, staff = tmp_path / "students.csv", tmp_path / "staff.csv"
    students.write_text(STUDENTS_CSV, encoding="utf-8")
    staff.write_text(STAFF_CSV, encoding="utf-8")
    assert main(["roster", "import", "--config", str(config), "--students", str(students)]) == 0
    assert main(["roster", "import", "--config", str(config), "--staff", str(staff)]) == 0
    capsys.readouterr()
    assert main(["roster", "status", "--config", str(config), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["store"].startswith("shared roster ") and status["students"] == 6
    assert status["staff"] == 2


def test_a_publish_wakes_listening_nodes_at_once(pg_url: str) -> None:
    woken = threading.Event()
    listener = Listener(pg_url, woken.set)
    listener.start()
    try:
        shared = SharedState(PostgresDatabase(pg_url), "admin-host")
        shared.migrate()
        assert woken.wait(30)  # connected and listening: it wakes once to catch up
        woken.clear()
        assert not woken.wait(1.5)  # nothing published: no wake-up
        shared.publish_patterns("feedc0ffee00", {"x.yaml": b"recognizers: []\n"})
        assert woken.wait(10)
    finally:
        listener.stop()
