"""Publish wakes every node at once: PostgreSQL LISTEN/NOTIFY beside the poll.

A publish or roster import sends a notification in the same transaction as its
row; each node keeps one listening connection (in a thread: psycopg waits
blocking) and, when woken, polls right away instead of at the next
`detection.poll_seconds`.  Losing or regaining the listening connection also
wakes it, so an outage and a recovery show in `/healthz` within seconds.  The
poll stays the safety net: a lost notification only delays a node until its
next look.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from dlp.quarantine.db import Tx

log = logging.getLogger("dlp.fleet")

CHANNEL = "dlp_fleet"
RECONNECT_SECONDS = 5.0
STOP_CHECK_SECONDS = 1.0  # how often the listening thread looks whether to stop


def announce(tx: Tx, dialect: str, what: str) -> None:
    """Inside the publishing transaction: wake the nodes when it commits."""
    if dialect == "postgresql":
        tx.execute("SELECT pg_notify(?, ?)", (CHANNEL, what))


class Listener:
    """A daemon thread LISTENing on `url`; calls `wake()` (from that thread) per notification."""

    def __init__(self, url: str, wake: Callable[[], None]) -> None:
        self.url, self._wake = url, wake
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dlp-fleet-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(STOP_CHECK_SECONDS * 3)

    def _run(self) -> None:
        import psycopg

        connected = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if not connected:  # back after an outage: what was published meanwhile?
                        connected = True
                        self._wake()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=STOP_CHECK_SECONDS, stop_after=1):
                            self._wake()
            except psycopg.Error as exc:
                if connected:  # the database just went away: let health say so now
                    connected = False
                    self._wake()
                log.debug("fleet listener reconnects", extra={"why": type(exc).__name__})
                self._stop.wait(RECONNECT_SECONDS)
