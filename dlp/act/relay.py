"""Hands a message to the next hop (Postfix's re-injection listener) with aiosmtplib.

All or nothing: every recipient must be accepted before DATA is sent; if any
is refused, the transaction is reset, so the next hop never holds a partial
delivery that Postfix's retry would then duplicate. The bytes are sent as
received (with our headers prepended), so DKIM signatures stay valid.
"""

from __future__ import annotations

import asyncio
import contextlib
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


class Relay:
    """Delivers `Transfer`s; `timeout` bounds each command and the whole transaction."""

    def __init__(self, timeout: float = 60, helo: str | None = None) -> None:
        self.timeout = timeout
        self.helo = helo

    async def deliver(self, hop: Hop, transfer: Transfer) -> Delivery:
        client = aiosmtplib.SMTP(
            hostname=hop.host, port=hop.port, timeout=self.timeout,
            start_tls=False, local_hostname=self.helo,
        )  # fmt: skip
        try:
            await asyncio.wait_for(client.connect(), self.timeout)
        except (OSError, aiosmtplib.SMTPException, TimeoutError):
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_DOWN, "next_hop_down")
        try:
            return await asyncio.wait_for(self._transact(client, transfer), 3 * self.timeout)
        except TimeoutError:
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_TIMEOUT, "next_hop_timeout")
        except aiosmtplib.SMTPTimeoutError:
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_TIMEOUT, "next_hop_timeout")
        except (aiosmtplib.SMTPException, OSError):
            return Delivery(Result.TEMPFAIL, replies.NEXT_HOP_LOST, "next_hop_lost")
        finally:
            client.close()

    async def _transact(self, client: aiosmtplib.SMTP, t: Transfer) -> Delivery:
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
        try:
            response = await client.data(t.data)
        except aiosmtplib.SMTPDataError as exc:
            return _final(exc.code, exc.message)
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
