"""Pattern files in a running relay: validate before swapping, snapshot, watch for edits.

Workers load patterns from disk when they start, and the pool restarts
workers after a crash, so reading the administrator's live folder would let
a half-saved or broken edit reach production without any reload.  The relay
therefore validates the folder (as `dlp patterns check --skip-examples`
does), copies the files into a private snapshot, and points the workers at
the snapshot: a crash-restart always reloads the set that was accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from dlp.config import Settings
from dlp.detect.patterns import PatternSet
from dlp.errors import ConfigError, ConfigErrors
from dlp.tuning.check import check_folder, pattern_files

log = logging.getLogger("dlp.patterns")

WATCH_INTERVAL = 2.0  # seconds between looks at the pattern folder (a few stat() calls)
KEEP_SNAPSHOTS = 2  # the running set and the one before (its workers may still be finishing)
Fingerprint = tuple[tuple[str, int, int], ...]


def validate(settings: Settings) -> PatternSet:
    """The static checks of `dlp patterns check`; ConfigErrors (with every problem) if invalid."""
    report = check_folder(settings.patterns, settings, run_examples=False)
    if not report.ok:
        raise ConfigErrors([ConfigError(p.file, p.where, p.problem, p.line) for p in report.errors])
    return PatternSet(tuple(report.recognizers), settings.patterns)


class Snapshots:
    """Private copies of accepted pattern folders, newest last; removed on close.

    The root folder carries the relay's pid (`dlp-patterns-<pid>-…`) so that a
    relay starting after a crash can remove the folders left by dead ones.
    Snapshot names come from a counter that never repeats: the list of kept
    snapshots is trimmed, so its length cannot name the next one.
    """

    def __init__(self, parent: Path | None = None) -> None:
        parent = parent or Path(tempfile.gettempdir())
        remove_stale(parent)
        self._root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
        self._taken: list[Path] = []
        self._numbers = itertools.count(1)

    def take(self, settings: Settings) -> Settings:
        """Copy the folder's pattern files; settings that point the workers at the copy.

        An OSError here is the relay's own problem (disk full, /tmp unwritable),
        not the operator's files: the caller logs it as such.
        """
        target = self._root / f"set-{next(self._numbers)}"
        try:
            target.mkdir()
            for path in pattern_files(settings.patterns):
                shutil.copy2(path, target / path.name)
        except OSError:
            shutil.rmtree(target, ignore_errors=True)
            raise
        self._taken.append(target)
        while len(self._taken) > KEEP_SNAPSHOTS:
            shutil.rmtree(self._taken.pop(0), ignore_errors=True)
        return settings.model_copy(update={"patterns": target})

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


PREFIX = "dlp-patterns-"


def remove_stale(parent: Path) -> list[Path]:
    """Remove snapshot roots whose relay process is gone (left by a crash or SIGKILL)."""
    removed = []
    for root in parent.glob(f"{PREFIX}*"):
        pid = root.name[len(PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)) or not root.is_dir():
            continue
        with contextlib.suppress(OSError):
            if root.stat().st_uid == os.getuid():
                shutil.rmtree(root, ignore_errors=True)
                removed.append(root)
    if removed:
        log.info("removed pattern snapshots left by a stopped relay", extra={"count": len(removed)})
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def fingerprint(folder: Path) -> Fingerprint:
    """Names, sizes and modification times of the pattern files (what an edit changes)."""
    out = []
    for path in pattern_files(folder) if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            st = path.stat()
            out.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


class Watcher:
    """Polls the pattern folder; after an edit has settled, asks for a reload.

    Polling (not inotify) works on every filesystem and for editors that save
    by renaming.  A change is acted on once the files look the same on two
    looks in a row, so a reload never reads a file the editor is writing.
    """

    def __init__(
        self,
        folder: Callable[[], Path],
        enabled: Callable[[], bool],
        reload: Callable[[], Awaitable[bool]],
        interval: float = WATCH_INTERVAL,
    ) -> None:
        self._folder, self._enabled, self._reload = folder, enabled, reload
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        seen = fingerprint(self._folder())
        pending: Fingerprint | None = None
        while True:
            await asyncio.sleep(self.interval)
            now = await asyncio.to_thread(fingerprint, self._folder())
            if now == seen or not self._enabled():
                pending = None
                seen = now if not self._enabled() else seen
                continue
            if now != pending:  # still changing: wait one more look
                pending = now
                continue
            log.info("pattern files changed; reloading")
            seen, pending = now, None
            try:
                await self._reload()
            except Exception:  # the watcher must outlive any reload failure
                log.exception("pattern reload after a file change failed")
