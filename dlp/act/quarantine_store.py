"""The quarantine store: held messages, durable before the relay answers 250.

The raw message goes to a file (written to a temporary name, fsynced, renamed,
and the folder fsynced) and a row goes to SQLite in WAL mode with
`synchronous=FULL`, so both survive a crash or power loss once `put` returns.
Records are keyed by a fingerprint of envelope and bytes: when the relay dies
between the write and its `250`, Postfix's retry finds the same record instead
of creating a second one. Issue 5 grows this behind the `QuarantineStore`
protocol (review actions, PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from dlp.config import Settings, data_dir


@dataclass(frozen=True)
class HeldMessage:
    scan_id: str
    verdict: str
    reasons: tuple[tuple[str, str, str], ...]
    categories: tuple[str, ...]
    sender: str
    recipients: tuple[str, ...]
    subject: str
    size: int
    received_at: float


class QuarantineStore(Protocol):
    def put(self, held: HeldMessage, raw: bytes) -> str:
        """Store durably and return the record id; the same message twice gives the same id."""
        ...

    def count(self) -> int:
        """Messages currently held (the `quarantine size` metric)."""
        ...


class StoreUnavailable(Exception):
    """The store could not take the message durably (disk full, read-only, database down)."""


def fingerprint(sender: str, recipients: tuple[str, ...], raw: bytes) -> str:
    h = hashlib.sha256()
    h.update(sender.encode("utf-8", "surrogateescape") + b"\0")
    for r in sorted(recipients):
        h.update(r.encode("utf-8", "surrogateescape") + b"\0")
    h.update(raw)
    return h.hexdigest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS quarantine (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    scan_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'held',
    verdict TEXT NOT NULL,
    reasons TEXT NOT NULL,
    categories TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    size INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    path TEXT NOT NULL
)
"""


class SqliteQuarantineStore:
    """Files + SQLite. Thread-safe: the relay calls it from a worker thread, one at a time."""

    def __init__(self, db_path: Path, folder: Path) -> None:
        self.db_path = db_path
        self.folder = folder
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True, mode=0o750)
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=10, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        return db

    def put(self, held: HeldMessage, raw: bytes) -> str:
        fp = fingerprint(held.sender, held.recipients, raw)
        try:
            with self._lock:
                path = self.folder / f"{fp}.eml"
                if not path.exists():
                    _write_durably(path, raw)
                return self._insert(fp, held, path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    def _insert(self, fp: str, held: HeldMessage, path: Path) -> str:
        db = self._connect()
        try:
            row = db.execute("SELECT id FROM quarantine WHERE fingerprint = ?", (fp,)).fetchone()
            if row:
                return str(row[0])
            qid = uuid.uuid4().hex[:12]
            received = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(held.received_at))
            db.execute(
                "INSERT INTO quarantine (id, fingerprint, scan_id, verdict, reasons, categories,"
                " sender, recipients, subject, size, received_at, path)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    qid, fp, held.scan_id, held.verdict,
                    json.dumps([list(r) for r in held.reasons]),
                    json.dumps(list(held.categories)), held.sender,
                    json.dumps(list(held.recipients)), held.subject, held.size, received,
                    str(path),
                ),
            )  # fmt: skip
            return qid
        finally:
            db.close()

    def count(self) -> int:
        db = self._connect()
        try:
            row = db.execute("SELECT count(*) FROM quarantine WHERE status = 'held'").fetchone()
            return int(row[0])
        finally:
            db.close()


def _write_durably(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, rename into place, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def open_store(settings: Settings) -> SqliteQuarantineStore:
    """The store the config names; PostgreSQL arrives with issue 5."""
    q = settings.quarantine
    url = q.url or f"sqlite:///{data_dir() / 'quarantine.db'}"
    if not url.startswith("sqlite:///"):
        raise ValueError(f"quarantine.url: only sqlite:/// is supported by the relay yet: {url}")
    folder = q.dir or data_dir() / "quarantine"
    return SqliteQuarantineStore(Path(url[len("sqlite:///") :]), Path(folder))
