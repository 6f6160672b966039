"""This relay as one node of several: start-up set, published overlay, versions, health.

`FleetNode` is what `dlp serve` holds for the fleet: it picks the pattern set
to start with (the published one; during an outage the last one accepted
here; else the config's folder), keeps the published folder in force across
SIGHUP reloads, answers `/healthz`, and runs the `Follower`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from dlp.config import Settings, data_dir, is_postgres_url
from dlp.errors import ConfigErrors
from dlp.fleet import versions
from dlp.fleet.cache import PatternCache
from dlp.fleet.shared import SharedState
from dlp.fleet.sync import Follower, StoreHealth, install_roster

log = logging.getLogger("dlp.fleet")


class FleetNode:
    def __init__(self, settings: Settings, store: Any) -> None:
        self.name = settings.node.name
        self.cache = PatternCache(data_dir() / "fleet")
        self.health = StoreHealth()
        self.published: Path | None = None  # the published folder reloads use, when one is
        self.running_published = False  # the workers run a published set (not the local one)
        from dlp.quarantine import store_url

        url = store_url(settings)
        self.shared_store = is_postgres_url(url)
        db = getattr(store, "db", None)
        self.shared: SharedState | None = (
            SharedState.connect(url, self.name) if self.shared_store
            else SharedState(db, self.name) if db is not None else None
        )  # fmt: skip
        roster_url = settings.roster.store_url() if settings.roster else None
        self.roster_shared = SharedState.connect(roster_url, self.name) if roster_url else None
        self.follower: Follower | None = None
        self._roster_sig: tuple[int, int, int] | None = None
        self._roster_version = versions.NONE

    # --- start-up ----------------------------------------------------------------

    def startup_settings(self, settings: Settings, validate: Callable[[Settings], Any]) -> Settings:
        """The settings to start with: the published pattern set when there is one."""
        self._install_shared_roster(settings)
        if not self.shared_store or self.shared is None:
            return settings
        folder = None
        try:
            active = self.shared.active_patterns()
        except self.shared.db.errors as exc:
            self.health.ok, self.health.why = False, type(exc).__name__
            folder = self.cache.current()
            log.error(
                "quarantine store unavailable at start; relaying clean mail, 451 for the rest",
                extra={"why": str(exc), "patterns": str(folder or settings.patterns)},
            )
        else:
            folder = self.cache.write(*active) if active else None
        if folder is None:
            return settings
        candidate = settings.model_copy(update={"patterns": folder})
        try:
            validate(candidate)
        except ConfigErrors as exc:
            log.error("published pattern set refused; starting with the config's folder",
                      extra={"errors": [str(e) for e in exc.errors][:20]})  # fmt: skip
            return settings
        self.published = folder
        self.running_published = True
        self.cache.accept(folder)
        return candidate

    def _install_shared_roster(self, settings: Settings) -> None:
        if self.roster_shared is None:
            return
        try:
            active = self.roster_shared.active_roster()
        except self.roster_shared.db.errors as exc:
            log.warning("shared roster unavailable at start; using the local copy",
                        extra={"why": type(exc).__name__})  # fmt: skip
            return
        if active is not None and active[0] != versions.roster_version(settings):
            install_roster(settings, *active)

    def overlay(self, settings: Settings) -> Settings:
        """A reloaded config keeps running the published set (it replaces the local folder)."""
        return (
            settings.model_copy(update={"patterns": self.published}) if self.published else settings
        )

    # --- following ---------------------------------------------------------------

    def start(
        self,
        settings: Callable[[], Settings],
        apply: Callable[[Path], Awaitable[bool]],
        refresh_gauges: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        if self.shared is None:
            return
        self.follower = Follower(
            settings, self.shared, self.roster_shared, self.cache, apply, self.health,
            refresh_gauges,
        )  # fmt: skip
        if self.published is not None:
            self.follower.patterns_seen = self.published.name.removeprefix("patterns-")
        self.follower.start()

    async def stop(self) -> None:
        if self.follower is not None:
            await self.follower.stop()

    def exports_gauges(self) -> bool:
        """Database-wide gauges come from one node: the lease holder (always, with SQLite)."""
        return self.health.gauges if self.shared_store else True

    # --- versions and health -------------------------------------------------------

    def roster_version(self, settings: Settings) -> str:
        """Cached on the store file's identity: /healthz is polled every few seconds."""
        if settings.roster is None:
            return versions.NONE
        try:
            st = os.stat(settings.roster.store_path())
        except OSError:
            return versions.NONE
        sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        if sig != self._roster_sig:
            self._roster_sig, self._roster_version = sig, versions.roster_version(settings)
        return self._roster_version

    def labels(self, settings: Settings, patterns_version: str) -> dict[str, str]:
        return {
            "node": self.name,
            "config_version": versions.config_version(settings),
            "patterns_version": patterns_version,
            "roster_version": self.roster_version(settings),
        }

    def healthz(self, accepting: bool, labels: dict[str, str]) -> tuple[bool, dict[str, Any]]:
        """(HTTP ok, body): 503 only when this node takes no mail; a store outage is degraded."""
        body: dict[str, Any] = {
            "status": "ok" if accepting and self.health.ok else "degraded",
            "accepting": accepting,
            "store": "ok" if self.health.ok else "unavailable",
            **labels,
            "patterns_source": "published" if self.running_published else "local",
            "exports_database_gauges": self.exports_gauges(),
        }
        if not self.health.ok:
            body["store_error"] = self.health.why
        return accepting, body
