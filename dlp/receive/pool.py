"""Scanning off the event loop: a pool of worker processes, each building the Scanner once.

spaCy and the extractors are CPU-bound and may hang on hostile input, so they
run in `spawn`ed processes (no fork of a threaded server). Each message gets a
deadline; a worker that overruns it is killed (the only way to stop a stuck
regex), which breaks the `ProcessPoolExecutor`; the pool is then rebuilt and
the other messages caught in it are retried once on the new pool.

Each worker reports its resident memory after every message.  Past
`relay.worker_memory_mb` the whole set is replaced the way a reload does it:
fresh workers start, take the new messages, and the old ones finish what they
hold and exit.  Python rarely hands freed memory back to the system, so one
huge attachment would otherwise keep a worker large for the rest of its life.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import itertools
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from dlp.config import Settings
from dlp.receive.scanning import ScanFailed, ScanSummary, summarize

log = logging.getLogger("dlp.pool")

DEFAULT_FACTORY = "dlp.pipeline:Scanner"
SLOT_FIELDS = 3  # per worker in the shared table: pid, task number, resident bytes
MB = 1024 * 1024

# --- worker side -------------------------------------------------------------

_scanner: Any = None
_init_error: str | None = None
_slot: int = -1
_slots: Any = None  # shared array: SLOT_FIELDS per worker


def _init_worker(settings: Settings, factory: str, slots: Any, counter: Any, parent: int) -> None:
    """Build the scanner once; remember a failure so that tasks report it (not a bare crash)."""
    global _scanner, _init_error, _slot, _slots
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a reload is the parent's business
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with counter.get_lock():
        _slot = counter.value
        counter.value += 1
    _slots = slots
    try:
        module, _, name = factory.partition(":")
        _scanner = getattr(importlib.import_module(module), name)(settings)
        warm = getattr(_scanner, "warm", None)
        if warm is not None:  # the first message should not wait for the model
            warm()
    except Exception as exc:  # reported by every task of this worker
        _init_error = f"{type(exc).__name__}: {exc}"
    _report(task_no=0)


def _report(task_no: int) -> None:
    """Write this worker's pid, current task (0: idle) and memory into its slot."""
    base = SLOT_FIELDS * _slot
    if base >= 0 and base + SLOT_FIELDS <= len(_slots):
        _slots[base], _slots[base + 1] = os.getpid(), task_no
        if task_no == 0:
            _slots[base + 2] = resident_bytes()


def resident_bytes() -> int:
    """This process's resident memory now (Linux), else the most it has held."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when the relay dies, even by SIGKILL.

    Without it a killed relay leaves its workers (a few hundred MB each) and,
    through their open pipe, the multiprocessing resource tracker running.
    Linux's PR_SET_PDEATHSIG does this with no polling, and works even when a
    stuck regex holds the GIL; it is set through ctypes as the stdlib has no
    wrapper.  Elsewhere, a thread watches for the parent to change.
    """
    libc = _libc()
    if libc is not None and libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
        if os.getppid() != parent:  # the parent died before the call: nobody will signal us
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


PR_SET_PDEATHSIG = 1


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _scan_task(task_no: int, raw: bytes, sender: str, recipients: tuple[str, ...]) -> ScanSummary:
    if _init_error is not None:
        raise RuntimeError(f"scanner failed to start: {_init_error}")
    _report(task_no)
    try:
        from dlp.model import Envelope

        result = _scanner.scan(raw, Envelope(sender=sender, recipients=recipients))
        return result if isinstance(result, ScanSummary) else summarize(result)
    finally:
        _report(task_no=0)


def _probe() -> str | None:
    return _init_error


def worker_scanner() -> Any:
    """This worker's Scanner, for tasks other than the relay's (e.g. `dlp scan --jobs`)."""
    if _init_error is not None:
        from dlp.errors import DlpError

        raise DlpError(f"the scanner failed to start: {_init_error}")
    return _scanner


