"""`dlp serve` as a process: signals right after start-up, and no workers outliving it."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from .client import message, send
from .relay_process import RelayProcess, alive
from .sink import Sink
from .util import wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


def test_sighup_right_after_the_port_opens_reloads_instead_of_killing(
    sink: Sink, tmp_path: Path
) -> None:
    relay = RelayProcess(tmp_path, sink.port)
    try:
        end = time.monotonic() + 120
        while not relay.listening() and relay.proc.poll() is None and time.monotonic() < end:
            time.sleep(0.002)
        os.kill(relay.proc.pid, signal.SIGHUP)  # within milliseconds of the port opening
        reloaded = lambda: b"config reloaded" in relay.log.read_bytes()  # noqa: E731
        assert wait_until(lambda: reloaded() or relay.proc.poll() is not None, 60)
        assert reloaded(), relay.log.read_text()[-3000:]
        assert relay.proc.poll() is None
        assert send(relay.port, message()).final[0] == 250
    finally:
        relay.stop()


def test_killing_the_relay_leaves_no_worker_or_resource_tracker_behind(
    sink: Sink, tmp_path: Path
) -> None:
    relay = RelayProcess(tmp_path, sink.port, workers=2)
    try:
        relay.wait_listening()
        assert send(relay.port, message()).final[0] == 250
        children = relay.children()
        assert len(children) >= 3  # two workers and the resource tracker
        os.kill(relay.proc.pid, signal.SIGKILL)  # only the main process, as a crash would
        relay.proc.wait(30)
        assert wait_until(lambda: not any(alive(pid) for pid in children), 15), [
            pid for pid in children if alive(pid)
        ]
    finally:
        relay.stop()
