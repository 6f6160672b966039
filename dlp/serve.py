"""`dlp serve`: the relay Postfix hands outbound mail to, with its metrics endpoint.

`RelayApp` wires the parts (scan pool, quarantine store, next-hop relay,
aiosmtpd server, metrics) so tests can run it in-process with seams swapped;
`run(settings)` is the command: it handles SIGTERM (finish in-flight
messages, answer new sessions `421 4.3.2`) and SIGHUP (reload the config and
patterns; a bad file keeps the old set, logs why and counts it).  With
`detection.watch_patterns` an edit of a pattern file triggers the same reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from pathlib import Path
from typing import Any

from dlp import config
from dlp.act.relay import Hop, Relay
from dlp.config import Settings
from dlp.detect.patterns import PatternSet
from dlp.errors import ConfigErrors, DlpError
from dlp.fleet import versions
from dlp.fleet.node import FleetNode
from dlp.metrics import Metrics, serve_http
from dlp.quarantine import QuarantineStore, open_store
from dlp.receive import logs, patterns_live
from dlp.receive.handler import Handler
from dlp.receive.pool import ProcessScanPool
from dlp.receive.process import Processor
from dlp.receive.scanning import Scanning
from dlp.receive.server import DlpSMTP, Gate, wait_idle

log = logging.getLogger("dlp.serve")

TRANSFER_ALLOWANCE = 300  # seconds a client may take to send DATA, on top of our deadlines
# Idle connections kept open to the next hop for the next messages (each holds one of
# Postfix's smtpd processes for at most a couple of seconds; its default limit is 100).
NEXT_HOP_CONNECTIONS = 8


class RelayApp:
    def __init__(
        self,
        settings: Settings,
        scanning: Scanning | None = None,
        store: QuarantineStore | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        # a relay starts during a database outage: clean mail needs no store
        self.store: QuarantineStore = store or open_store(settings, defer_migration=True)
        self.fleet = FleetNode(settings, self.store)
        settings = self.fleet.startup_settings(settings, patterns_live.validate)
        self.settings = settings
        # workers read an accepted snapshot of the patterns, never the folder being edited
        self.snapshots = patterns_live.Snapshots()
        self.patterns = patterns_live.validate(settings)
        self.patterns_version = versions.patterns_version(settings.patterns)
        self.scanning: Scanning = scanning or ProcessScanPool(self.snapshots.take(settings))
        self.metrics = metrics or Metrics()
        self.metrics.quarantine_size.exported = self.fleet.exports_gauges
        self.metrics.quarantine_oldest.exported = self.fleet.exports_gauges
        self.metrics.store_up.set_function(lambda: int(self.fleet.health.ok))
        self.metrics.build_info.labels = self.version_labels
        self.gate = Gate(settings.relay.max_sessions)
        self.gate.configure(settings.relay)
        self.gate.on_refused = lambda why: self.metrics.refused_sessions.labels(why).inc()
        self.metrics.sessions.set_function(lambda: len(self.gate.sessions))
        self.hostname = socket.getfqdn()
        self.relay = Relay(
            settings.relay.next_hop_timeout, helo=self.hostname, keep_open=NEXT_HOP_CONNECTIONS
        )
        self.processor = Processor(
            lambda: self.settings,
            self.scanning,
            self.relay,
            self.store,
            self.metrics,
            self.hostname,
        )
        self.handler = Handler(self.processor, self.gate)
        self._smtp: asyncio.Server | None = None
        self._http: asyncio.Server | None = None
        if isinstance(self.scanning, ProcessScanPool):
            self.scanning.on_rebuild = self.metrics.pool_rebuilds.inc
            self.scanning.on_renew = self.metrics.worker_renewals.inc
            self.metrics.worker_rss.set_function(self.scanning.largest_worker_rss)
        self._count_patterns()
        self._reloading = asyncio.Lock()
        self.watcher = patterns_live.Watcher(
            lambda: self.settings.patterns,
            lambda: self.settings.detection.watch_patterns,
            lambda: self.reload("watch"),
        )

    @property
    def port(self) -> int:
        assert self._smtp is not None
        return int(self._smtp.sockets[0].getsockname()[1])

    async def start(self) -> None:
        if isinstance(self.scanning, ProcessScanPool):
            await self.scanning.start()
        with contextlib.suppress(Exception):
            self.metrics.quarantine_size.set(await asyncio.to_thread(self.store.count))
        relay = self.settings.relay
        listen = Hop.parse(relay.listen)
        loop = asyncio.get_running_loop()
        self._smtp = await loop.create_server(self._protocol, listen.host, listen.port)
        if self.settings.metrics.listen:
            m = Hop.parse(self.settings.metrics.listen)
            self._http = await serve_http(m.host, m.port, self.metrics, self.health)
        self.metrics.up.set(1)
        self.watcher.start()
        self.fleet.start(lambda: self.settings, self.use_published, self._count_held)
        for warning in config.warnings(self.settings):
            log.warning("config: %s", warning, extra={"source": str(self.settings.source)})
        await self._log_ocr()
        log.info(
            "listening",
            extra={
                "listen": relay.listen,
                "next_hop": relay.next_hop,
                "mode": relay.mode,
                "policy_mode": self.settings.policy.mode,
            },
        )

    async def _log_ocr(self) -> None:
        """Say at start-up whether scans are read: without OCR, images pass as not inspected."""
        from dlp.extract.ocr.engine import describe

        on, line = await asyncio.to_thread(describe, self.settings.extraction.ocr.settings())
        (log.info if on else log.warning)(line)

    def _protocol(self) -> DlpSMTP:
        relay = self.settings.relay
        return DlpSMTP(
            self.handler,
            self.gate,
            data_size_limit=int(relay.max_message_mb * 1024 * 1024),
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=self.hostname,
            ident="dlp",
            timeout=relay.message_timeout + 3 * relay.next_hop_timeout + TRANSFER_ALLOWANCE,
            loop=asyncio.get_running_loop(),
        )

    def healthy(self) -> bool:
        return self._smtp is not None and self._smtp.is_serving() and not self.gate.draining

    async def _count_held(self) -> None:
        self.metrics.quarantine_size.set(await asyncio.to_thread(self.store.count))

    def version_labels(self) -> dict[str, str]:
        return self.fleet.labels(self.settings, self.patterns_version)

    def health(self) -> tuple[bool, dict[str, Any]]:
        """`/healthz`: what this node runs, and whether it takes mail and reaches its store."""
        return self.fleet.healthz(self.healthy(), self.version_labels())

    async def use_published(self, folder: Path) -> bool:
        """Run a pattern set published to the shared database (refused like a bad SIGHUP)."""
        if folder == self.fleet.published:
            return True  # published again after another set was refused: already running
        previous, self.fleet.published = self.fleet.published, folder
        if await self.reload("publish"):
            self.fleet.running_published = True
            return True
        self.fleet.published = previous
        return False

    def _count_patterns(self) -> None:
        modes = [r.mode for r in self.patterns.recognizers]
        self.metrics.zero_patterns((r.name, r.entity, r.mode) for r in self.patterns.recognizers)
        for mode in ("enforce", "monitor"):
            self.metrics.patterns_loaded.labels(mode).set(modes.count(mode))

    async def reload(self, trigger: str = "sighup") -> bool:
        """SIGHUP or a pattern edit: validate config and patterns, build, then swap."""
        async with self._reloading:  # a SIGHUP during a watch-triggered reload waits its turn
            return await self._reload(trigger)

    async def _reload(self, trigger: str) -> bool:
        validated = await self._validated(trigger)
        if validated is None:
            self.metrics.reloads.labels("failed").inc()
            return False
        new, patterns = validated
        try:
            snapshot = await asyncio.to_thread(self.snapshots.take, new)
        except OSError as exc:  # our private copy, not the operator's files
            log.error(
                "reload failed: cannot copy the accepted pattern files into the relay's "
                "snapshot folder; keeping the running set",
                extra={"trigger": trigger, "why": str(exc)},
            )
            self.metrics.reloads.labels("failed").inc()
            return False
        try:
            await self.scanning.reload(snapshot)
        except Exception as exc:
            log.error(
                "reload failed: the scan workers did not start with the new set; "
                "keeping the running set",
                extra={"trigger": trigger, "why": str(exc)},
            )
            self.metrics.reloads.labels("failed").inc()
            return False
        self.patterns = patterns
        self.patterns_version = await asyncio.to_thread(versions.patterns_version, new.patterns)
        self._count_patterns()
        if new.relay.listen != self.settings.relay.listen:
            log.warning("relay.listen changed; takes effect after a restart")
        self.settings = new
        self.gate.configure(new.relay)
        self.metrics.reloads.labels("ok").inc()
        log.info("config reloaded", extra={"source": str(new.source), "trigger": trigger})
        return True

    async def _validated(self, trigger: str) -> tuple[Settings, PatternSet] | None:
        """The new config and its pattern set, or None after logging every problem."""
        try:
            new = self.fleet.overlay(await asyncio.to_thread(config.load, self.settings.source))
        except Exception as exc:
            log.error("reload failed; keeping the running config", extra={"why": str(exc)})
            return None
        try:
            return new, await asyncio.to_thread(patterns_live.validate, new)
        except ConfigErrors as exc:
            errors = [str(e) for e in exc.errors]
            log.error(
                "pattern files refused; keeping the running set",
                extra={"trigger": trigger, "errors": errors[:20], "count": len(errors)},
            )
            self.metrics.pattern_reload_errors.labels(trigger).inc()
            return None

    async def shutdown(self, grace: float | None = None) -> None:
        """Refuse new sessions (421 4.3.2), let in-flight transactions finish, then stop."""
        self.gate.draining = True
        self.metrics.up.set(0)
        relay = self.settings.relay
        grace = grace if grace is not None else relay.message_timeout + 3 * relay.next_hop_timeout
        idle = await wait_idle(self.gate, grace)
        if not idle:
            log.warning("shutdown grace expired with messages in flight; Postfix will retry them")
        for session in list(self.gate.sessions):
            if session.transport is not None:
                session.transport.close()
        for server in (self._smtp, self._http):
            if server is not None:
                server.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(server.wait_closed(), 5)
        await self.relay.close()
        await self.watcher.stop()
        await self.fleet.stop()
        await asyncio.to_thread(self.scanning.close)
        self.snapshots.close()
        log.info("stopped")


def run(settings: Settings) -> int:
    """The `dlp serve` entry point: 0 after a clean shutdown, 2 if it cannot start."""
    logs.setup()
    try:
        return asyncio.run(_main(settings))
    except KeyboardInterrupt:
        return 0


async def _main(settings: Settings) -> int:
    # Signal handlers go in before anything listens: a SIGHUP sent as soon as the
    # port opens (a deploy script, `systemctl reload`) must not kill the relay.
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    hup = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, hup.set)
    try:
        app = RelayApp(settings)
        await app.start()
        from dlp.quarantine import open_store as open_review_store
        from dlp.review.web.server import ReviewService

        review_store = open_review_store(app.settings, defer_migration=True)
        review = ReviewService(app.settings, review_store, app.metrics)
        await review.start()  # the privacy officers' UI and the quarantine sweeper
    except (DlpError, OSError, RuntimeError, ValueError) as exc:
        log.error("cannot start", extra={"why": str(exc)})
        return 2
    reloader = loop.create_task(_reload_on_hup(app, hup))
    await stop.wait()
    log.info("shutting down: finishing messages in flight")
    reloader.cancel()
    await review.stop()
    await app.shutdown()
    return 0


async def _reload_on_hup(app: RelayApp, hup: asyncio.Event) -> None:
    """One reload per burst of SIGHUPs (one that arrived during start-up is acted on now)."""
    while True:
        await hup.wait()
        hup.clear()
        await app.reload()
