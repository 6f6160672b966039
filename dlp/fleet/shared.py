"""Pattern sets and rosters published to the shared database, and the gauge lease.

Publishing appends a row; the newest row is the active one, so the history
says who published what and when (`published_by`, `node`), and two publishes
at once simply leave the later one active.  Nodes poll `heads()` (one small
query) and fetch the content only when a version changed.
"""

from __future__ import annotations

import getpass
import json
import time
from dataclasses import dataclass

from dlp.fleet.wakeup import announce
from dlp.quarantine.codec import iso
from dlp.quarantine.db import Database, MigrateFirst, PostgresDatabase
from dlp.quarantine.migrations import migrate

KEEP_ROSTERS = 3  # roster rows kept (each a few MB); pattern sets are small and all kept


@dataclass(frozen=True)
class Heads:
    """The active versions in the database (None: nothing published yet)."""

    patterns: str | None
    roster: str | None


@dataclass(frozen=True)
class Published:
    version: str
    at: str
    by: str
    node: str


def who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class SharedState:
    """What every node follows, kept in the quarantine's PostgreSQL."""

    def __init__(self, db: Database, node: str, url: str | None = None) -> None:
        self.db = db
        self.node = node
        self.url = url  # PostgreSQL: where nodes LISTEN for publishes

    @classmethod
    def connect(cls, url: str, node: str, connect_timeout: int = 5) -> SharedState:
        """Lazily migrated: creating it never touches the network."""
        return cls(MigrateFirst(PostgresDatabase(url, connect_timeout)), node, url)

    def migrate(self) -> None:
        migrate(self.db)

    def heads(self) -> Heads:
        with self.db.transaction() as tx:
            p = tx.one("SELECT version FROM pattern_sets ORDER BY seq DESC LIMIT 1")
            r = tx.one("SELECT version FROM roster_sets ORDER BY seq DESC LIMIT 1")
        return Heads(str(p[0]) if p else None, str(r[0]) if r else None)

    # --- pattern sets ------------------------------------------------------------

    def publish_patterns(self, version: str, files: dict[str, bytes]) -> Published:
        text = json.dumps({name: data.decode("utf-8") for name, data in files.items()})
        now = iso(time.time())
        by = who()
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO pattern_sets (version, files, published_at, published_by, node)"
                " VALUES (?, ?, ?, ?, ?)",
                (version, text, now, by, self.node),
            )
            announce(tx, self.db.dialect, f"patterns {version}")
        return Published(version, now, by, self.node)

    def active_patterns(self) -> tuple[str, dict[str, bytes]] | None:
        with self.db.transaction() as tx:
            row = tx.one("SELECT version, files FROM pattern_sets ORDER BY seq DESC LIMIT 1")
        if row is None:
            return None
        files = json.loads(row[1])
        return str(row[0]), {str(k): str(v).encode("utf-8") for k, v in files.items()}

    def pattern_history(self, limit: int = 20) -> list[Published]:
        with self.db.transaction() as tx:
            rows = tx.all(
                "SELECT version, published_at, published_by, node FROM pattern_sets"
                " ORDER BY seq DESC LIMIT ?",
                (limit,),
            )
        return [Published(*map(str, r)) for r in rows]

    # --- rosters -----------------------------------------------------------------

    def publish_roster(self, version: str, store: bytes) -> Published:
        now = iso(time.time())
        by = who()
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO roster_sets (version, store, imported_at, imported_by, node)"
                " VALUES (?, ?, ?, ?, ?)",
                (version, store, now, by, self.node),
            )
            tx.execute(
                "DELETE FROM roster_sets WHERE seq NOT IN"
                " (SELECT seq FROM roster_sets ORDER BY seq DESC LIMIT ?)",
                (KEEP_ROSTERS,),
            )
            announce(tx, self.db.dialect, f"roster {version}")
        return Published(version, now, by, self.node)

    def active_roster(self) -> tuple[str, bytes] | None:
        with self.db.transaction() as tx:
            row = tx.one("SELECT version, store FROM roster_sets ORDER BY seq DESC LIMIT 1")
        return (str(row[0]), bytes(row[1])) if row else None

    # --- leases ------------------------------------------------------------------

    def hold_lease(self, name: str, seconds: float) -> bool:
        """Take or renew a lease; False while another node holds an unexpired one."""
        now = time.time()
        with self.db.transaction() as tx:
            return (
                tx.execute(
                    "INSERT INTO leases (name, node, expires) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET node = excluded.node,"
                    " expires = excluded.expires"
                    " WHERE leases.node = excluded.node OR leases.expires < ?",
                    (name, self.node, now + seconds, now),
                )
                == 1
            )
