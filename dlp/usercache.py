"""Data derived once and kept between runs in the user's cache directory.

`$XDG_CACHE_HOME/dlp`, else `~/.cache/dlp`.  Every scanning process (each
`dlp scan`, `dlp explain`, relay worker) would otherwise derive the same
things again at start: the prefilter's compiled database, the everyday-word
list.  An entry is named by its family ("prefilter") and a key made of
everything that went into it, so new patterns or a new library version make
a new entry and a stale one is never read; the KEEP of a family used most
recently stay, older ones are removed when a new one is written.  An entry is trusted only
when the user owns it and nobody else can write it; a missing, foreign or
damaged entry, or a failure to write one, only costs deriving it again.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

KEEP = 16  # entries per family: pattern versions, configs with their own patterns


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dlp"


def read(family: str, key: str) -> bytes | None:
    """The entry's bytes, or None when it is absent or someone else could have written it."""
    try:
        file = folder() / f"{family}-{key}"
        info = file.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None
        data = file.read_bytes()
        os.utime(file)  # used: the last to be pruned
        return data
    except OSError:
        return None


def write(family: str, key: str, data: bytes) -> None:
    """Written beside and renamed, so a reader never sees half an entry."""
    try:
        file = folder() / f"{family}-{key}"
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=file.parent, delete=False) as out:
            out.write(data)
        os.replace(out.name, file)
        _prune(file.parent, family)
    except OSError:
        return


def _prune(where: Path, family: str) -> None:
    """All but the family's KEEP most recently used entries."""
    entries = sorted(where.glob(f"{family}-*"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
