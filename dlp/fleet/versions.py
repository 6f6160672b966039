"""Content hashes of what a node runs, so that two nodes can be compared at a glance.

Each version is the first 12 hex digits of a SHA-256: the same files give the
same version on every node, whatever their folder or modification time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from dlp.config import Settings
from dlp.tuning.check import pattern_files

DIGITS = 12
NONE = "none"  # no roster at all
# Per-node settings: names, listen addresses and paths (content has its own version).
NODE_SPECIFIC: dict[str, object] = {
    "source": True,
    "node": True,
    "patterns": True,
    "relay": {"listen"},
    "metrics": {"listen"},
    "review": {"listen"},
    "quarantine": {"url", "dir", "notify_template", "reject_template"},
    "roster": {"store", "key_file"},
}


def _short(h: hashlib._Hash) -> str:
    return h.hexdigest()[:DIGITS]


def files_version(files: Mapping[str, bytes]) -> str:
    """Of a pattern set given as file name → content (names matter: they order the set)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return _short(h)


def read_pattern_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in pattern_files(folder)}


def patterns_version(folder: Path) -> str:
    return files_version(read_pattern_files(folder))


def bytes_version(data: bytes) -> str:
    return _short(hashlib.sha256(data))


def roster_version(settings: Settings) -> str:
    """Of the roster store file the scanners read; `none` without one."""
    if settings.roster is None:
        return NONE
    try:
        return bytes_version(settings.roster.store_path().read_bytes())
    except OSError:
        return NONE


def config_version(settings: Settings) -> str:
    """Of the policy settings: two nodes configured alike agree, whatever their ports and paths."""
    data = settings.model_dump(mode="json", exclude=NODE_SPECIFIC)  # type: ignore[arg-type]
    return _short(hashlib.sha256(json.dumps(data, sort_keys=True).encode()))
