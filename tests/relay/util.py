"""Helpers for relay tests: free ports, settings files, running `RelayApp` on a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import yaml

from dlp import config
from dlp.config import Settings
from dlp.receive.scanning import ScanFailed, ScanSummary
from dlp.serve import RelayApp

from .fakes import MarkerScanner

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_settings(folder: Path, relay: dict[str, Any] | None = None, **sections: Any) -> Path:
    """A config file for tests: loopback ports, quarantine in `folder`, shipped policy."""
    data: dict[str, Any] = {
        "district": {"name": "West Park School District", "domains": ["westpark.k12.ca.us"]},
        "recipients": {
            "authorized": [
                {"domain": "cde.ca.gov", "encryption": "tls"},
                {"address": "records@lincoln-usd.k12.ca.us"},
            ]
        },
        "relay": {
            "listen": f"127.0.0.1:{free_port()}",
            "next_hop": "127.0.0.1:9",
            "workers": 2,
            "message_timeout": 20,
            "next_hop_timeout": 10,
            **(relay or {}),
        },
        "metrics": {"listen": None},
        "quarantine": {"url": f"sqlite:///{folder / 'q.db'}", "dir": str(folder / "held")},
    }
    data.update(sections)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def load_settings(folder: Path, relay: dict[str, Any] | None = None, **sections: Any) -> Settings:
    return config.load(write_settings(folder, relay, **sections))


def wait_until(check: Callable[[], bool], timeout: float = 30, interval: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(interval)
    return check()


class InlineScanning:
    """`Scanning` without processes, for tests about the relay's IO side (fast to start)."""

    def __init__(self, settings: Settings, fail: Exception | None = None) -> None:
        self.scanner = MarkerScanner(settings)
        self.fail = fail
        self.calls = 0

    async def scan(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> ScanSummary:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        if b"RAISE" in raw:
            raise ScanFailed("crash", "ValueError")
        return self.scanner.scan(raw, None)

    async def reload(self, settings: Settings) -> None:
        self.scanner = MarkerScanner(settings)

    def close(self) -> None:
        pass


class AppThread:
    """Runs a `RelayApp` on its own event loop thread, as `dlp serve` would run it."""

    def __init__(self, app: RelayApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def call(self, coro: Any, timeout: float = 120) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result(timeout)

    def start(self) -> AppThread:
        self.thread.start()
        self.call(self.app.start())
        return self

    @property
    def port(self) -> int:
        return self.app.port

    def stop(self) -> None:
        try:
            self.call(self.app.shutdown(grace=10))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            if not self.thread.is_alive():
                self.loop.close()
