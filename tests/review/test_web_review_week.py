"""A privacy officer's week in headless Chromium: search, bulk release, grouped evidence,
claims and notes, false positives exported for tuning, and the record of disclosures.

Each step waits for a condition (tests/review/browser.py); the screenshots in docs/ are
taken here when DLP_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from quarantine.helpers import hold, mail, student_findings

from dlp.extract.mime import walk
from dlp.quarantine import HeldFinding, Status

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
pytest.importorskip("selenium.webdriver")
from .browser import by, follow, go, log_in, shot, submit, wait_for, wait_text  # noqa: E402

ROSTER = (
    "Name,ID,Birth date\nJacob Martinez,S100201,2011-04-09\nMaria Lopez,S100202,2011-07-21\n"
    "Ana Ruiz,S100203,2011-02-02\nLeo Chen,S100204,2011-10-30\n"
)
STUDENT_RECORD = ("student_record", "bulk_roster")


def hold_roster(store, to: str = "registrar@district-b.org") -> str:
    """A roster of four students to an outside school, plus the record word 'IEP'."""
    raw = mail(subject="Period 3 roster", to=to, body="Roster attached; IEP notes follow.",
               attach=("roster-period3.csv", ROSTER))  # fmt: skip
    [(n, body)] = [(n, c) for n, c in enumerate(walk(raw).chunks) if c.where == "body"]
    at = body.text.index("IEP")
    term = HeldFinding("STUDENT_RECORD_TERM", "body", n, at, at + 3, 0.9, "student_record_doc",
                       "IEP")  # fmt: skip
    return hold(store, raw, recipients=(to,), categories=STUDENT_RECORD,
                findings=(term, *student_findings(raw)))  # fmt: skip


def test_search_finds_attachment_text_and_the_url_keeps_filters_and_sort(
    web, browser, tmp_path: Path
) -> None:
    b = browser
    base, store = web()
    roster = hold_roster(store)
    for n in range(5):
        hold(store, mail(subject=f"Lunch menu {n}", body="Tacos on Tuesday"))
    log_in(b, base, "pat")
    assert wait_text(b, "#showing", "of 6")
    b.find_element(*by("#f-q")).send_keys("maria lopez")  # only inside the attachment
    submit(b, "#filter")
    assert "q=maria+lopez" in b.current_url
    rows = b.find_elements(*by("#queue tbody tr"))
    assert len(rows) == 1 and "Period 3 roster" in rows[0].text
    assert wait_text(b, "#showing", "Showing 1–1 of 1")
    submit(b, "#sort-recipients")
    assert "sort=recipients" in b.current_url and "q=maria+lopez" in b.current_url
    shot(b, tmp_path, "review-search.png")
    go(b, f"{base}/?per=25&sort=subject&dir=asc")
    subjects = [e.text for e in b.find_elements(*by("#queue tbody a.open"))]
    assert subjects == sorted(subjects) and len(subjects) == 6
    assert roster


def test_bulk_release_of_every_matching_message_reinjects_each_exactly_once(
    web, browser, sink, tmp_path: Path
) -> None:
    b = browser
    base, store = web()
    ids = [hold(store, mail(subject=f"Bus list {n}", to="driver@charter-bus.com"),
                recipients=("driver@charter-bus.com",)) for n in range(30)]  # fmt: skip
    other = hold(store, mail(subject="Other"), recipients=("x@yahoo.com",))
    log_in(b, base, "pat")
    go(b, f"{base}/?domain=charter-bus.com&per=25")
    assert wait_text(b, "#showing", "Showing 1–25 of 30")
    b.find_element(*by("#all-matching")).click()
    b.find_element(*by("#bulk-reason")).send_keys("Field trip transport, contract on file")
    shot(b, tmp_path, "review-bulk.png")
    submit(b, "#bulk-go")
    assert wait_text(b, ".flash", "30 message(s) released.")
    got = sink.wait_for(30)
    assert [m.recipients for m in got] == [["driver@charter-bus.com"]] * 30
    assert len(sink.wait_for(31, timeout=1)) == 30  # none twice
    assert all(store.get(q).status is Status.RELEASED for q in ids)
    assert store.get(other).status is Status.HELD
    releases = [e for e in store.audit_log() if e.action == "release"]
    assert sorted(e.message_id for e in releases) == sorted(ids)


def test_bulk_release_of_student_records_without_a_basis_releases_none(web, browser, sink):
    b = browser
    base, store = web()
    qid = hold_roster(store)
    log_in(b, base, "pat")
    b.find_element(*by(f"input.pick[value='{qid}']")).click()
    b.find_element(*by("#bulk-reason")).send_keys("requested")
    submit(b, "#bulk-go")
    assert wait_text(b, ".flash", "needs a basis")
    assert store.get(qid).status is Status.HELD and sink.data_commands == 0


def test_evidence_is_grouped_in_words_and_names_are_masked_like_every_value(
    web, browser, tmp_path: Path
) -> None:
    b = browser
    base, store = web()
    qid = hold_roster(store)
    log_in(b, base, "pat")
    go(b, f"{base}/m/{qid}")
    groups = wait_for(b, "#evidence")
    text = groups.text
    assert "4 student IDs" in text and "4 birth dates" in text and "4 student names" in text
    assert "in roster-period3.csv" in text
    page = b.page_source
    for raw_value in ("Jacob Martinez", "S100201", "2011-04-09"):
        assert raw_value not in page, raw_value  # names masked like IDs and dates
    for entity in ("ROSTER_STUDENT_NAME", "ROSTER_STUDENT_ID", "STUDENT_RECORD_TERM"):
        assert entity not in page
    assert len(b.find_elements(*by("#evidence button.reveal"))) == 1  # one per group of values
    shot(b, tmp_path, "review-evidence.png")
    submit(b, "#evidence button.reveal")
    assert wait_text(b, "#evidence", "Jacob Martinez")
    assert "S100204" in b.find_element(*by("#evidence")).text
    [entry] = store.audit_log(qid)
    assert entry.action == "reveal" and entry.detail.count("#") == 12


def test_claim_and_notes_are_shared_between_reviewers(web, browser) -> None:
    b = browser
    base, store = web()
    qid = hold(store)
    log_in(b, base, "pat")
    go(b, f"{base}/m/{qid}")
    submit(b, "#assign")  # the selector starts on yourself: a claim
    assert wait_text(b, "#claimed", "pat")
    b.find_element(*by("#note-text")).send_keys("Called the teacher; waiting for the form.")
    submit(b, "#add-note")
    log_in(b, base, "ada")
    go(b, f"{base}/?assigned=pat")
    follow(b, "Records")
    assert wait_text(b, "#team", "Called the teacher; waiting for the form.")
    assert wait_text(b, "#claimed", "pat")
    assert [e.action for e in store.audit_log(qid)] == ["note", "claim"]


def test_a_false_positive_is_its_own_decision_and_exports_for_patterns_test(
    web, browser, sink, tmp_path: Path
) -> None:
    b = browser
    base, store = web()
    fp = hold(store, mail(subject="Vendor manual sample", body="Sample SSN 123-45-6789."))
    hold(store, mail(subject="Real one"))
    log_in(b, base, "pat")
    go(b, f"{base}/m/{fp}")
    b.find_element(*by("#fp-reason")).send_keys("the vendor's published sample number")
    submit(b, "#false-positive")
    assert wait_text(b, ".flash", "false positive")
    assert len(sink.wait_for(1)) == 1 and store.get(fp).false_positive
    assert [e.action for e in store.audit_log(fp)] == ["false-positive"]
    out = tmp_path / "fp"
    config = str(store_config(web))
    done = subprocess.run([sys.executable, "-m", "dlp", "quarantine", "export", str(out),
                           "--decision", "false-positive", "--config", config],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    labels = [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]
    note = "false-positive by web:pat: the vendor's published sample number"
    assert labels == [{"file": f"{fp}.eml", "verdict": "pass", "categories": [], "note": note}]
    command = [sys.executable, "-m", "dlp", "patterns", "test", str(out), "--json"]
    tested = subprocess.run([*command, "--config", config], capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    report = json.loads(tested.stdout)
    assert report["messages"] == 1 and report["labelled"] == 1


def store_config(web) -> Path:
    return web.settings.source


def test_disclosure_form_and_the_record_a_parent_can_ask_for(
    web, browser, sink, tmp_path: Path
) -> None:
    b = browser
    base, store = web()
    qid = hold_roster(store)
    log_in(b, base, "pat")
    go(b, f"{base}/m/{qid}")
    assert wait_text(b, ".decide", "discloses a student record outside the district")
    b.find_element(*by("#release-reason")).send_keys("Transfer records requested by District B")
    b.find_element(*by("#release")).click()  # the basis is required: nothing is sent
    assert b.execute_script("return !document.querySelector('#basis').validity.valid")
    assert store.get(qid).status is Status.HELD
    b.find_element(*by("#basis option[value='transfer']")).click()
    shot(b, tmp_path, "review-disclosure-form.png")
    submit(b, "#release")
    assert wait_text(b, ".flash", "released to the recipients")
    assert len(sink.wait_for(1)) == 1
    go(b, f"{base}/disclosures")
    b.find_element(*by("#d-student")).send_keys("S100202")
    submit(b, "#d-find")
    assert wait_text(b, "#d-count", "1 entry")
    row = b.find_element(*by("#disclosures tbody tr")).text
    assert "S100202" in row and "registrar@district-b.org" in row
    assert "another school the student is transferring to" in row and "web:pat" in row
    shot(b, tmp_path, "review-disclosures.png")
    cookie = b.get_cookie("dlp_review")
    with httpx.Client(base_url=base, cookies={"dlp_review": cookie["value"]}) as client:
        reply = client.get("/disclosures.csv", params={"student": "S100202"})
    lines = reply.text.splitlines()
    assert reply.headers["content-disposition"].startswith("attachment")
    assert lines[0].startswith("disclosed_at,student,recipients") and len(lines) == 2
    assert "S100202" in lines[1] and "transfer" in lines[1].lower()
    actions = [e.action for e in store.audit_log()]
    assert "disclosures-view" in actions and "disclosures-export" in actions
