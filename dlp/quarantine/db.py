"""One small seam over SQLite and PostgreSQL, so the store's SQL is written once.

Statements use `?` placeholders; the PostgreSQL side rewrites them to `%s`.
Every unit of work is one transaction on its own connection: the relay calls
the store from worker threads, the web UI from a thread pool, and several
relays may share one PostgreSQL, so nothing is shared between calls. SQLite
write transactions start with `BEGIN IMMEDIATE`, which serialises writers and
makes the conditional state transitions (held → releasing) race-free.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from dlp.quarantine.model import StoreUnavailable

BUSY_TIMEOUT = 30  # seconds a writer waits for another (SQLite) before giving up
CONNECT_TIMEOUT = 10  # seconds to reach PostgreSQL; the relay then answers 4xx


class Tx(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None: ...

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


class Database(Protocol):
    dialect: str
    errors: tuple[type[BaseException], ...]  # what "the database failed" looks like

    def transaction(self) -> Any:
        """A context manager yielding a `Tx`; commits on success, rolls back on error."""
        ...


class _SqliteTx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.db.execute(sql, tuple(params)).rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.db.execute(sql, tuple(params)).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.db.execute(sql, tuple(params)).fetchall()]


class SqliteDatabase:
    dialect = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        if not path.exists():  # held mail's metadata: owner only (its WAL files follow suit)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            owned_like_parent(path)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[_SqliteTx]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()


def owned_like_parent(path: Path) -> None:
    """Root creating the store (`sudo dlp quarantine user add`) must not lock out the
    service user who owns the folder: give a new file or folder to the folder's owner."""
    if os.geteuid() != 0:
        return
    parent = path.parent.stat()
    os.chown(path, parent.st_uid, parent.st_gid)


class _PgTx:
    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def _run(self, sql: str, params: Sequence[Any]) -> None:
        if params:
            self.cur.execute(sql.replace("?", "%s"), tuple(params))
        else:
            self.cur.execute(sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._run(sql, params)
        return int(self.cur.rowcount)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self._run(sql, params)
        row = self.cur.fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._run(sql, params)
        return [tuple(r) for r in self.cur.fetchall()]


class PostgresDatabase:
    dialect = "postgresql"

    def __init__(self, url: str, connect_timeout: int = CONNECT_TIMEOUT) -> None:
        import psycopg

        self.url = url
        self.connect_timeout = connect_timeout
        self._psycopg = psycopg
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error, StoreUnavailable)

    @contextmanager
    def transaction(self) -> Iterator[_PgTx]:
        try:
            conn = self._psycopg.connect(
                self.url, autocommit=True, connect_timeout=self.connect_timeout
            )
        except self._psycopg.OperationalError as exc:  # down, refused, wrong password
            why = (str(exc).strip().splitlines() or [""])[0][:200]
            raise StoreUnavailable(f"cannot connect to PostgreSQL: {why}") from None
        try:
            with conn.transaction(), conn.cursor() as cur:
                yield _PgTx(cur)
        except self._psycopg.OperationalError as exc:  # the server went away mid-transaction
            if not conn.broken:
                raise
            why = (str(exc).strip().splitlines() or [""])[0][:200]
            raise StoreUnavailable(f"lost the connection to PostgreSQL: {why}") from None
        finally:
            conn.close()


class MigrateFirst:
    """A `Database` whose schema is brought up to date on the first transaction that works.

    A relay restarted during a database outage must start anyway (clean mail needs
    no store); until the database answers, every transaction fails like a down
    database (the relay answers 4xx), and the first one that connects migrates.
    """

    def __init__(self, inner: Database) -> None:
        self.inner = inner
        self.dialect = inner.dialect
        self.errors = inner.errors
        self._lock = threading.Lock()
        self._migrated = False

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        if not self._migrated:
            from dlp.quarantine.migrations import migrate

            with self._lock:
                if not self._migrated:
                    migrate(self.inner)
                    self._migrated = True
        with self.inner.transaction() as tx:
            yield tx
