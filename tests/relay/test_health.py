"""/healthz says what this node runs and whether its store answers; versions also as labels."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .client import message, send
from .util import AppThread, free_port, wait_until


def _healthz(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as reply:
        assert reply.status == 200 and reply.headers["Content-Type"] == "application/json"
        return dict(json.loads(reply.read()))


def test_healthz_reports_node_store_and_content_versions(
    start_relay: Callable[..., AppThread], tmp_path: Path
) -> None:
    port = free_port()
    start_relay(metrics={"listen": f"127.0.0.1:{port}"}, node={"name": "relay-7"})
    health = _healthz(port)
    assert health["status"] == "ok" and health["store"] == "ok" and health["accepting"] is True
    assert health["node"] == "relay-7" and health["patterns_source"] == "local"
    for key in ("config_version", "patterns_version", "roster_version"):
        assert len(health[key]) == 12 or health[key] == "none"
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read().decode()
    assert (
        f'dlp_build_info{{config_version="{health["config_version"]}",node="relay-7",'
        f'patterns_version="{health["patterns_version"]}",roster_version="none"'
    ) in text
    assert "dlp_store_up 1.0" in text
    assert "dlp_quarantine_messages 0.0" in text  # one node with SQLite: it exports the gauge


def test_healthz_says_degraded_while_the_store_fails(
    start_relay: Callable[..., AppThread], tmp_path: Path
) -> None:
    port = free_port()
    app = start_relay(metrics={"listen": f"127.0.0.1:{port}"}, detection={"poll_seconds": 0.2})
    url = app.app.settings.quarantine.url or ""
    db = Path(url.removeprefix("sqlite:///"))
    away = db.with_suffix(".away")
    db.rename(away)  # a folder where the database was: every connection fails
    for _ in range(100):  # the relay may reconnect in between, creating an empty database
        try:
            db.mkdir()
            break
        except FileExistsError:
            db.unlink()
    try:
        assert wait_until(lambda: _healthz(port)["store"] == "unavailable", timeout=30)
        assert _healthz(port)["status"] == "degraded" and _healthz(port)["accepting"] is True
    finally:
        db.rmdir()
        away.rename(db)
    assert wait_until(lambda: _healthz(port)["store"] == "ok", timeout=30)


def test_each_message_is_logged_with_its_message_id_and_node(
    start_relay: Callable[..., AppThread], caplog: pytest.LogCaptureFixture
) -> None:
    app = start_relay(node={"name": "relay-7"})
    caplog.set_level(logging.INFO, logger="dlp")
    assert send(app.port, message()).final[0] == 250
    lines = [r for r in caplog.records if r.getMessage() == "message relayed"]
    assert [(r.message_id, r.node) for r in lines] == [("<t1@westpark.k12.ca.us>", "relay-7")]
