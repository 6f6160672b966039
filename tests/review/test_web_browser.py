"""The review UI in headless Chromium: the whole walk of a privacy officer, and hostile mail.

Needs Debian's `chromium` and `chromium-driver` (installed by `.ci/run`) and
Selenium; skips when they are absent. The walk-through takes the screenshots
kept in docs/ (written there with DLP_UPDATE_SCREENSHOTS=1). Every step waits
for a condition (`tests/review/browser.py`), never for a fixed time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from quarantine.helpers import hold, mail

from dlp.quarantine import Status

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
pytest.importorskip("selenium.webdriver")
from .browser import by, follow, go, log_in, shot, submit, wait_for, wait_text  # noqa: E402


def test_reviewer_filters_opens_reveals_and_releases_to_the_next_hop(
    web, browser, sink, tmp_path: Path
) -> None:
    b = browser
    base, store = web()
    body = "Progress notes for Jacob Martinez.\nHis SSN is 123-45-6789; IEP meeting on Friday."
    qid = hold(store, mail(body=body, subject="IEP progress report - Jacob M."))
    hold(store, mail(subject="Roster for the field trip", to="coach@yahoo.com"),
         recipients=("coach@yahoo.com",))  # fmt: skip
    hold(store, mail(subject="Staff phone list"), recipients=("vendor@gmail.com",),
         categories=("staff_record",))  # fmt: skip
    log_in(b, base, "pat")
    assert "3 held" in b.find_element(*by(".counts")).text
    b.find_element(*by("#f-domain")).send_keys("gmail.com")
    submit(b, "#filter")
    wait_for(b, "#f-domain[value='gmail.com']")
    rows = b.find_elements(*by("#queue tbody tr"))
    assert len(rows) == 2 and "yahoo" not in b.find_element(*by("#queue")).text
    shot(b, tmp_path, "review-queue.png")

    follow(b, "IEP progress report - Jacob M.")
    mark = wait_for(b, "mark.finding")
    assert mark.text == "***-**-6789" and "123-45-6789" not in b.page_source
    b.find_element(*by("#release-reason")).send_keys("Guardian's written consent on file (E.2)")
    shot(b, tmp_path, "review-message.png")

    submit(b, "#reveal-g0")
    assert wait_text(b, "mark.finding.revealed", "123-45-6789")
    assert [e.action for e in store.audit_log(qid)] == ["reveal"]

    b.find_element(*by("#release-reason")).send_keys("Guardian's written consent on file (E.2)")
    submit(b, "#release")
    assert wait_text(b, ".flash", "released to the recipients")
    [got] = sink.wait_for(1)
    assert got.recipients == ["parent@gmail.com"] and b"123-45-6789" in got.data
    assert store.get(qid).status is Status.RELEASED
    assert [e.action for e in store.audit_log(qid)] == ["release", "reveal"]


def test_release_without_a_reason_does_not_submit(web, browser, sink) -> None:
    base, store = web()
    qid = hold(store)
    log_in(browser, base, "pat")
    go(browser, f"{base}/m/{qid}")
    browser.find_element(*by("#release")).click()  # the browser refuses an empty required field
    invalid = "return !document.querySelector('#release-reason').validity.valid"
    assert browser.execute_script(invalid)
    assert store.get(qid).status is Status.HELD and sink.data_commands == 0


def test_a_reviewer_cannot_reach_admin_pages(web, browser) -> None:
    base, _store = web()
    log_in(browser, base, "pat")
    assert "Administration" not in browser.find_element(*by("header")).text
    for path in ("/admin", "/audit"):
        go(browser, base + path)
        assert wait_text(browser, "main .card", "This page is for administrators.")


def test_hostile_html_mail_runs_nothing(web, browser) -> None:
    base, store = web()
    evil = "<script>window.pwned = 1</script>"
    html = f'<p>Hi</p>{evil}<img src="/x" onerror="window.pwned = 2"><b>SSN 123-45-6789</b>'
    raw = mail(body=f"Plain part {evil} <img src=x onerror=alert(1)>", html=html,
               subject=f"Report {evil}")  # fmt: skip
    qid = hold(store, raw)
    log_in(browser, base, "pat")
    assert browser.execute_script("return window.pwned === undefined")
    go(browser, f"{base}/m/{qid}")
    assert browser.execute_script("return window.pwned === undefined")
    assert not browser.find_elements(*by("main img, main script"))
    inside = browser.find_elements(*by("pre.text *"))
    assert inside and {e.tag_name for e in inside} == {"mark"}  # mail markup is only text
    assert "<script>window.pwned = 1</script>" in browser.find_element(*by("h1")).text
    shown = " ".join(e.text for e in browser.find_elements(*by("pre.text")))
    assert "<img src=x onerror=alert(1)>" in shown  # shown as the text it is
    logs = browser.get_log("browser") if hasattr(browser, "get_log") else []
    assert not [entry for entry in logs if "pwned" in str(entry)]


def test_a_form_post_without_the_csrf_token_fails(web, browser) -> None:
    base, store = web()
    qid = hold(store)
    log_in(browser, base, "pat")
    go(browser, f"{base}/m/{qid}")
    browser.execute_script(
        "document.querySelectorAll('form.decision input[name=csrf]').forEach(e => e.remove())"
    )
    browser.find_element(*by("#release-reason")).send_keys("no token")
    submit(browser, "#release")  # waits for the refusal page to replace this one
    assert wait_text(browser, "main .card", "CSRF check failed")
    assert store.get(qid).status is Status.HELD
