"""The review UI in headless Chromium: the whole walk of a privacy officer, and hostile mail.

Needs Debian's `chromium` and `chromium-driver` (installed by `.ci/run`) and
Selenium; skips when they are absent. The walk-through takes the screenshots
kept in docs/ (written there with DLP_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from quarantine.helpers import hold, mail

from dlp.quarantine import Status

from .conftest import PASSWORD

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
webdriver = pytest.importorskip("selenium.webdriver")
DOCS = Path(__file__).resolve().parents[2] / "docs"
SHOTS = os.environ.get("DLP_UPDATE_SCREENSHOTS") == "1"  # refresh docs/*.png when set


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("chromium and chromium-driver are not installed")
    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    b = webdriver.Chrome(service=Service(driver), options=options)
    yield b
    b.quit()


def by(css: str) -> tuple[str, str]:
    return ("css selector", css)


def wait_for(b, css: str, timeout: float = 15) -> object:
    """After a click that navigates: the next page's element, once it is there."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(b, timeout).until(expected_conditions.presence_of_element_located(by(css)))


def wait_text(b, css: str, expected: str, timeout: float = 15) -> bool:
    """Until an element matching `css` shows `expected`; a page swapped mid-read is retried."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.wait import WebDriverWait

    wait = WebDriverWait(
        b, timeout, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
    )
    return bool(wait.until(lambda d: expected in d.find_element(*by(css)).text))


def log_in(b, base: str, name: str) -> None:
    b.delete_all_cookies()
    b.get(base + "/")
    assert b.current_url.endswith("/login")
    b.find_element(*by("#username")).send_keys(name)
    b.find_element(*by("#password")).send_keys(PASSWORD)
    b.find_element(*by("#login")).click()
    wait_for(b, "#queue")


def test_reviewer_filters_opens_reveals_and_releases_to_the_next_hop(
    web, browser, sink, tmp_path: Path
) -> None:
    b = browser
    shots = DOCS if SHOTS else tmp_path
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
    b.find_element(*by("#filter")).click()
    wait_for(b, "#f-domain[value='gmail.com']")
    rows = b.find_elements(*by("#queue tbody tr"))
    assert len(rows) == 2 and "yahoo" not in b.find_element(*by("#queue")).text
    b.save_screenshot(str(shots / "review-queue.png"))

    b.find_element(*("link text", "IEP progress report - Jacob M.")).click()
    mark = wait_for(b, "mark.finding")
    assert mark.text == "***-**-6789" and "123-45-6789" not in b.page_source
    b.find_element(*by("#release-reason")).send_keys("Guardian's written consent on file (E.2)")
    b.save_screenshot(str(shots / "review-message.png"))

    b.find_element(*by("#reveal-0")).click()
    assert wait_text(b, "mark.finding.revealed", "123-45-6789")
    assert [e.action for e in store.audit_log(qid)] == ["reveal"]

    b.find_element(*by("#release-reason")).send_keys("Guardian's written consent on file (E.2)")
    b.find_element(*by("#release")).click()
    assert wait_text(b, ".flash", "released to the recipients")
    [got] = sink.wait_for(1)
    assert got.recipients == ["parent@gmail.com"] and b"123-45-6789" in got.data
    assert store.get(qid).status is Status.RELEASED
    assert [e.action for e in store.audit_log(qid)] == ["release", "reveal"]


def test_release_without_a_reason_does_not_submit(web, browser, sink) -> None:
    base, store = web()
    qid = hold(store)
    log_in(browser, base, "pat")
    browser.get(f"{base}/m/{qid}")
    browser.find_element(*by("#release")).click()  # the browser refuses an empty required field
    assert store.get(qid).status is Status.HELD and sink.data_commands == 0


def test_a_reviewer_cannot_reach_admin_pages(web, browser) -> None:
    base, _store = web()
    log_in(browser, base, "pat")
    assert "Administration" not in browser.find_element(*by("header")).text
    for path in ("/admin", "/audit"):
        browser.get(base + path)
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
    browser.get(f"{base}/m/{qid}")
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
    browser.get(f"{base}/m/{qid}")
    browser.execute_script(
        "document.querySelectorAll('form.decision input[name=csrf]').forEach(e => e.remove())"
    )
    browser.find_element(*by("#release-reason")).send_keys("no token")
    browser.find_element(*by("#release")).click()
    assert wait_text(browser, "main .card", "CSRF check failed")
    assert store.get(qid).status is Status.HELD
