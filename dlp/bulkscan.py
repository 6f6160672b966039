"""`dlp scan` over many files: in this process, or on N worker processes.

A mailbox export or a year of sent mail is thousands of messages and the
scan is CPU-bound, so `--jobs N` spreads files over N processes (the relay's
worker set-up in `dlp.receive.pool`: spawned, SIGINT ignored, the Scanner
built once per worker). Each worker reads, scans and renders a file, so only
the printed line crosses the pipe and the output is exactly what one job
prints. Results are printed in input order as soon as the oldest one is ready;
at most `WINDOW_PER_JOB * jobs` files are in flight, so memory stays bounded
however far a slow message holds back the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from dlp.config import Settings
from dlp.errors import DlpError
from dlp.model import Envelope

EXIT_OK, EXIT_UNREADABLE = 0, 1
WINDOW_PER_JOB = 4  # files queued per worker: keeps every worker busy, memory bounded


@dataclass(frozen=True)
class Outcome:
    """One file's printed line, or why it could not be read (picklable, small)."""

    line: str | None
    error: str | None = None


def default_jobs() -> int:
    """The cores this process may run on (respects `taskset`), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def scan_one(scanner: object, path: Path, envelope: Envelope, as_json: bool) -> Outcome:
    """Read, scan and render one file exactly as every job count prints it."""
    from dlp import report

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Outcome(None, f"cannot read {path}: {exc.strerror}")
    try:
        result = scanner.scan(raw, envelope)  # type: ignore[attr-defined]
    except Exception as exc:  # a bug must not end a scan of a year of mail at one message
        return Outcome(None, f"cannot scan {path}: internal error {exc!r}; please report it")
    render = report.to_json if as_json else report.to_line
    return Outcome(render(result, str(path)))


def _worker_task(path: str, sender: str, recipients: tuple[str, ...], as_json: bool) -> Outcome:
    from dlp.receive.pool import worker_scanner

    envelope = Envelope(sender=sender, recipients=recipients)
    return scan_one(worker_scanner(), Path(path), envelope, as_json)


def _progress(enabled: bool) -> Callable[[int, int], None]:
    """A one-line counter on a terminal's stderr; silent in pipes."""

    def show(done: int, total: int) -> None:
        if enabled:
            end = "\n" if done == total else ""
            sys.stderr.write(f"\r\x1b[Kscanned {done}/{total}{end}")
            sys.stderr.flush()

    return show


def _emit(outcome: Outcome) -> int:
    if outcome.line is None:
        print(f"dlp: {outcome.error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(outcome.line, flush=True)
    return EXIT_OK


def scan_files(
    files: Sequence[Path], settings: Settings, envelope: Envelope, jobs: int, as_json: bool
) -> int:
    """Print one result per file in input order; 0 if every file was read, else 1."""
    jobs = min(jobs, len(files))
    show = _progress(sys.stderr.isatty() and len(files) > 1)
    if jobs <= 1:
        from dlp.pipeline import Scanner

        scanner = Scanner(settings)
        status = EXIT_OK
        for n, path in enumerate(files, 1):
            status = max(status, _emit(scan_one(scanner, path, envelope, as_json)))
            show(n, len(files))
        return status
    return _scan_parallel(files, settings, envelope, jobs, as_json, show)


def _scan_parallel(
    files: Sequence[Path],
    settings: Settings,
    envelope: Envelope,
    jobs: int,
    as_json: bool,
    show: Callable[[int, int], None],
) -> int:
    from dlp.receive.pool import worker_setup

    ctx = mp.get_context("spawn")
    initializer, initargs = worker_setup(settings, ctx)
    executor = ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=initializer, initargs=initargs
    )
    pending: deque[tuple[Path, Future[Outcome]]] = deque()
    todo = iter(files)
    status = EXIT_OK
    try:
        for done in range(1, len(files) + 1):
            while len(pending) < WINDOW_PER_JOB * jobs and (path := next(todo, None)):
                args = (str(path), envelope.sender, envelope.recipients, as_json)
                pending.append((path, executor.submit(_worker_task, *args)))
            path, future = pending.popleft()
            try:
                outcome = future.result()
            except BrokenProcessPool:
                raise DlpError(f"a scan process died while scanning {path}") from None
            status = max(status, _emit(outcome))
            show(done, len(files))
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown(wait=True)
    return status


def _stop(executor: ProcessPoolExecutor) -> None:
    """Interrupted or failed: drop queued files and end the workers now, not after their scan."""
    processes = list(getattr(executor, "_processes", {}).values())  # no public accessor
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
