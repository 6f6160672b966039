"""The Starlette application: routes, sessions, the login guard and page rendering.

Every page is a Jinja2 template with autoescaping on for every variable, so
a subject, header or body line from a quarantined message is only ever text.
Handlers never run store calls on the event loop: they go through the thread
pool (`run_in_threadpool`), as the relay shares the loop.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from dlp.config import Settings
from dlp.quarantine.accounts import Accounts
from dlp.quarantine.actions import Actions
from dlp.quarantine.model import User
from dlp.quarantine.store import SqlStore
from dlp.review.timefmt import age
from dlp.review.web.security import LoginLimiter, csrf_ok, csrf_token

HERE = Path(__file__).resolve().parent
log = logging.getLogger("dlp.review")
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Review:
    """What every handler needs, built once per app."""

    settings: Settings
    store: SqlStore
    actions: Actions
    accounts: Accounts
    limiter: LoginLimiter = field(init=False)
    env: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = LoginLimiter(self.store.db)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,  # every template, whatever its name
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["age"] = age


def review_of(request: Request) -> Review:
    r: Review = request.app.state.review
    return r


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    r = review_of(request)
    ctx.setdefault("user", getattr(request.state, "user", None))
    ctx.update(csrf=csrf_token(request), district=r.settings.district.name,
               flash=request.session.pop("flash", None), now=time.time())  # fmt: skip
    return HTMLResponse(r.env.get_template(template).render(**ctx), status_code=status)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session["flash"] = {"text": text, "kind": kind}


async def current_user(request: Request) -> User | None:
    """The account of this cookie's server-side session; a logged-out cookie is refused."""
    sid = request.session.get("sid")
    if not isinstance(sid, str):
        return None
    user = await run_in_threadpool(review_of(request).accounts.session_user, sid)
    if user is None:
        request.session.clear()
    return user


def guard(role: str | None = None) -> Callable[[Handler], Handler]:
    """Login (and role) required; every POST must carry the session's CSRF token."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            user = await current_user(request)
            if user is None:
                if request.method != "GET":
                    return PlainTextResponse("Not logged in", status_code=401)
                return RedirectResponse("/login", status_code=303)
            request.state.user = user
            if role == "admin" and user.role != "admin":
                return render(request, "error.html", 403, title="Not allowed",
                              text="This page is for administrators.")  # fmt: skip
            if request.method == "POST":
                form = await request.form()
                if not csrf_ok(request, form):
                    return forbidden_csrf(request)
                request.state.form = form
            return await handler(request)

        return run

    return wrap


def forbidden_csrf(request: Request) -> HTMLResponse:
    return render(request, "error.html", 403, title="Form refused",
                  text="The form was stale or not sent from this site (CSRF check failed). "
                  "Go back, reload the page and try again.")  # fmt: skip


async def server_error(request: Request, exc: Exception) -> Response:
    """Whatever went wrong, the browser gets a plain page: no traceback, no message content."""
    log.error("review page failed", extra={"path": request.url.path, "why": type(exc).__name__})
    return HTMLResponse(
        "<!doctype html><title>Error</title><h1>Something went wrong</h1>"
        "<p>The error was logged. <a href='/'>Back to the queue</a></p>",
        status_code=500,
    )


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok\n")
