"""The web UI's defences over plain HTTP: headers, cookies, CSRF, roles, rate limit, downloads."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from quarantine.helpers import hold

from dlp.quarantine import Status

from .conftest import PASSWORD

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


CLIENTS: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while CLIENTS:
        CLIENTS.pop().close()


def client_for(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    CLIENTS.append(client)
    return client


def login(base: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    client = client_for(base)
    page = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    reply = client.post("/login", data={"csrf": token.group(1), "username": name,
                                        "password": password})  # fmt: skip
    assert reply.status_code in (303, 401, 429)
    return client, token.group(1)


def csrf_of(client: httpx.Client, path: str = "/") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def test_every_page_has_a_strict_csp_and_the_session_cookie_is_locked_down(web) -> None:
    base, _store = web()
    client = client_for(base)
    reply = client.get("/login")
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie


def test_secure_cookies_when_configured(web) -> None:
    base, _store = web(review={"secure_cookies": True})
    assert "; secure" in client_for(base).get("/login").headers["set-cookie"].lower()


def test_a_post_without_the_csrf_token_is_refused(web) -> None:
    base, store = web()
    qid = hold(store)
    client, _ = login(base, "pat")
    reply = client.post(f"/m/{qid}/release", data={"reason": "looks fine"})
    assert reply.status_code == 403 and "CSRF" in reply.text
    reply = client.post(f"/m/{qid}/release", data={"reason": "x", "csrf": "forged"})
    assert reply.status_code == 403
    assert store.get(qid).status is Status.HELD


def test_a_reviewer_cannot_reach_admin_pages_or_actions(web) -> None:
    base, store = web()
    qid = hold(store)
    client, _ = login(base, "pat")
    for path in ("/admin", "/audit", "/audit.csv", "/audit.jsonl"):
        reply = client.get(path)
        assert reply.status_code == 403 and "for administrators" in reply.text, path
    token = csrf_of(client)
    assert client.post("/admin/purge", data={"csrf": token, "days": "0"}).status_code == 403
    reply = client.post(f"/m/{qid}/delete", data={"csrf": token, "reason": "x"})
    assert reply.status_code == 403 and store.get(qid).status is Status.HELD
    admin, _ = login(base, "ada")
    assert admin.get("/audit").status_code == 200
    only = admin.get("/audit", params={"actor": "ada", "action": "login"}).text
    assert "web:ada" in only and "web:pat" not in only
    assert admin.get("/audit.csv").headers["content-disposition"].startswith("attachment")


def test_logged_out_visitors_see_only_the_login_page(web) -> None:
    base, store = web()
    qid = hold(store)
    client = client_for(base)
    assert client.get(f"/m/{qid}").headers["location"] == "/login"
    assert client.post(f"/m/{qid}/release", data={"reason": "x"}).status_code == 401


def test_login_is_rate_limited(web) -> None:
    base, store = web()
    codes = [login(base, "pat", "wrong password!")[0] for _ in range(5)]
    assert all(c.get("/").status_code == 303 for c in codes)  # none logged in
    client, _ = login(base, "pat")  # the right password, but too many failures
    assert client.get("/").status_code == 303
    assert [e.action for e in store.audit_log()][:5] == ["login-failed"] * 5


def test_the_original_is_only_ever_a_download(web) -> None:
    base, store = web()
    qid = hold(store)
    client, _ = login(base, "pat")
    reply = client.get(f"/m/{qid}/download")
    assert reply.status_code == 200
    assert reply.headers["content-disposition"] == f'attachment; filename="quarantine-{qid}.eml"'
    assert reply.headers["content-type"] == "application/octet-stream"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert [e.action for e in store.audit_log(qid)] == ["download"]


def test_each_attachment_downloads_alone_and_the_download_is_recorded(web) -> None:
    from quarantine.helpers import mail

    base, store = web()
    qid = hold(store, mail(attach=("roster-period3.csv", "Name,ID\nAna Ruiz,S100377\n")))
    client, _ = login(base, "pat")
    page = client.get(f"/m/{qid}").text
    link = re.search(rf'href="(/m/{qid}/part/\d+)"[^>]*>roster-period3.csv<', page)
    assert link
    reply = client.get(link.group(1))
    assert reply.content == b"Name,ID\nAna Ruiz,S100377\n"
    assert reply.headers["content-disposition"] == 'attachment; filename="roster-period3.csv"'
    assert reply.headers["content-type"] == "application/octet-stream"
    [entry] = store.audit_log(qid)
    assert (entry.action, entry.reason, entry.detail) == ("download", "attachment",
                                                          "roster-period3.csv")  # fmt: skip
    assert client.get(f"/m/{qid}/part/0").status_code == 404  # the message itself, not a file