def worker_setup(settings: Settings, ctx: Any) -> tuple[Callable[..., None], tuple[Any, ...]]:
    """`initializer` and `initargs` for an executor whose workers each build the Scanner once."""
    return _init_worker, (
        settings,
        DEFAULT_FACTORY,
        ctx.Array("q", 0, lock=False),
        ctx.Value("i", 0),
        os.getpid(),  # bulk-scan workers die with the dlp process too
    )


# --- parent side -------------------------------------------------------------


class _Generation:
    """One executor and the shared slot table its workers report their task and memory in."""

    def __init__(self, settings: Settings, factory: str, ctx: Any) -> None:
        workers = settings.relay.workers
        self.slots = ctx.Array("q", SLOT_FIELDS * workers, lock=False)
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(settings, factory, self.slots, ctx.Value("i", 0), os.getpid()),
        )
        self.settings = settings
        self.killed = False  # we killed a worker on purpose: the others' tasks are innocent
        self.ready: asyncio.Future[None] | None = None  # workers starting after a rebuild

    def pid_running(self, task_no: int) -> int | None:
        for i in range(0, len(self.slots), SLOT_FIELDS):
            if self.slots[i + 1] == task_no:
                return int(self.slots[i])
        return None

    def largest_worker(self) -> tuple[int, int]:
        """(pid, resident bytes) of the worker that last reported the most memory."""
        fields = range(0, len(self.slots), SLOT_FIELDS)
        return max(((self.slots[i], self.slots[i + 2]) for i in fields), key=lambda w: w[1])


def _consume(fut: asyncio.Future[Any]) -> None:
    """Mark a warm-up's failure as seen (each waiting message reports it as a 451)."""
    if not fut.cancelled():
        fut.exception()


