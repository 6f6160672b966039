"""Compiled Hyperscan databases kept in the user's cache (`dlp.usercache`).

Compiling a database of long patterns takes a fraction of a second to
seconds; every scanning process would otherwise pay it at start.  An entry is
named by everything that went into it and the Hyperscan version.
"""

from __future__ import annotations

import hashlib
from importlib import metadata

import hyperscan

from dlp import usercache


def key(parts: list[bytes]) -> str:
    """A cache key for a database built from these parts (sources, flags, ids)."""
    digest = hashlib.sha256(f"hyperscan {metadata.version('hyperscan')}\n".encode())
    for part in parts:
        digest.update(part + b"\n")
    return f"{digest.hexdigest()[:32]}.hsdb"


def load(family: str, name: str) -> hyperscan.Database | None:
    """The cached database, if there is one the user's own."""
    data = usercache.read(family, name)
    if data is None:
        return None
    try:
        db = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
        db.scratch = hyperscan.Scratch(db)  # a loaded database comes without one
        return db
    except (RuntimeError, hyperscan.error):
        return None


def save(family: str, name: str, db: hyperscan.Database) -> None:
    try:
        data = hyperscan.dumpb(db)
    except (RuntimeError, hyperscan.error):
        return
    usercache.write(family, name, data)
