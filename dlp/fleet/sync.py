"""A node following the shared database: published patterns and roster, store health, lease.

Every `detection.poll_seconds`, and at once when a publish notifies it, the
node asks the database for the active versions (one small query, which
doubles as the store's health check).  A new
pattern set is written to the local cache and handed to the relay's reload,
which refuses a broken set exactly as a SIGHUP does; a new roster is checked
against this node's key and then replaces the local store file, which the scan
workers reload on their next message.  While the database is down the node
keeps what it runs and says so in `/healthz`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from dlp.config import Settings
from dlp.fleet.cache import PatternCache, replace_file
from dlp.fleet.shared import SharedState
from dlp.fleet.versions import bytes_version, roster_version
from dlp.fleet.wakeup import Listener
from dlp.roster.scan import load_matcher
from dlp.roster.store import RosterError

log = logging.getLogger("dlp.fleet")

GAUGE_LEASE = "gauges"


@dataclass
class StoreHealth:
    """What the last look at the database found."""

    ok: bool = True
    why: str = ""
    gauges: bool = False  # this node exports the database-wide gauges


class Follower:
    """The polling loop; `apply_patterns(folder)` is the relay's refuse-broken-sets reload."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        shared: SharedState,
        roster_shared: SharedState | None,
        cache: PatternCache,
        apply_patterns: Callable[[Path], Awaitable[bool]],
        health: StoreHealth,
        refresh_gauges: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._settings = settings
        self.shared, self.roster_shared = shared, roster_shared
        self.cache = cache
        self._apply = apply_patterns
        self.health = health
        self._refresh_gauges = refresh_gauges
        self.roster_refused: str | None = None  # a version this node's key cannot read
        self.patterns_seen: str | None = None  # last published version acted on
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[Listener] = []
        self._woken = asyncio.Event()

    def start(self) -> None:
        loop = asyncio.get_running_loop()

        def wake() -> None:  # called from a listener thread
            loop.call_soon_threadsafe(self._woken.set)

        urls = {s.url for s in (self.shared, self.roster_shared) if s is not None and s.url}
        self._listeners = [Listener(url, wake) for url in sorted(urls)]
        for listener in self._listeners:
            listener.start()
        self._task = loop.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for listener in self._listeners:
            await asyncio.to_thread(listener.stop)

    async def _run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except Exception:  # the loop must outlive any surprise
                log.exception("following the shared database failed")
            with contextlib.suppress(TimeoutError):  # a publish wakes us before the poll is due
                await asyncio.wait_for(self._woken.wait(), self._settings().detection.poll_seconds)
            self._woken.clear()

    async def poll_once(self) -> None:
        try:
            heads = await asyncio.to_thread(self.shared.heads)
        except self.shared.db.errors as exc:
            self._store_down(exc)
            return
        if not self.health.ok:
            log.info("quarantine store available again")
        self.health.ok, self.health.why = True, ""
        if heads.patterns is not None and heads.patterns != self.patterns_seen:
            await self._follow_patterns()
        if self.roster_shared is not None:
            await self._follow_roster()
        await self._lease()

    def _store_down(self, exc: BaseException) -> None:
        why = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        if self.health.ok:
            log.error("quarantine store unavailable; relaying clean mail, 451 for the rest",
                      extra={"why": why})  # fmt: skip
        self.health.ok, self.health.why, self.health.gauges = False, why, False

    async def _follow_patterns(self) -> None:
        active = await asyncio.to_thread(self.shared.active_patterns)
        if active is None:
            return
        version, files = active
        folder = await asyncio.to_thread(self.cache.write, version, files)
        self.patterns_seen = version
        if await self._apply(folder):
            await asyncio.to_thread(self.cache.accept, folder)
            log.info("published pattern set applied", extra={"patterns_version": version})
        else:
            log.error("published pattern set refused; keeping the running set",
                      extra={"patterns_version": version})  # fmt: skip

    async def _follow_roster(self) -> None:
        settings = self._settings()
        assert self.roster_shared is not None and settings.roster is not None
        try:
            head = await asyncio.to_thread(self.roster_shared.heads)
        except self.roster_shared.db.errors as exc:
            log.warning("shared roster unavailable", extra={"why": type(exc).__name__})
            return
        if head.roster in (None, self.roster_refused, roster_version(settings)):
            return
        active = await asyncio.to_thread(self.roster_shared.active_roster)
        if active is not None and not await asyncio.to_thread(install_roster, settings, *active):
            self.roster_refused = active[0]

    async def _lease(self) -> None:
        ttl = 3 * self._settings().detection.poll_seconds
        try:
            self.health.gauges = await asyncio.to_thread(self.shared.hold_lease, GAUGE_LEASE, ttl)
            if self.health.gauges and self._refresh_gauges is not None:
                await self._refresh_gauges()
        except self.shared.db.errors as exc:
            self._store_down(exc)


def install_roster(settings: Settings, version: str, data: bytes) -> bool:
    """Replace the local roster store with a published one built with this node's key."""
    assert settings.roster is not None
    if bytes_version(data) != version:
        log.error("shared roster damaged in transit; keeping the local one")
        return False
    with tempfile.TemporaryDirectory(prefix="dlp-roster-") as tmp:
        candidate = Path(tmp) / "roster.db"
        candidate.write_bytes(data)
        try:
            load_matcher(candidate, settings.roster.key_path())
        except RosterError as exc:
            log.error("shared roster refused; keeping the local one", extra={"why": str(exc)})
            return False
    replace_file(settings.roster.store_path(), data)
    log.info("shared roster installed", extra={"roster_version": version})
    return True
