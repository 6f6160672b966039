"""Fixtures for the relay suite: a recording next hop, and `dlp serve` run in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dlp.receive.pool import ProcessScanPool
from dlp.serve import RelayApp

from .fakes import FACTORY
from .sink import Sink
from .util import AppThread, InlineScanning, free_port, load_settings


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    s = Sink(free_port())
    s.start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _fresh_sink(request: pytest.FixtureRequest) -> None:
    if "sink" in request.fixturenames:
        request.getfixturevalue("sink").reset()


@pytest.fixture
def start_relay(tmp_path: Path, sink: Sink) -> Iterator[Callable[..., AppThread]]:
    """Start `dlp serve` in-process; `pool=True` uses real worker processes."""
    started: list[AppThread] = []

    def start(
        pool: bool = False, relay: dict[str, Any] | None = None, **sections: Any
    ) -> AppThread:
        relay = {"next_hop": f"127.0.0.1:{sink.port}", **(relay or {})}
        settings = load_settings(tmp_path, relay, **sections)
        scanning: Any = ProcessScanPool(settings, FACTORY) if pool else InlineScanning(settings)
        app = AppThread(RelayApp(settings, scanning=scanning)).start()
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


def need(binary: str) -> str:
    path = shutil.which(binary) or (
        f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None
    )
    if path is None:
        pytest.skip(f"{binary} is not installed")
    return path
