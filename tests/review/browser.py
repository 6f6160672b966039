"""Waiting in the browser on conditions, never on time, so the tests hold under load.

A click that submits a form starts a navigation; reading the page before it
has finished finds nodes of the old document ("Node with given id does not
belong to the document"). `submit` therefore waits for the old page to go
stale and the new one to be complete before anything reads it. Chromium
reports a node of a document being torn down either as a stale element or as
that inspector error, depending on timing, so both count as "gone".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from .conftest import PASSWORD

TIMEOUT = 30  # seconds; generous for a loaded CI machine, never slept
DOCS = Path(__file__).resolve().parents[2] / "docs"
SHOTS = os.environ.get("DLP_UPDATE_SCREENSHOTS") == "1"  # refresh docs/*.png when set
IGNORED = (StaleElementReferenceException, NoSuchElementException)


def by(css: str) -> tuple[str, str]:
    return ("css selector", css)


def wait(b: Any) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(b, TIMEOUT, ignored_exceptions=IGNORED)


def torn_down(error: WebDriverException) -> bool:
    """Chromium's way of saying a node belongs to a page that is being replaced."""
    return "does not belong to the document" in (error.msg or "")


def gone(old: Any) -> Any:
    """A wait condition: `old` no longer belongs to the page shown."""

    def check(_driver: Any) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if torn_down(error):
                return True
            raise
        return False

    return check


def patient(condition: Any) -> Any:
    """A wait condition that reads a page mid-swap as "not yet" rather than failing."""

    def check(driver: Any) -> Any:
        try:
            return condition(driver)
        except WebDriverException as error:
            if torn_down(error):
                return False
            raise

    return check


def loaded(b: Any) -> None:
    wait(b).until(patient(lambda d: d.execute_script("return document.readyState") == "complete"))


def wait_for(b: Any, css: str) -> Any:
    """The element, once the page that holds it is there."""
    return wait(b).until(patient(expected_conditions.presence_of_element_located(by(css))))


def wait_text(b: Any, css: str, expected: str) -> bool:
    """Until an element matching `css` shows `expected`; a page swapped mid-read is retried."""
    return bool(wait(b).until(patient(lambda d: expected in d.find_element(*by(css)).text)))


def go(b: Any, url: str) -> None:
    b.get(url)
    loaded(b)


def submit(b: Any, css: str, how: str = "css selector") -> None:
    """Click (a submit button, a link) and wait until the next page has replaced this one."""
    old = b.find_element(*by("html"))
    b.find_element(how, css).click()
    wait(b).until(gone(old))
    loaded(b)


def follow(b: Any, text: str) -> None:
    submit(b, text, "link text")


def log_in(b: Any, base: str, name: str) -> None:
    b.delete_all_cookies()
    go(b, base + "/")
    assert b.current_url.endswith("/login")
    b.find_element(*by("#username")).send_keys(name)
    b.find_element(*by("#password")).send_keys(PASSWORD)
    submit(b, "#login")
    wait_for(b, "#queue")


def shot(b: Any, tmp: Path, name: str) -> None:
    b.save_screenshot(str((DOCS if SHOTS else tmp) / name))
