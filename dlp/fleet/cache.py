"""A node's local copies of what was published: the pattern set and the roster store.

The last accepted pattern set is kept on disk so that a node restarted during a
database outage runs the fleet's set, not its own folder's.  Every copy is
written beside its final place and renamed into it, so a reader (a scan worker
starting, a roster reload) sees the old copy or the new one, never half.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

CURRENT = "patterns-current"  # a file naming the accepted set's folder
KEEP = 2  # the accepted set and the one before


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically and durably."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o640)
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


class PatternCache:
    """Published pattern sets under `<data dir>/fleet/`, one folder per version."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, version: str, files: dict[str, bytes]) -> Path:
        """The folder holding this version's files (written once, then reused)."""
        target = self.root / f"patterns-{version}"
        if target.is_dir():
            return target
        self.root.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=".patterns-", dir=self.root))
        try:
            for name, data in files.items():
                (temp / Path(name).name).write_bytes(data)
            os.replace(temp, target)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        return target

    def accept(self, folder: Path) -> None:
        """Remember `folder` as the set to start with; drop older copies."""
        replace_file(self.root / CURRENT, folder.name.encode())
        folders = [p for p in self.root.glob("patterns-*") if p.is_dir() and p != folder]
        folders.sort(key=lambda p: p.stat().st_mtime)
        for old in folders[: max(0, len(folders) - (KEEP - 1))]:
            shutil.rmtree(old, ignore_errors=True)

    def current(self) -> Path | None:
        """The last accepted set, if any survives on disk."""
        try:
            name = (self.root / CURRENT).read_text().strip()
        except OSError:
            return None
        folder = self.root / name
        return folder if name and folder.is_dir() else None
