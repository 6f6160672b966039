"""The review UI keeps its promises: logout ends the session, a Subject never shows an
identifier unmasked, the login limiter cannot be raced or fooled, bad URLs get no traceback."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from quarantine.helpers import hold, mail

from .conftest import PASSWORD
from .test_web_http import _close_clients, client_for, csrf_of, login

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
__all__ = ["_close_clients"]


def login_from(base: str, name: str, password: str, forwarded: str | None = None) -> int:
    client = client_for(base)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    form = {"csrf": token.group(1), "username": name, "password": password}
    reply = client.post("/login", headers=headers, data=form)
    return reply.status_code


def test_an_old_cookie_is_refused_after_logout(web) -> None:
    base, store = web()
    client, _ = login(base, "pat")
    assert client.get("/").status_code == 200
    stolen = dict(client.cookies)
    client.post("/logout", data={"csrf": csrf_of(client)})
    replay = httpx.Client(base_url=base, cookies=stolen, follow_redirects=False)
    try:
        assert replay.get("/").headers.get("location") == "/login"
    finally:
        replay.close()
    assert "logout" in [e.action for e in store.audit_log()]


def test_removing_an_account_ends_its_sessions_at_once(web) -> None:
    base, store = web()
    client, _ = login(base, "pat")
    from dlp.quarantine.accounts import Accounts

    Accounts(store.db).remove("pat")
    assert client.get("/").headers.get("location") == "/login"


def test_an_admin_can_log_an_account_out_everywhere(web) -> None:
    base, store = web()
    laptop, _ = login(base, "pat")
    phone, _ = login(base, "pat")
    admin, _ = login(base, "ada")
    admin.post("/admin/users/logout", data={"csrf": csrf_of(admin, "/admin"), "username": "pat"})
    for client in (laptop, phone):
        assert client.get("/").headers.get("location") == "/login"
    assert admin.get("/").status_code == 200
    assert "sessions-ended" in [e.action for e in store.audit_log()]


def test_an_identifier_in_the_subject_is_masked_in_the_queue_title_and_headers(web) -> None:
    base, store = web()
    qid = hold(store, mail(subject="Records for SSN 123-45-6789", body="see subject"))
    client, _ = login(base, "pat")
    queue = client.get("/").text
    assert "Records for SSN ***-**-6789" in queue and "123-45-6789" not in queue
    page = client.get(f"/m/{qid}").text
    assert "<title>Records for SSN ***-**-6789" in page and "123-45-6789" not in page
    assert store.audit_log(qid) == []
    revealed = client.post(f"/m/{qid}/reveal", data={"csrf": csrf_of(client, f"/m/{qid}"),
                                                     "group": "subject|"}).text  # fmt: skip
    assert "123-45-6789" in revealed and [e.action for e in store.audit_log(qid)] == ["reveal"]


def test_thirty_parallel_guesses_get_five_password_checks(web) -> None:
    base, store = web()
    with ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(lambda _: login_from(base, "pat", "wrong password!"), range(30)))
    assert codes.count(401) == 5 and codes.count(429) == 25
    assert [e.action for e in store.audit_log()].count("login-failed") == 5


def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(web) -> None:
    base, _store = web()
    codes = [login_from(base, "pat", "wrong password!", f"198.51.100.{n}") for n in range(6)]
    assert codes == [401] * 5 + [429]  # a made-up header does not make a new client


def test_one_client_cannot_lock_an_account_out_for_everyone(web) -> None:
    base, _store = web(review={"trusted_proxies": ["127.0.0.1"]})
    attacker = "203.0.113.5"
    codes = [login_from(base, "pat", "wrong password!", attacker) for _ in range(6)]
    assert codes[-1] == 429
    assert login_from(base, "pat", PASSWORD, "198.51.100.7") == 303  # pat, from elsewhere
    assert login_from(base, "pat", PASSWORD, f"{attacker}, 127.0.0.1") == 429


def test_a_huge_page_number_is_a_clear_400_not_a_traceback(web) -> None:
    base, _store = web()
    client, _ = login(base, "pat")
    for page in ("99999999999999999999999", "-1", "abc", "0"):
        reply = client.get(f"/?page={page}")
        assert reply.status_code == 400 and "page must be a number" in reply.text
        assert "Traceback" not in reply.text


def test_an_unexpected_failure_shows_a_plain_page_without_a_traceback(web) -> None:
    base, store = web()
    client, _ = login(base, "pat")
    with store.db.transaction() as tx:
        tx.execute("ALTER TABLE quarantine RENAME TO quarantine_gone")  # the store breaks
    reply = client.get("/")
    assert reply.status_code == 500 and "Something went wrong" in reply.text
    assert "Traceback" not in reply.text and "quarantine" not in reply.text.lower()
