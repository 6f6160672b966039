"""The web UI's defences, in one place: quarantined mail is hostile content.

- Headers on every response: a CSP that allows no inline script or style and
  nothing from elsewhere, `nosniff`, no framing, no referrer, no caching.
- CSRF: every form carries the session's random token; a POST without it is
  refused before any handler runs.
- Login rate limiting per (account, client) and per client; X-Forwarded-For is
  believed only from `review.trusted_proxies`.
- Sessions live in the quarantine database; the signed cookie (HttpOnly,
  SameSite=Strict, Secure when `review.secure_cookies`) carries only a random
  session id, so logout, a password change or a removed account ends it at once.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections import defaultdict, deque
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

LOGIN_FAILURES = 5  # failed logins allowed per window for one account from one client
CLIENT_FAILURES = 20  # failed logins allowed per window from one client, any accounts
LOGIN_WINDOW = 15 * 60.0  # seconds


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_token(request: Request) -> str:
    """The session's token, made on first use (also before login, for the login form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, form: Any) -> bool:
    sent = form.get("csrf")
    known = request.session.get("csrf")
    return isinstance(sent, str) and isinstance(known, str) and hmac.compare_digest(sent, known)


class LoginLimiter:
    """Login attempts per (account, client) and per client, in a sliding window.

    `attempt` checks and counts in one step under a lock, so 30 parallel
    guesses get `limit` password checks, not 30. An attempt counts as failed
    until `succeeded` takes it back. Limits are per client, never per account
    alone: an attacker cannot lock a colleague out from elsewhere.
    """

    def __init__(self, limit: int = LOGIN_FAILURES, per_client: int = CLIENT_FAILURES,
                 window: float = LOGIN_WINDOW) -> None:  # fmt: skip
        self.limit = limit
        self.per_client = per_client
        self.window = window
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails[key]
        while q and q[0] < now - self.window:
            q.popleft()
        return q

    @staticmethod
    def _keys(client: str, name: str) -> tuple[str, str]:
        return f"pair:{name.lower()}\0{client}", f"client:{client}"

    def attempt(self, client: str, name: str) -> bool:
        """True (and counted) when this client may try this account's password now."""
        now = time.monotonic()
        pair, anyone = self._keys(client, name)
        with self._lock:
            if len(self._recent(pair, now)) >= self.limit:
                return False
            if len(self._recent(anyone, now)) >= self.per_client:
                return False
            self._fails[pair].append(now)
            self._fails[anyone].append(now)
            return True

    def succeeded(self, client: str, name: str) -> None:
        pair, anyone = self._keys(client, name)
        with self._lock:
            self._fails.pop(pair, None)
            if self._fails.get(anyone):
                self._fails[anyone].pop()


def client_address(request: Request, trusted: tuple[str, ...]) -> str:
    """The client's address; `X-Forwarded-For` is believed only from a trusted proxy.

    Walking the header from the right, the first address that is not one of
    our proxies is the client (a client can prepend anything it likes).
    """
    peer = request.client.host if request.client else "?"
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted]
    if not networks or not _within(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop
    return peer


def _within(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)
