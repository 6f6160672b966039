"""Log in and out. Attempts are limited per (account, client) and per client; the check
costs the same whether or not the name exists (argon2 runs either way). Logout ends
the server-side session, so a copied cookie is worthless afterwards."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dlp.review.web.app import current_user, forbidden_csrf, render, review_of
from dlp.review.web.security import client_address, csrf_ok


async def login(request: Request) -> Response:
    if request.method == "GET":
        if await current_user(request):
            return RedirectResponse("/", status_code=303)
        return render(request, "login.html", user=None, error=None)
    form = await request.form()
    if not csrf_ok(request, form):
        return forbidden_csrf(request)
    r = review_of(request)
    name = str(form.get("username", "")).strip()[:64]
    client = client_address(request, r.settings.review.trusted_proxies)
    if not r.limiter.attempt(client, name):
        return render(request, "login.html", 429, user=None,
                      error="Too many failed logins. Wait 15 minutes and try again.")  # fmt: skip
    user = await run_in_threadpool(r.accounts.verify, name, str(form.get("password", "")))
    if user is None:
        await run_in_threadpool(r.store.audit, f"web:{name}", "login-failed", None, "")
        return render(request, "login.html", 401, user=None,
                      error="Wrong user name or password.")  # fmt: skip
    r.limiter.succeeded(client, name)
    old = request.session.get("sid")
    if isinstance(old, str):
        await run_in_threadpool(r.accounts.close_session, old)
    sid = await run_in_threadpool(r.accounts.open_session, user.name,
                                  r.settings.review.session_minutes)  # fmt: skip
    request.session.clear()  # a fresh session (and CSRF token) for the new identity
    request.session["sid"] = sid
    await run_in_threadpool(r.store.audit, f"web:{user.name}", "login", None, "")
    return RedirectResponse("/", status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request, form):
        return forbidden_csrf(request)
    sid = request.session.get("sid")
    if isinstance(sid, str):
        r = review_of(request)
        user = await current_user(request)
        await run_in_threadpool(r.accounts.close_session, sid)
        if user is not None:
            await run_in_threadpool(r.store.audit, f"web:{user.name}", "logout", None, "")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
