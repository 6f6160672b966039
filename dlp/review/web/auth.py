"""Log in and out. Failed logins are limited per address and per name; the check costs
the same whether or not the name exists (argon2 runs either way)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dlp.review.web.app import current_user, forbidden_csrf, render, review_of
from dlp.review.web.security import csrf_ok


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
    keys = (f"ip:{request.client.host if request.client else '?'}", f"name:{name.lower()}")
    if r.limiter.blocked(*keys):
        return render(request, "login.html", 429, user=None,
                      error="Too many failed logins. Wait 15 minutes and try again.")  # fmt: skip
    user = await run_in_threadpool(r.accounts.verify, name, str(form.get("password", "")))
    if user is None:
        r.limiter.failed(*keys)
        await run_in_threadpool(r.store.audit, f"web:{name}", "login-failed", None, "")
        return render(request, "login.html", 401, user=None,
                      error="Wrong user name or password.")  # fmt: skip
    r.limiter.succeeded(*keys)
    request.session.clear()  # a fresh session (and CSRF token) for the new identity
    request.session["user"] = user.name
    await run_in_threadpool(r.store.audit, f"web:{user.name}", "login", None, "")
    return RedirectResponse("/", status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request, form):
        return forbidden_csrf(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