class ProcessScanPool:
    """`Scanning` backed by worker processes; `start()` fails loudly if the scanner cannot load."""

    def __init__(self, settings: Settings, factory: str | None = None) -> None:
        self._factory = factory or DEFAULT_FACTORY
        self._ctx = mp.get_context("spawn")
        self._gen = _Generation(settings, self._factory, self._ctx)
        self._tasks = itertools.count(1)
        self._renewal: asyncio.Task[None] | None = None
        self._incoming: _Generation | None = None  # the renewal's workers, while they start
        self._closed = False
        self.on_rebuild: Callable[[], None] = lambda: None
        self.on_renew: Callable[[], None] = lambda: None  # workers replaced for their memory

    async def start(self, timeout: float = 300) -> None:
        await self._probe(self._gen, timeout)

    async def _probe(self, gen: _Generation, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        futures = [
            loop.run_in_executor(gen.executor, _probe) for _ in range(gen.settings.relay.workers)
        ]
        started = asyncio.gather(*futures)
        started.add_done_callback(_consume)  # cancelled with a renewal at close: not an error
        for error in await asyncio.wait_for(started, timeout):
            if error:
                gen.executor.shutdown(wait=False, cancel_futures=True)
                raise RuntimeError(error)

    async def scan(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> ScanSummary:
        for attempt in (1, 2):
            gen = self._gen
            try:
                await self._ready(gen)
                summary = await self._run(gen, raw, sender, recipients)
                self._watch_memory(gen)
                return summary
            except BrokenProcessPool:
                innocent = gen.killed
                self._rebuild(gen)
                if attempt == 2 or not innocent:
                    raise ScanFailed("crash", "scanner process died") from None
        raise AssertionError("unreachable")

    async def _run(
        self, gen: _Generation, raw: bytes, sender: str, recipients: tuple[str, ...]
    ) -> ScanSummary:
        task_no = next(self._tasks)
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(gen.executor, _scan_task, task_no, raw, sender, recipients)
        try:
            return await asyncio.wait_for(fut, gen.settings.relay.message_timeout)
        except TimeoutError:
            pid = gen.pid_running(task_no)
            if pid is None:  # still queued behind busy workers: back-pressure, not poison
                raise ScanFailed("queue_timeout", "no worker free in time") from None
            gen.killed = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            log.warning("scan worker killed after deadline", extra={"pid": pid})
            raise ScanFailed("timeout", "deadline exceeded") from None
        except (BrokenProcessPool, ScanFailed, asyncio.CancelledError):
            raise
        except Exception as exc:
            raise ScanFailed("crash", type(exc).__name__) from None

    async def _ready(self, gen: _Generation) -> None:
        """Wait for a rebuilt pool's workers to start: a message's deadline is for scanning it,
        not for starting Python and spaCy again (seconds on a busy machine)."""
        if gen.ready is None:
            return
        try:
            await asyncio.shield(gen.ready)
        except (BrokenProcessPool, asyncio.CancelledError):
            raise
        except Exception as exc:  # the new workers could not start: the message waits (451)
            raise ScanFailed("crash", f"scan workers did not restart: {exc}") from None

    @property
    def renewing(self) -> bool:
        """A fresh set of workers is starting to replace one that outgrew its memory."""
        return self._renewal is not None

    def worker_pids(self) -> list[int]:
        """The scan workers taking new messages (those that have started)."""
        slots = self._gen.slots
        return [int(slots[i]) for i in range(0, len(slots), SLOT_FIELDS) if slots[i]]

    def largest_worker_rss(self) -> int:
        """Bytes resident in the largest scan worker, as it last reported (for /metrics)."""
        return self._gen.largest_worker()[1]

    def _watch_memory(self, gen: _Generation) -> None:
        """Start replacing the workers when one has grown past `relay.worker_memory_mb`."""
        limit = gen.settings.relay.worker_memory_mb
        if not limit or gen is not self._gen or self._renewal is not None:
            return
        pid, rss = gen.largest_worker()
        if rss > limit * MB:
            log.warning(
                "scan worker over relay.worker_memory_mb; starting fresh workers",
                extra={"pid": pid, "rss_mb": round(rss / MB), "limit_mb": limit},
            )
            self._renewal = asyncio.ensure_future(self._renew(gen))

    async def _renew(self, old: _Generation) -> None:
        """Swap in a fresh set of workers; the old ones finish their messages, then exit."""
        new = self._incoming = _Generation(old.settings, self._factory, self._ctx)
        try:
            try:
                await self._probe(new, timeout=300)
            except Exception as exc:
                new.executor.shutdown(wait=False, cancel_futures=True)
                if not self._closed:
                    log.error(
                        "fresh scan workers did not start; keeping the running ones",
                        extra={"why": str(exc) or type(exc).__name__},
                    )
                return
            if self._closed or self._gen is not old:  # stopping, or a reload replaced them
                new.executor.shutdown(wait=False, cancel_futures=True)
                return
            self._take_over(new)
            self.on_renew()
        finally:
            self._renewal = self._incoming = None

    def _rebuild(self, broken: _Generation) -> None:
        if self._gen is broken:  # only the first of the messages that saw it rebuilds
            log.warning("scan pool broken; rebuilding")
            broken.executor.shutdown(wait=False, cancel_futures=True)
            new = _Generation(broken.settings, self._factory, self._ctx)
            new.ready = asyncio.ensure_future(self._probe(new, timeout=300))
            new.ready.add_done_callback(_consume)
            self._gen = new
            self.on_rebuild()

    async def reload(self, settings: Settings) -> None:
        new = _Generation(settings, self._factory, self._ctx)
        await self._probe(new, timeout=300)
        self._take_over(new)

    def _take_over(self, new: _Generation) -> None:
        """New messages go to `new`; the set it replaces finishes what it holds, then exits."""
        old, self._gen = self._gen, new
        old.executor.shutdown(wait=False)

    def close(self) -> None:
        """Stop every worker (run off the event loop: it waits for them to exit)."""
        self._closed = True
        incoming = self._incoming
        if incoming is not None:  # a renewal's workers still starting: let them start, then stop
            incoming.executor.shutdown(wait=True, cancel_futures=True)
        self._gen.executor.shutdown(wait=True, cancel_futures=True)
