"""`dlp scan --jobs N`: the same lines, order and exit status as one job, on N processes."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, make_message

HOLDOUT = ROOT / "tests" / "fixtures" / "mail" / "holdout3"
SCAN_ID = re.compile(r', "scan_id": "[0-9a-f]{16}"')  # a fresh random id per scan, by design


def dlp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def varied_inputs(tmp_path: Path) -> list[str]:
    """Real labelled messages (attachments, HTML, sensitive and not) in a shuffled order."""
    files = sorted(HOLDOUT.glob("*.eml"))[:24]
    shuffled = files[1::2][::-1] + files[::2]  # not sorted: output must follow this order
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.eml").write_bytes(
        make_message("Student ID 1234567, IEP attached.", to="p@gmail.com")
    )
    (extra / "b.eml").write_bytes(make_message("Lunch at noon?"))
    return [str(p) for p in shuffled[:12]] + [str(extra)] + [str(p) for p in shuffled[12:]]


def test_two_jobs_print_the_same_json_lines_in_input_order_as_one(tmp_path: Path) -> None:
    paths = varied_inputs(tmp_path)
    config = ["--config", str(HOLDOUT / "config.yaml")]
    one = dlp("scan", "--json", "--jobs", "1", *config, *paths)
    two = dlp("scan", "--json", "--jobs", "2", *config, *paths)
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert SCAN_ID.sub("", two.stdout) == SCAN_ID.sub("", one.stdout)
    names = [re.search(r'"file": "([^"]+)"', line)[1] for line in two.stdout.splitlines()]  # type: ignore[index]
    expected = [*paths[:12], f"{tmp_path}/extra/a.eml", f"{tmp_path}/extra/b.eml", *paths[13:]]
    assert names == expected
    assert '"verdict": "quarantine"' in two.stdout and '"verdict": "pass"' in two.stdout
    assert two.stderr == ""  # no progress counter when stderr is not a terminal


def test_two_jobs_print_the_same_table_as_one(tmp_path: Path) -> None:
    paths = [str(p) for p in sorted(HOLDOUT.glob("*.eml"))[:6]]
    one = dlp("scan", "--jobs", "1", *paths)
    two = dlp("scan", "--jobs", "2", *paths)
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert two.stdout == one.stdout and len(two.stdout.splitlines()) == 6


def test_unreadable_file_exits_1_with_either_job_count(tmp_path: Path) -> None:
    good = [str(p) for p in sorted(HOLDOUT.glob("*.eml"))[:3]]
    missing = str(tmp_path / "missing.eml")
    for jobs in ("1", "2"):
        out = dlp("scan", "--json", "--jobs", jobs, good[0], missing, *good[1:])
        assert out.returncode == 1, (jobs, out.stderr)
        assert len(out.stdout.splitlines()) == 3
        assert out.stderr.strip() == f"dlp: cannot read {missing}: No such file or directory"


def test_jobs_below_one_is_a_usage_error() -> None:
    for bad in ("0", "-3", "many"):
        out = dlp("scan", "--jobs", bad, str(HOLDOUT))
        assert out.returncode == 2, bad
        assert "--jobs" in out.stderr and "Traceback" not in out.stderr


def test_ctrl_c_stops_the_workers_and_exits_130() -> None:
    paths = [str(p) for p in sorted(HOLDOUT.glob("*.eml"))] * 20  # far more than it can finish
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlp", "scan", "--jobs", "2", *paths],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        # as from a terminal: a test run started in the background (`nohup ... &`) ignores
        # SIGINT, and its children would inherit that
        preexec_fn=_default_sigint,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # streamed: the first result arrives before the rest
        assert first.startswith(("PASS", "QUARANTINE", "BOUNCE")), first
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert len(workers) >= 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
        assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers)
    finally:
        proc.kill()
        proc.communicate()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class _BrokenScanner:
    """Stands in for a scanner with a bug: no real input reliably triggers one."""

    def scan_many(self, messages: list[tuple[bytes, object]]) -> list[Exception]:
        return [RuntimeError("generator raised StopIteration") for _ in messages]


def test_a_scan_that_fails_inside_is_reported_and_the_next_file_still_scanned(
    tmp_path: Path,
) -> None:
    from dlp.bulkscan import scan_one
    from dlp.model import Envelope

    path = tmp_path / "a.eml"
    path.write_bytes(make_message("Lunch at noon?"))
    outcome = scan_one(_BrokenScanner(), path, Envelope("", ()), as_json=True)
    assert outcome.line is None
    assert str(path) in str(outcome.error) and "internal error" in str(outcome.error)


def test_scanning_several_messages_together_gives_each_ones_own_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`scan_many` batches the messages' NER into one call to spaCy; each result is the
    one `scan` gives, and a message whose scan fails inside fails alone."""
    from dlp import config, pipeline
    from dlp.pipeline import Scanner

    scanner = Scanner(config.load(HOLDOUT / "config.yaml"))
    raws = [p.read_bytes() for p in sorted(HOLDOUT.glob("*.eml"))[:12]]
    broken = make_message("Lunch at noon?", subject="breaks the reader")
    alone = [scanner.scan(raw) for raw in raws]
    calls: list[int] = []
    ner = scanner.detector.ner

    def counted(texts: list[str]) -> list[object]:
        calls.append(len(texts))
        return ner(texts)  # type: ignore[return-value]

    read = pipeline.read_message

    def failing(raw: bytes, limits: object) -> object:
        if raw == broken:
            raise RuntimeError("a bug")
        return read(raw, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(scanner.detector, "ner", counted)
    monkeypatch.setattr(pipeline, "read_message", failing)
    together = scanner.scan_many(
        [(raw, None) for raw in raws[:6]] + [(broken, None)] + [(raw, None) for raw in raws[6:]]
    )
    assert isinstance(together[6], RuntimeError)
    del together[6]
    for a, b in zip(alone, together, strict=True):
        assert not isinstance(b, Exception)
        assert (a.findings, a.categories, a.decision) == (b.findings, b.categories, b.decision)
    assert calls and len(calls) <= 2 and sum(calls) > len(raws)  # one round (a second opinion)


def test_one_job_groups_files_by_count_and_size(tmp_path: Path) -> None:
    from dlp import bulkscan

    small = []
    for i in range(bulkscan.GROUP_FILES + 3):
        path = tmp_path / f"{i}.eml"
        path.write_bytes(b"x")
        small.append(path)
    assert [len(g) for g in bulkscan._groups(small)] == [bulkscan.GROUP_FILES, 3]
    big = tmp_path / "big.eml"
    big.write_bytes(b"x" * (bulkscan.GROUP_BYTES // 2 + 1))
    sizes = [len(g) for g in bulkscan._groups([small[0], big, big, small[1]])]
    assert sizes == [2, 2]  # two halves do not fit one group
