"""Hands a message to the next hop (Postfix's re-injection listener) with aiosmtplib.

All or nothing: every recipient must be accepted before DATA is sent; if any
is refused, the transaction is reset, so the next hop never holds a partial
delivery that Postfix's retry would then duplicate. The bytes are sent as
received (with our headers prepended), so DKIM signatures stay valid.

With `keep_open`, a connection that just delivered a message is kept for the
next one (as Postfix's own SMTP client caches connections): no connect,
greeting, EHLO and QUIT per message.  A kept connection the next hop has
meanwhile closed is noticed before anything of the message is sent, and the
message goes over a fresh connection instead; once DATA has started, a lost
connection is a 4xx as before (Postfix retries; never a partial delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from enum import Enum

import aiosmtplib

from dlp.receive import replies
from dlp.receive.replies import Reply


@dataclass(frozen=True)
class Hop:
    host: str
    port: int

    @classmethod
    def parse(cls, value: str) -> Hop:
        host, _, port = value.rpartition(":")
        return cls(host.strip("[]") or "127.0.0.1", int(port))


@dataclass(frozen=True)
class Transfer:
    """One SMTP transaction to make: envelope with its ESMTP parameters, and the bytes."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes
    mail_params: tuple[str, ...] = ()  # e.g. "BODY=8BITMIME", "RET=HDRS", "ENVID=x"
    rcpt_params: tuple[tuple[str, ...], ...] = ()  # per recipient: "NOTIFY=...", "ORCPT=..."
    smtputf8: bool = False
    extra: dict[str, str] = field(default_factory=dict)


class Result(Enum):
    ACCEPTED = "accepted"
    TEMPFAIL = "tempfail"
    PERMFAIL = "permfail"


@dataclass(frozen=True)
class Delivery:
    result: Result
    reply: Reply
    kind: str = ""  # error kind for metrics ("next_hop_down", ...)


DSN_PARAMS = ("RET=", "ENVID=", "NOTIFY=", "ORCPT=")
KEEP_IDLE_SECONDS = 2.0  # a kept connection unused this long is closed (Postfix's own cache: 2 s)
KEEP_TRANSACTIONS = 100  # messages over one connection before a fresh one is opened


class _Stale(Exception):
    """A kept connection turned out closed before any of the message was sent."""


@dataclass
class _Connection:
    client: aiosmtplib.SMTP
    reused: bool = False
    transactions: int = 0
    idle_since: float = 0.0
    data_started: bool = False  # past this point a lost connection may have delivered


