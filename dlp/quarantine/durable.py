"""Crash-safe bytes on disk, and the fingerprint that makes a relay retry find its record.

A quarantined message must survive a crash or power loss once the relay has
answered `250`: written to a temporary name, fsynced, renamed into place, and
the folder fsynced so the rename itself is durable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path


def fingerprint(sender: str, recipients: tuple[str, ...], raw: bytes) -> str:
    """Envelope + bytes: Postfix's retry of the same message gives the same key."""
    h = hashlib.sha256()
    h.update(sender.encode("utf-8", "surrogateescape") + b"\0")
    for r in sorted(recipients):
        h.update(r.encode("utf-8", "surrogateescape") + b"\0")
    h.update(raw)
    return h.hexdigest()


def write_durably(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, rename into place, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:  # a full disk must not leave a half-written file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_durably(path: Path) -> None:
    """Delete a message file (purge, delete) so it is gone after a crash too."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_dir(path.parent)
