"""A week's CLI work on both backends: find by --search, release several at once, and the
FERPA record of disclosures that release leaves behind (append-only, kept past purge)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from quarantine.helpers import hold, mail, student_findings

from dlp.cli import main
from dlp.quarantine import Status

ROSTER = "Name,ID,Birth date\nJacob Martinez,S100201,2011-04-09\nMaria Lopez,S100202,2011-07-21\n"
STUDENT_RECORD = ("student_record", "bulk_roster")


def run(capsys, settings, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--config", str(settings.source)])
    out, err = capsys.readouterr()
    return code, out, err


def held_records(store) -> tuple[str, str, str]:
    roster = mail(subject="Period 3 roster for the transfer", to="registrar@district-b.org",
                  body="Roster attached.", attach=("roster-period3.csv", ROSTER))  # fmt: skip
    a = hold(store, roster, recipients=("registrar@district-b.org",), categories=STUDENT_RECORD,
             findings=student_findings(roster))  # fmt: skip
    note = mail(subject="Progress note", body="Dear parent,\nAna Ruiz S100377 is doing well.")
    b = hold(store, note, recipients=("aunt@gmail.com",), categories=("student_record",),
             findings=student_findings(note))  # fmt: skip
    c = hold(store, mail(subject="Field trip", body="Bus leaves at 9, SSN 123-45-6789."))
    return a, b, c


def test_search_bulk_release_and_one_disclosure_per_student(capsys, settings, store, sink):
    a, b, c = held_records(store)
    code, out, _ = run(capsys, settings, "quarantine", "list", "--search", "S100", "--json")
    assert code == 0 and {json.loads(x)["id"] for x in out.splitlines()} == {a, b}
    _, out, _ = run(capsys, settings, "quarantine", "list", "--search", "ROSTER-PERIOD3.csv")
    assert [line.split()[0] for line in out.splitlines()] == [a]  # an attachment's name

    code, _, err = run(capsys, settings, "quarantine", "release", a, b, "--reason", "records")
    assert code == 1 and err.count("add --basis") == 2 and sink.data_commands == 0

    why = "records request from the new school"
    code, out, err = run(capsys, settings, "quarantine", "release", a, b, "nosuchid",
                         "--reason", why, "--basis", "transfer")  # fmt: skip
    assert code == 1 and "nosuchid" in err and "1 of 3 failed" in err
    assert out.count(" released to ") == 2
    assert len(sink.wait_for(2)) == 2 and store.get(a).status is Status.RELEASED

    code, out, _ = run(capsys, settings, "disclosures", "list", "--json", "--since", "1d")
    entries = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and sorted(e["student"] for e in entries) == ["S100201", "S100202", "S100377"]
    for e in entries:
        assert e["basis"] == "transfer" and e["exempt"] is False
        assert e["reason"] == "records request from the new school"
        assert e["officer"].startswith("cli:") and e["disclosed_at"].endswith("Z")
        assert "student_record" in e["categories"]
    by_id = {e["student"]: e for e in entries}
    assert by_id["S100201"]["recipients"] == ["registrar@district-b.org"]
    assert by_id["S100201"]["quarantine_id"] == a and by_id["S100377"]["quarantine_id"] == b
    assert by_id["S100377"]["recipients"] == ["aunt@gmail.com"]

    _, out, _ = run(capsys, settings, "disclosures", "list", "--student", "s100377")
    assert len(out.splitlines()) == 1 and "aunt@gmail.com" in out and "basis: another school" in out

    code, out, _ = run(capsys, settings, "quarantine", "release", c, "--reason", "not a record")
    assert code == 0  # an SSN alone is no student record: no basis asked, nothing recorded
    run(capsys, settings, "quarantine", "purge", "--older-than", "0")
    _, out, _ = run(capsys, settings, "disclosures", "list", "--json")
    assert len(out.splitlines()) == 3  # kept past the quarantine's retention
    with pytest.raises(store.db.errors), store.db.transaction() as tx:
        tx.execute("UPDATE disclosures SET basis = 'consent'")


def test_consent_is_recorded_and_marked_exempt(capsys, settings, store, sink):
    _a, b, _c = held_records(store)
    code, _, _ = run(capsys, settings, "quarantine", "release", b, "--reason", "signed form",
                     "--basis", "consent")  # fmt: skip
    assert code == 0
    _, out, _ = run(capsys, settings, "disclosures", "list", "--json")
    [entry] = [json.loads(x) for x in out.splitlines()]
    assert entry["basis"] == "consent" and entry["exempt"] is True


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_line_names_the_store_and_new_files_are_private(capsys, settings, store):
    code, _, err = run(capsys, settings, "quarantine", "list")
    assert code == 0 and f"no messages match in sqlite:///{Path(store.db.path)}" in err
    assert stat.S_IMODE(os.stat(store.db.path).st_mode) == 0o600
    code, _, err = run(capsys, settings, "quarantine", "reject", "nosuchid", "--reason", "x")
    assert code == 1 and f"(store sqlite:///{store.db.path})" in err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_without_config_the_relays_own_config_is_used(capsys, settings, store, monkeypatch):
    import dlp.review.cli

    monkeypatch.setattr(dlp.review.cli, "SYSTEM_CONFIG", settings.source)  # /etc/dlp/config.yaml
    hold(store, mail(subject="held by the relay"))
    code = main(["quarantine", "list"])  # no --config
    assert code == 0 and "held by the relay" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_list_masks_an_identifier_in_the_subject(capsys, settings, store):
    hold(store, mail(subject="Forms for SSN 123-45-6789"))
    code, out, _ = run(capsys, settings, "quarantine", "list")
    assert code == 0 and "Forms for SSN ***-**-6789" in out and "123-45-6789" not in out


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_list_into_a_closed_pipe_exits_quietly(settings, store):
    for n in range(300):
        hold(store, mail(subject=f"message {n}"))
    cmd = [sys.executable, "-m", "dlp", "quarantine", "list", "--config", str(settings.source)]
    lister = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert lister.stdout is not None
    lister.stdout.readline()
    lister.stdout.close()  # as `| head -1` does
    _, err = lister.communicate(timeout=120)
    assert lister.returncode == 0 and err == b""


def test_an_interrupted_release_confirmed_delivered_is_recorded_too(capsys, make_settings, store):
    settings = make_settings(relay={"next_hop_timeout": 0.5})  # a 2-second release lease
    _a, b, _c = held_records(store)
    store.begin_release(b, "cli:root", "ok", "token-of-a-dead-process", 2.0)
    time.sleep(2.2)
    args = ("quarantine", "release", b, "--reason", "in the mail log", "--confirm-delivered")
    code, _, err = run(capsys, settings, *args)
    assert code == 1 and "add --basis" in err
    code, _, _ = run(capsys, settings, *args, "--basis", "emergency")
    assert code == 0 and store.get(b).status is Status.RELEASED
    _, out, _ = run(capsys, settings, "disclosures", "list", "--json")
    [entry] = [json.loads(x) for x in out.splitlines()]
    assert entry["student"] == "S100377" and entry["basis"] == "emergency"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create files for another user")
def test_root_creating_the_store_leaves_it_to_the_folders_owner(tmp_path):
    from dlp.quarantine import SqliteQuarantineStore

    home = tmp_path / "var-lib-dlp"
    home.mkdir()
    os.chown(home, 4242, 4242)  # the service user's folder
    SqliteQuarantineStore(home / "quarantine.db", home / "quarantine")
    for made in (home / "quarantine.db", home / "quarantine"):
        assert (made.stat().st_uid, made.stat().st_gid) == (4242, 4242), made
    assert stat.S_IMODE((home / "quarantine.db").stat().st_mode) == 0o600
