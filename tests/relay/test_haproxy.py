"""The shipped HAProxy example in front of two relays: health checks steer mail.

The example config from deploy/haproxy is used as shipped, with only the
addresses replaced by the test's loopback ports.
"""

from __future__ import annotations

import re
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

from .client import message, send
from .conftest import need
from .util import AppThread, free_port, wait_until

EXAMPLE = ROOT / "deploy" / "haproxy" / "haproxy.cfg"


def _relayed(app: AppThread) -> float:
    labels = {"verdict": "pass", "action": "relayed"}
    return app.app.metrics.registry.get_sample_value("dlp_messages_total", labels) or 0.0


def test_the_example_config_is_valid() -> None:
    haproxy = need("haproxy")
    check = subprocess.run([haproxy, "-c", "-f", str(EXAMPLE)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def balanced(
    start_relay: Callable[..., AppThread], tmp_path: Path
) -> Iterator[tuple[int, list[AppThread], Path]]:
    """Two relays behind HAProxy: (HAProxy's port, the relays, HAProxy's log)."""
    haproxy = need("haproxy")
    relays = [start_relay(metrics={"listen": f"127.0.0.1:{free_port()}"}) for _ in range(2)]
    port = free_port()
    servers = "\n".join(
        f"    server relay{i} 127.0.0.1:{r.port} check port "
        f"{str(r.app.settings.metrics.listen).rsplit(':', 1)[1]}"
        for i, r in enumerate(relays, 1)
    )
    text = EXAMPLE.read_text().replace("bind 127.0.0.1:10025", f"bind 127.0.0.1:{port}")
    text = re.sub(r"(    server relay\d .*\n)+", servers + "\n", text)
    text = text.replace("inter 2s fall 2 rise 2", "inter 200ms fall 2 rise 2")
    cfg, log = tmp_path / "haproxy.cfg", tmp_path / "haproxy.log"
    cfg.write_text(text)
    with open(log, "wb") as out:
        proc = subprocess.Popen([haproxy, "-db", "-f", str(cfg)], stdout=out, stderr=out)
    try:
        assert wait_until(lambda: _listening(port), 30), log.read_text()
        yield port, relays, log
    finally:
        proc.terminate()
        proc.wait(10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_draining_relay_is_taken_out_and_the_other_takes_the_mail(
    balanced: tuple[int, list[AppThread], Path],
) -> None:
    port, (one, two), log = balanced
    for _ in range(4):
        assert send(port, message()).final[0] == 250
    assert _relayed(one) + _relayed(two) == 4
    one.app.gate.draining = True  # what SIGTERM does: /healthz answers 503
    assert wait_until(lambda: "relay1 is DOWN" in log.read_text(), 30), log.read_text()
    before = _relayed(two)
    for _ in range(4):
        assert send(port, message()).final[0] == 250
    assert _relayed(two) == before + 4
    one.app.gate.draining = False
    assert wait_until(lambda: "relay1 is UP" in log.read_text(), 30), log.read_text()