class Relay:
    """Delivers `Transfer`s; `timeout` bounds each command and the whole transaction.

    `keep_open` idle connections per next hop are kept for later messages
    (0: one connection per message).  Use one event loop per `Relay` then.
    """

    def __init__(self, timeout: float = 60, helo: str | None = None, keep_open: int = 0) -> None:
        self.timeout = timeout
        self.helo = helo
        self.keep_open = keep_open
        self._idle: dict[Hop, list[_Connection]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    async def deliver(self, hop: Hop, transfer: Transfer) -> Delivery:
        kept = self._take(hop)
        if kept is not None:
            with contextlib.suppress(_Stale):
                return await self._deliver_on(hop, kept, transfer)
        client = aiosmtplib.SMTP(
            hostname=hop.host, port=hop.port, timeout=self.timeout,
            start_tls=False, local_hostname=self.helo,
        )  # fmt: skip
        try:
            await asyncio.wait_for(client.connect(), self.timeout)
        except (OSError, aiosmtplib.SMTPException, TimeoutError):
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_DOWN, "next_hop_down")
        return await self._deliver_on(hop, _Connection(client), transfer)

    async def _deliver_on(self, hop: Hop, conn: _Connection, transfer: Transfer) -> Delivery:
        """One transaction; the connection is kept after a delivery, else closed."""
        keep = False
        try:
            delivery = await asyncio.wait_for(self._transact(conn, transfer), 3 * self.timeout)
            keep = delivery.result is Result.ACCEPTED and self._keeps(conn)
            return delivery
        except TimeoutError:
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_TIMEOUT, "next_hop_timeout")
        except aiosmtplib.SMTPTimeoutError:
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_TIMEOUT, "next_hop_timeout")
        except (aiosmtplib.SMTPException, OSError):
            if conn.reused and not conn.data_started:
                raise _Stale() from None
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_LOST, "next_hop_lost")
        finally:
            if keep:
                self._put(hop, conn)
            else:
                conn.client.close()

    def _keeps(self, conn: _Connection) -> bool:
        return bool(self.keep_open) and conn.transactions < KEEP_TRANSACTIONS

    def _take(self, hop: Hop) -> _Connection | None:
        """The most recently used idle connection that is still open, or None."""
        idle = self._idle.get(hop, [])
        while idle:
            conn = idle.pop()
            fresh = time.monotonic() - conn.idle_since < KEEP_IDLE_SECONDS
            if fresh and conn.client.is_connected:
                conn.reused, conn.data_started = True, False
                return conn
            self._retire(conn)
        return None

    def _put(self, hop: Hop, conn: _Connection) -> None:
        idle = self._idle.setdefault(hop, [])
        conn.idle_since = time.monotonic()
        idle.append(conn)
        while len(idle) > self.keep_open:
            self._retire(idle.pop(0))
        asyncio.get_running_loop().call_later(KEEP_IDLE_SECONDS, self._expire, hop)

    def _expire(self, hop: Hop) -> None:
        """Close the connections of `hop` idle for longer than KEEP_IDLE_SECONDS."""
        now = time.monotonic()
        idle = self._idle.get(hop, [])
        for conn in [c for c in idle if now - c.idle_since >= KEEP_IDLE_SECONDS]:
            idle.remove(conn)
            self._retire(conn)

    def _retire(self, conn: _Connection) -> None:
        """Say QUIT and close, in the background (nobody waits for a goodbye)."""
        task = asyncio.ensure_future(_quit_and_close(conn.client, self.timeout))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        """Close every kept connection (at shutdown)."""
        for idle in self._idle.values():
            for conn in idle:
                self._retire(conn)
        self._idle.clear()
        if self._closing:
            await asyncio.wait(list(self._closing), timeout=self.timeout)

    async def _transact(self, conn: _Connection, t: Transfer) -> Delivery:
        client = conn.client
        if not conn.reused:
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                await client.helo()
        dsn = client.supports_extension("dsn")
        encoding = "utf-8" if t.smtputf8 else "ascii"
        mail_opts = [p for p in t.mail_params if dsn or not p.upper().startswith(DSN_PARAMS)]
        if t.smtputf8:
            mail_opts.append("SMTPUTF8")
        code, text = await client.execute_command(
            b"MAIL", b"FROM:" + _quote(t.sender).encode(encoding),
            *[o.encode(encoding) for o in mail_opts],
        )  # fmt: skip
        if code == 421 and conn.reused:  # the next hop is closing this connection
            raise _Stale()
        if code != 250:
            return await _refused(client, code, text)
        refused: list[tuple[int, str]] = []
        for i, rcpt in enumerate(t.recipients):
            opts = t.rcpt_params[i] if i < len(t.rcpt_params) else ()
            opts = tuple(o for o in opts if dsn or not o.upper().startswith(DSN_PARAMS))
            code, text = await client.execute_command(
                b"RCPT", b"TO:" + _quote(rcpt).encode(encoding), *[o.encode(encoding) for o in opts]
            )
            if code not in (250, 251):
                refused.append((code, text))
        if refused:
            partial = len(refused) < len(t.recipients)
            permanent = [r for r in refused if 500 <= r[0] < 600]
            temporary = [r for r in refused if r[0] < 500]
            code, text = temporary[0] if temporary else permanent[0]
            return await _refused(client, code, text, partial=partial)
        conn.data_started = True
        try:
            response = await client.data(t.data)
        except aiosmtplib.SMTPDataError as exc:
            return _final(exc.code, exc.message)
        conn.transactions += 1
        if not self._keeps(conn):
            await _quietly(client.quit())
        return Delivery(Result.ACCEPTED, replies.downstream(response.code, response.message))


def _quote(address: str) -> str:
    return f"<{address}>"


def _final(code: int, text: str) -> Delivery:
    if 500 <= code < 600:
        return Delivery(Result.PERMFAIL, replies.downstream(code, text), "next_hop_reject")
    return Delivery(Result.TEMPFAIL, replies.downstream(code, text), "next_hop_tempfail")


async def _refused(
    client: aiosmtplib.SMTP, code: int, text: str, partial: bool = False
) -> Delivery:
    """MAIL or a RCPT refused: reset downstream so nothing is half-started, then decide."""
    await _quietly(client.execute_command(b"RSET"))
    await _quietly(client.quit())
    if partial or not 500 <= code < 600:
        # some recipients accepted and one refused, or any 4xx: the whole message waits
        kind = "next_hop_tempfail"
        reply = replies.NEXT_HOP_PARTIAL if partial else replies.downstream(code, text)
        if not reply.temporary:
            reply = replies.NEXT_HOP_PARTIAL
        return Delivery(Result.TEMPFAIL, reply, kind)
    return Delivery(Result.PERMFAIL, replies.downstream(code, text), "next_hop_reject")


async def _quietly(aw: Awaitable[object]) -> None:
    with contextlib.suppress(Exception):
        await aw


async def _quit_and_close(client: aiosmtplib.SMTP, timeout: float) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.quit(), timeout)
    client.close()
