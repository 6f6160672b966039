"""Quarantine: held messages, the reviewers' actions on them, and the audit trail.

`open_store(settings)` picks the backend from `quarantine.url`
(`sqlite:///path` by default, `postgresql://...` for several relays); the
relay only needs `put` and `count` (the `QuarantineStore` protocol), the
review CLI and web UI use the rest through `dlp.quarantine.actions`.
"""

from __future__ import annotations

from pathlib import Path

from dlp.config import Settings, data_dir
from dlp.quarantine.durable import fingerprint
from dlp.quarantine.model import (
    HeldFinding,
    HeldMessage,
    NotFound,
    QuarantineError,
    Record,
    Status,
    StoreUnavailable,
    WrongState,
)
from dlp.quarantine.store import (
    PostgresQuarantineStore,
    QuarantineStore,
    SqliteQuarantineStore,
    SqlStore,
)

__all__ = [
    "HeldFinding",
    "HeldMessage",
    "NotFound",
    "PostgresQuarantineStore",
    "QuarantineError",
    "QuarantineStore",
    "Record",
    "SqlStore",
    "SqliteQuarantineStore",
    "Status",
    "StoreUnavailable",
    "WrongState",
    "fingerprint",
    "open_store",
    "store_url",
]

SQLITE = "sqlite:///"
POSTGRES = ("postgresql://", "postgres://")


def store_url(settings: Settings) -> str:
    return settings.quarantine.url or f"{SQLITE}{data_dir() / 'quarantine.db'}"


def open_store(settings: Settings, defer_migration: bool = False) -> SqlStore:
    """The store the config names, migrated to the current schema.

    StoreUnavailable when PostgreSQL cannot be reached, unless `defer_migration`
    (the relay): then the first transaction that connects migrates.
    """
    url = store_url(settings)
    node = settings.node.name
    if url.startswith(SQLITE):
        folder = settings.quarantine.dir or data_dir() / "quarantine"
        return SqliteQuarantineStore(Path(url[len(SQLITE) :]), Path(folder), node)
    if url.startswith(POSTGRES):
        return PostgresQuarantineStore(url, node, defer_migration)
    raise ValueError(f"quarantine.url: expected sqlite:///PATH or postgresql://...: {url}")
