"""Review fixtures: the quarantine backends, and the web UI running on its own loop thread."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from quarantine.conftest import backend, make_settings, pg_url, settings, sink, store
from relay.util import free_port

from dlp.config import Settings
from dlp.metrics import Metrics
from dlp.quarantine import SqlStore
from dlp.quarantine.accounts import Accounts
from dlp.review.web.server import ReviewService

__all__ = ["backend", "make_settings", "pg_url", "settings", "sink", "store"]

PASSWORD = "correct horse battery staple"


class LoopThread:
    """An event loop on a thread, as `dlp serve` runs the review service beside the relay."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro: Any, timeout: float = 60) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        if not self.thread.is_alive():
            self.loop.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every browser test (starting one costs seconds)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("chromium and chromium-driver are not installed")
    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    b = webdriver.Chrome(service=Service(driver), options=options)
    yield b
    b.quit()


@pytest.fixture
def web(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., tuple[str, SqlStore]]]:
    """start(**sections) → (base URL, store) with users `pat` (reviewer), `ada` (admin)."""
    started: list[tuple[LoopThread, ReviewService]] = []

    def start(**sections: Any) -> tuple[str, SqlStore]:
        from dlp.quarantine import open_store

        review = {"listen": f"127.0.0.1:{free_port()}", **sections.pop("review", {})}
        settings = make_settings(review=review, **sections)
        start.settings = settings  # type: ignore[attr-defined]  # for CLI steps in a test
        store = open_store(settings)
        accounts = Accounts(store.db)
        accounts.add("pat", "reviewer", PASSWORD)
        accounts.add("ada", "admin", PASSWORD)
        loop = LoopThread()
        service = ReviewService(settings, store, Metrics(), sweep=False)
        loop.call(service.start())
        started.append((loop, service))
        return f"http://127.0.0.1:{service.port}", store

    yield start
    for loop, service in started:
        loop.call(service.stop())
        loop.close()
