"""`dlp quarantine ...` on both backends: outputs, exit statuses, and a crash mid-release."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time

import pytest
from quarantine.helpers import SENDER, hold, mail

from dlp.cli import main
from dlp.quarantine import Status


def run(capsys, settings, *args: str) -> tuple[int, str, str]:
    code = main(["quarantine", *args, "--config", str(settings.source)])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_lines_and_filters(capsys, settings, store) -> None:
    a = hold(store, mail(subject="to gmail"))
    b = hold(store, mail(subject="to yahoo"), recipients=("x@yahoo.com",))
    code, out, _ = run(capsys, settings, "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == [b, a]
    for key in ("id", "status", "sender", "recipients", "subject", "categories", "received_at"):
        assert key in rows[0]
    assert rows[1]["status"] == "held" and rows[1]["sender"] == SENDER
    assert rows[1]["findings"] == [{"entity": "US_SSN", "where": "body", "excerpt": "***-**-6789"}]
    assert "123-45-6789" not in out
    _, out, _ = run(capsys, settings, "list", "--json", "--domain", "yahoo.com", "--since", "1d")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [b]
    _, out, _ = run(capsys, settings, "list", "--status", "released")
    assert out == ""
    _, out, _ = run(capsys, settings, "list")
    assert out.splitlines()[0].startswith(f"{b}  held")


def test_show_masks_by_default_and_reveal_is_audited(capsys, settings, store) -> None:
    qid = hold(store)
    code, out, _ = run(capsys, settings, "show", qid)
    assert code == 0 and "[***-**-6789]" in out and "123-45-6789" not in out
    assert "E.2" in out and store.audit_log(qid) == []
    code, out, _ = run(capsys, settings, "show", qid, "--reveal", "--reason", "verify")
    assert code == 0 and "[123-45-6789]" in out
    [entry] = store.audit_log(qid)
    assert (entry.action, entry.reason) == ("reveal", "verify")
    assert entry.actor.startswith("cli:")


def test_release_and_reject_exit_statuses(capsys, settings, store, sink) -> None:
    a, b = hold(store, mail(subject="a")), hold(store, mail(subject="b"))
    code, out, _ = run(capsys, settings, "release", a, "--reason", "consent on file")
    assert code == 0 and "released" in out and len(sink.wait_for(1)) == 1
    code, _, err = run(capsys, settings, "release", a, "--reason", "again")
    assert code == 1 and err.startswith(f"dlp: {a}: {a} is already released (store ")
    code, _, err = run(capsys, settings, "release", "nosuchid", "--reason", "x")
    assert code == 1 and "no quarantined message with id 'nosuchid'" in err
    code, out, _ = run(capsys, settings, "reject", b, "--reason", "personal address")
    assert code == 0 and "rejected" in out
    code, _, err = run(capsys, settings, "reject", b, "--reason", "again")
    assert code == 1 and "already rejected" in err
    with pytest.raises(SystemExit) as usage:
        main(["quarantine", "release", a])  # --reason is required
    assert usage.value.code == 2


def test_purge_and_audit_exports(capsys, settings, store) -> None:
    old = hold(store, mail(subject="old"), received_at=time.time() - 100 * 86400)
    hold(store, mail(subject="new"))
    code, out, _ = run(capsys, settings, "purge", "--json")
    assert code == 0 and json.loads(out) == {"purged": 1, "ids": [old]}
    store.audit("cli:root", "note", None, '=HYPERLINK("x")')
    _, out, _ = run(capsys, settings, "audit", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["action"] for r in rows] == ["note", "purge"]
    assert rows[0]["reason"].startswith("'=")  # a spreadsheet never runs it
    _, out, _ = run(capsys, settings, "audit", "--json")
    assert json.loads(out.splitlines()[1])["message_id"] == old


def test_user_add_from_stdin(capsys, settings, store, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    code, _, _ = run(capsys, settings, "user", "add", "pat", "--role", "reviewer")
    assert code == 0
    _, out, _ = run(capsys, settings, "user", "list")
    assert out.split() == ["pat", "reviewer", "active"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, settings, "user", "add", "bob", "--role", "admin")
    assert code == 1 and "at least 12 characters" in err


CRASH = """
import os, sys
from dlp.quarantine.store import SqlStore
SqlStore.finish_release = lambda *a, **k: os._exit(9)  # dies after the next hop said 250
from dlp.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_crash_between_reinjection_and_marking_never_duplicates(
    capsys, make_settings, store, sink
) -> None:
    settings = make_settings(relay={"next_hop_timeout": 0.5})  # a 2-second release lease
    qid = hold(store)
    args = ["quarantine", "release", qid, "--reason", "ok", "--config", str(settings.source)]
    crashed = subprocess.run([sys.executable, "-c", CRASH, *args], env=dict(os.environ),
                             capture_output=True, timeout=120)  # fmt: skip
    assert crashed.returncode == 9, crashed.stderr
    assert len(sink.wait_for(1)) == 1 and store.get(qid).status is Status.RELEASING
    code, _, err = run(capsys, settings, "release", qid, "--reason", "retry")
    assert code == 1 and "being released" in err
    time.sleep(2.2)
    code, _, err = run(capsys, settings, "release", qid, "--reason", "retry")
    assert code == 1 and "interrupted and may have been delivered" in err
    assert "--confirm-delivered" in err and len(sink.messages) == 1
    code, _, _ = run(capsys, settings, "release", qid, "--reason", "in the log",
                     "--confirm-delivered")  # fmt: skip
    assert code == 0 and store.get(qid).status is Status.RELEASED
    assert len(sink.wait_for(2, timeout=0.5)) == 1
    assert [e.action for e in store.audit_log(qid)] == ["release-confirmed"]


def test_an_interrupted_release_can_be_resent_on_purpose(
    capsys, make_settings, store, sink
) -> None:
    settings = make_settings(relay={"next_hop_timeout": 0.5})
    qid = hold(store)
    store.begin_release(qid, "cli:root", "ok", "token-of-a-dead-process", 2.0)
    time.sleep(2.2)
    code, _, _ = run(capsys, settings, "release", qid, "--reason", "not in the log", "--resend")
    assert code == 0 and len(sink.wait_for(1)) == 1
    assert b"token-of-a-dead-process" not in sink.messages[0].data
    assert [e.action for e in store.audit_log(qid)] == ["release", "release-resend"]
