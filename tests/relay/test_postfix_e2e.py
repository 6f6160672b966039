"""End to end with a real Postfix: Postfix → dlp serve (real scanner) → Postfix → smtp-sink.

Outcomes are checked where the messages end up (the sink's files, the
quarantine database), never by trusting the relay's own log.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import need
from .postfix_rig import DlpProcess, PostfixRig, wait_delivered
from .util import free_port, wait_until

SSN_BODY = "Hi,\n\nHere is the form you asked for. SSN: 536-22-8745\n\nThanks"
LUNCH_BODY = "Lunch is at noon on Friday in the staff room."
SENDER = "teacher@westpark.k12.ca.us"


@pytest.fixture(scope="module")
def rig() -> Iterator[PostfixRig]:
    for binary in ("postfix", "smtp-sink", "swaks"):
        need(binary)
    rig = PostfixRig()
    rig.setup()
    try:
        rig.start()
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def dlp(rig: PostfixRig, tmp_path: Path) -> Iterator[DlpProcess]:
    rig.clear_sink()
    proc = DlpProcess(tmp_path, rig).start()
    yield proc
    proc.kill()


def swaks(rig: PostfixRig, to: str, subject: str, body: str) -> str:
    run = subprocess.run(
        [need("swaks"), "--server", f"127.0.0.1:{rig.port}", "--from", SENDER, "--to", to,
         "--header", f"Subject: {subject}", "--body", body, "--timeout", "60"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout
    return run.stdout


def held_count(folder: Path) -> int:
    db = folder / "q.db"
    if not db.exists():
        return 0
    return int(sqlite3.connect(db).execute("SELECT count(*) FROM quarantine").fetchone()[0])


def test_postfix_pass_quarantine_and_bounce_end_where_the_policy_says(
    rig: PostfixRig, dlp: DlpProcess, tmp_path: Path
) -> None:
    swaks(rig, "friend@gmail.com", "Lunch", LUNCH_BODY)
    swaks(rig, "friend@gmail.com", "Form", SSN_BODY)
    swaks(rig, "records@lincoln-usd.k12.ca.us", "Form", SSN_BODY)
    # pass relayed, bounce as a DSN, and the "held for review" notice to the district sender
    delivered = wait_delivered(rig, 3)
    assert wait_until(lambda: rig.queue_empty(), 60), rig.log()
    assert len(rig.delivered()) == 3, rig.log()
    passed = [m for m in delivered if b"X-DLP-Verdict: pass" in m]
    dsns = [m for m in delivered if b"multipart/report" in m]
    notices = [m for m in delivered if b"X-DLP-Quarantine-ID:" in m]
    assert len(notices) == 1 and f"X-Rcpt-Args: <{SENDER}>".encode() in notices[0]
    assert b"536-22-8745" not in notices[0]
    assert len(passed) == 1 and LUNCH_BODY.encode() in passed[0]
    assert b"X-Rcpt-Args: <friend@gmail.com>" in passed[0]
    assert len(dsns) == 1 and b"X-Mail-Args: <>" in dsns[0]
    assert f"X-Rcpt-Args: <{SENDER}>".encode() in dsns[0]
    assert b"536-22-8745" not in dsns[0] and b"8745" in dsns[0] and b"S/MIME" in dsns[0]
    assert held_count(tmp_path) == 1


def test_next_hop_down_postfix_defers_then_delivers_exactly_once(
    rig: PostfixRig, tmp_path: Path
) -> None:
    rig.clear_sink()
    rig.clear_queue()
    hop_port = free_port()
    hop_dir = rig.d / f"hop-{hop_port}"
    proc = DlpProcess(tmp_path, rig, next_hop=hop_port).start()
    hop = None
    try:
        swaks(rig, "friend@gmail.com", "Lunch", LUNCH_BODY)
        assert wait_until(lambda: "4.4.1" in rig.log(), 60), rig.log()
        assert not rig.queue_empty()  # deferred, not bounced
        hop = rig.start_sink(hop_port, hop_dir)
        assert wait_until(lambda: (rig.flush() or True) and rig.queue_empty(), 90), rig.log()
        time.sleep(1)
        assert len(rig.delivered(hop_dir)) == 1
        assert rig.delivered() == []  # no bounce to the sender either
    finally:
        proc.kill()
        if hop is not None:
            hop.terminate()
            hop.wait(10)


def test_dlp_killed_mid_message_then_restarted_delivers_exactly_once(
    rig: PostfixRig, tmp_path: Path
) -> None:
    rig.clear_sink()
    rig.clear_queue()
    hop_port = free_port()
    hop_dir = rig.d / f"slowhop-{hop_port}"
    # a next hop that stalls at DATA, so dlp is caught in the middle of forwarding
    slow = rig.start_sink(hop_port, hop_dir, "-w", "8")
    proc = DlpProcess(tmp_path, rig, next_hop=hop_port).start()
    try:
        swaks(rig, "friend@gmail.com", "Lunch", LUNCH_BODY)
        assert wait_until(lambda: proc.metric("dlp_messages_in_flight") >= 1, 60)
        proc.kill()  # SIGKILL, whole process group, mid-forward
        assert not rig.queue_empty()
        proc.start()
        assert wait_until(lambda: (rig.flush() or True) and rig.queue_empty(), 120), rig.log()
        time.sleep(1)
        assert len(rig.delivered(hop_dir)) == 1
    finally:
        proc.kill()
        slow.terminate()
        slow.wait(10)


def _original_ids(messages: list[bytes]) -> list[str]:
    """Postfix queue id of the first hop (the bottom-most Postfix Received line)."""
    import re

    ids = []
    for m in messages:
        found = re.findall(rb"\(Postfix\) with E?SMTP id ([0-9A-Za-z]+)", m)
        ids.append(found[-1].decode() if found else "?")
    return ids


def test_ledger_200_messages_with_dlp_killed_midway_all_accounted_for(
    rig: PostfixRig, dlp: DlpProcess, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.eml"
    plain.write_text(f"From: {SENDER}\nSubject: Lunch\n\n{LUNCH_BODY}\n")
    ssn = tmp_path / "ssn.eml"
    ssn.write_text(f"From: {SENDER}\nSubject: Form\n\n{SSN_BODY}\n")
    batches = [(plain, "friend@gmail.com", 120), (ssn, "friend@gmail.com", 40),
               (ssn, "records@lincoln-usd.k12.ca.us", 40)]  # fmt: skip
    for path, rcpt, count in batches:
        subprocess.run(
            ["smtp-source", "-c", "-m", str(count), "-s", "4", "-f", SENDER, "-t", rcpt,
             "-F", str(path), f"127.0.0.1:{rig.port}"],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    wait_until(lambda: len(rig.delivered()) >= 20, 60)
    dlp.kill()  # SIGKILL in the middle of the run
    dlp.start()
    assert wait_until(lambda: (rig.flush() or True) and rig.queue_empty(), 180), rig.log()
    time.sleep(1)
    delivered = rig.delivered()
    passed = _original_ids([m for m in delivered if b"X-DLP-Verdict: pass" in m])
    # RFC 3464 bounces only: "held for review" notices also come from <> but are plain text
    dsns = _original_ids(
        [m for m in delivered if b"X-Mail-Args: <>" in m and b"report-type=delivery-status" in m]
    )
    held = held_count(tmp_path)
    duplicates = (len(passed) - len(set(passed))) + (len(dsns) - len(set(dsns)))
    print(f"ledger: passed {len(set(passed))}, bounced {len(set(dsns))}, held {held}, "
          f"duplicates {duplicates} (at-least-once after the kill)")  # fmt: skip
    assert len(set(passed)) == 120 and len(set(dsns)) == 40 and held == 40
    assert len(set(passed) | set(dsns)) == 160  # no message both relayed and bounced
    assert duplicates <= 8  # only what was in flight at the kill (Postfix's maxproc 4 per hop)
