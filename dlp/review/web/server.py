"""Running the review side: the web UI on `review.listen`, and the quarantine sweeper.

`dlp serve` starts a `ReviewService` beside the relay on the same event loop;
`dlp quarantine web` runs the web UI alone. The sweeper sends the "held for
review" notices (claimed in the database, so several relays never send one
twice), keeps the quarantine gauges current and purges by retention hourly.
uvicorn runs embedded, without its own signal handling, so `dlp serve`'s
SIGTERM/SIGHUP handling stays in charge.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Generator

import uvicorn

from dlp.act.relay import Hop, Relay
from dlp.config import Settings
from dlp.metrics import Metrics
from dlp.quarantine import digest, notify, open_store
from dlp.quarantine.actions import Actions
from dlp.quarantine.store import SqlStore
from dlp.review.web.routes import build_app

log = logging.getLogger("dlp.review")

SWEEP_SECONDS = 5.0  # how soon a held message's sender hears about it
PURGE_SECONDS = 3600.0  # retention purge runs this often


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the host process owns the signals


class ReviewService:
    def __init__(
        self, settings: Settings, store: SqlStore, metrics: Metrics | None = None,
        web: bool = True, sweep: bool = True, sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.store = store
        self.relay = Relay(settings.relay.next_hop_timeout)
        self.actions = Actions(settings, store, self.relay)
        self.metrics = metrics
        self.web = web and bool(settings.review.listen)
        self.sweep = sweep
        self.sweep_seconds = sweep_seconds
        self._server: _EmbeddedServer | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._last_purge = 0.0

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.servers
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    async def start(self) -> None:
        if self.web:
            assert self.settings.review.listen is not None
            hop = Hop.parse(self.settings.review.listen)
            app = build_app(self.settings, self.store, self.actions)
            cfg = uvicorn.Config(app, host=hop.host, port=hop.port, log_config=None,
                                 access_log=False, lifespan="off", server_header=False,
                                 proxy_headers=False)  # fmt: skip
            self._server = _EmbeddedServer(cfg)
            self._tasks.append(asyncio.create_task(self._server.serve()))
            while not self._server.started:
                if self._tasks[0].done():
                    self._tasks[0].result()  # raises why it could not start
                    raise OSError(f"review web UI could not listen on {hop.host}:{hop.port}")
                await asyncio.sleep(0.02)
            log.info("review web UI listening", extra={"listen": self.settings.review.listen})
        if self.sweep:
            self._tasks.append(asyncio.create_task(self._sweeper()))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        for task in self._tasks[1 if self._server else 0 :]:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        self._tasks.clear()

    async def sweep_once(self) -> None:
        """Notices due, gauges, and (hourly) the retention purge; failures are logged only."""
        try:
            await notify.run_once(self.settings, self.store, self.relay)
            await digest.run_once(self.settings, self.store, self.relay)
            await self._gauges()
            if time.monotonic() - self._last_purge > PURGE_SECONDS or not self._last_purge:
                self._last_purge = time.monotonic()
                purged = await asyncio.to_thread(self.actions.purge, "system")
                if purged:
                    log.info("retention purge", extra={"purged": len(purged)})
        except Exception as exc:
            log.error("quarantine sweep failed", extra={"why": type(exc).__name__})

    async def _gauges(self) -> None:
        if self.metrics is None:
            return
        self.metrics.quarantine_size.set(await asyncio.to_thread(self.store.count))
        oldest = await asyncio.to_thread(self.store.oldest_held)
        self.metrics.quarantine_oldest.set(time.time() - oldest if oldest is not None else 0)

    async def _sweeper(self) -> None:
        while True:
            await self.sweep_once()
            await asyncio.sleep(self.sweep_seconds)


def run_alone(settings: Settings) -> int:
    """`dlp quarantine web`: the web UI only, until SIGTERM or Ctrl-C."""
    from dlp.receive import logs

    logs.setup()
    if not settings.review.listen:
        log.error("review.listen is not set; nothing to serve")
        return 2

    async def main() -> int:
        service = ReviewService(settings, open_store(settings), sweep=False)
        await service.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await service.stop()
        return 0

    return asyncio.run(main())
