"""`dlp scan` over many files: in this process, or on N worker processes.

A mailbox export or a year of sent mail is thousands of messages and the
scan is CPU-bound, so `--jobs N` spreads files over N processes (the relay's
worker set-up in `dlp.receive.pool`: spawned, SIGINT ignored, the Scanner
built once per worker). Each worker reads, scans and renders its files, so only
the printed lines cross the pipe and the output is exactly what one job
prints. Results are printed in input order as soon as the oldest one is ready;
at most `WINDOW_PER_JOB * jobs` groups of files are in flight, so memory
stays bounded however far a slow message holds back the others.  Files are
scanned in small groups whose NER spaCy reads in one batch
(`Scanner.scan_many`), which costs it about a third less than a call per
message; the lines are the same.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from dlp.config import Settings
from dlp.errors import DlpError
from dlp.model import Envelope

EXIT_OK, EXIT_UNREADABLE = 0, 1
WINDOW_PER_JOB = 4  # files queued per worker: keeps every worker busy, memory bounded
# One job scans files in groups whose NER is read in one batch; a group's messages are in
# memory together, so it is bounded in bytes too
GROUP_FILES = 16
GROUP_BYTES = 32 * 1024 * 1024


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
    return scan_group(scanner, [path], envelope, as_json)[0]


def scan_group(
    scanner: object, paths: Sequence[Path], envelope: Envelope, as_json: bool
) -> list[Outcome]:
    """`scan_one` for each file, their NER read in one batch (`Scanner.scan_many`)."""
    from dlp import report

    raws: list[bytes] = []
    unread: dict[int, Outcome] = {}
    for i, path in enumerate(paths):
        try:
            raws.append(path.read_bytes())
        except OSError as exc:
            unread[i] = Outcome(None, f"cannot read {path}: {exc.strerror}")
    results = iter(scanner.scan_many([(raw, envelope) for raw in raws]))  # type: ignore[attr-defined]
    render = report.to_json if as_json else report.to_line
    out: list[Outcome] = []
    for i, path in enumerate(paths):
        if i in unread:
            out.append(unread[i])
            continue
        result = next(results)
        if isinstance(result, Exception):  # a bug must not end a scan of a year of mail
            error = f"cannot scan {path}: internal error {result!r}; please report it"
            out.append(Outcome(None, error))
        else:
            out.append(Outcome(render(result, str(path))))
    return out


def _groups(files: Sequence[Path], most: int = GROUP_FILES) -> Iterator[list[Path]]:
    """Consecutive files, `most` at a time and no more than GROUP_BYTES together."""
    group: list[Path] = []
    size = 0
    for path in files:
        try:
            length = path.stat().st_size
        except OSError:
            length = 0  # reading it will say why it cannot be read
        if group and (len(group) >= most or size + length > GROUP_BYTES):
            yield group
            group, size = [], 0
        group.append(path)
        size += length
    if group:
        yield group


def _worker_task(
    paths: list[str], sender: str, recipients: tuple[str, ...], as_json: bool
) -> list[Outcome]:
    from dlp.receive.pool import worker_scanner

    envelope = Envelope(sender=sender, recipients=recipients)
    return scan_group(worker_scanner(), [Path(p) for p in paths], envelope, as_json)


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
        done = 0
        for group in _groups(files):
            for outcome in scan_group(scanner, group, envelope, as_json):
                status = max(status, _emit(outcome))
                done += 1
                show(done, len(files))
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
    pending: deque[tuple[list[Path], Future[list[Outcome]]]] = deque()
    # small enough groups that every worker has work even when the files are few
    most = max(1, min(GROUP_FILES, len(files) // (WINDOW_PER_JOB * jobs)))
    todo = _groups(files, most)
    status = EXIT_OK
    done = 0
    try:
        while done < len(files):
            while len(pending) < WINDOW_PER_JOB * jobs and (group := next(todo, None)):
                args = ([str(p) for p in group], envelope.sender, envelope.recipients, as_json)
                pending.append((group, executor.submit(_worker_task, *args)))
            group, future = pending.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                where = f"{group[0]}" + (f" or the {len(group) - 1} after it" if group[1:] else "")
                raise DlpError(f"a scan process died while scanning {where}") from None
            for outcome in outcomes:
                status = max(status, _emit(outcome))
                done += 1
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
