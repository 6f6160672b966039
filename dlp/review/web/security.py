"""The web UI's defences, in one place: quarantined mail is hostile content.

- Headers on every response: a CSP that allows no inline script or style and
  nothing from elsewhere, `nosniff`, no framing, no referrer, no caching.
- CSRF: every form carries the session's random token; a POST without it is
  refused before any handler runs.
- Login rate limiting per (account, client) and per client, counted in the
  quarantine database so several review nodes share one limit; X-Forwarded-For
  is believed only from `review.trusted_proxies`.
- Sessions live in the quarantine database; the signed cookie (HttpOnly,
  SameSite=Strict, Secure when `review.secure_cookies`) carries only a random
  session id, so logout, a password change or a removed account ends it at once.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dlp.quarantine.db import Database, Tx

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
LOGIN_LOCK = 0x646C706C  # PostgreSQL advisory lock serialising login checks ("dlpl")


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

    Counted in the quarantine database, so every review node sharing it enforces
    one limit (a guesser behind a load balancer gets `limit` tries, not `limit`
    per node). `attempt` checks and counts in one transaction (serialised by
    SQLite's write lock, or an advisory lock on PostgreSQL), so 30 parallel
    guesses get `limit` password checks, not 30. An attempt counts as failed
    until `succeeded` takes it back. Limits are per client, never per account
    alone: an attacker cannot lock a colleague out from elsewhere.
    """

    def __init__(
        self, db: Database, limit: int = LOGIN_FAILURES, per_client: int = CLIENT_FAILURES,
        window: float = LOGIN_WINDOW,
    ) -> None:  # fmt: skip
        self.db = db
        self.limit = limit
        self.per_client = per_client
        self.window = window

    @staticmethod
    def _keys(client: str, name: str) -> tuple[str, str]:
        """Hashed: the name field sometimes holds a password typed in the wrong box."""
        pair = f"pair:{name.lower()}\0{client}"
        return _digest(pair), _digest(f"client:{client}")

    def _count(self, tx: Tx, key: str) -> int:
        row = tx.one("SELECT count(*) FROM login_failures WHERE key = ?", (key,))
        return int(row[0]) if row else 0

    def attempt(self, client: str, name: str) -> bool:
        """True (and counted) when this client may try this account's password now."""
        now = time.time()
        pair, anyone = self._keys(client, name)
        with self.db.transaction() as tx:
            if self.db.dialect == "postgresql":
                tx.execute("SELECT pg_advisory_xact_lock(?)", (LOGIN_LOCK,))
            tx.execute("DELETE FROM login_failures WHERE at_epoch < ?", (now - self.window,))
            if self._count(tx, pair) >= self.limit or self._count(tx, anyone) >= self.per_client:
                return False
            for key in (pair, anyone):
                tx.execute("INSERT INTO login_failures (key, at_epoch) VALUES (?, ?)", (key, now))
            return True

    def succeeded(self, client: str, name: str) -> None:
        pair, anyone = self._keys(client, name)
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM login_failures WHERE key = ?", (pair,))
            tx.execute(
                "DELETE FROM login_failures WHERE seq ="
                " (SELECT max(seq) FROM login_failures WHERE key = ?)", (anyone,),
            )  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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
