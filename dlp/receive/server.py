"""The aiosmtpd server, adjusted for a content filter that must never lose mail.

aiosmtpd 1.4.6 needs a few corrections for this job, all made here:
stock replies without enhanced codes are rewritten (`replies.translate_stock`),
DSN parameters (RET, ENVID, NOTIFY, ORCPT) are accepted instead of refused
with 555 and kept with their original case, lines longer than 1000 octets are
accepted (passed bytes stay identical), and new sessions are refused with
`421 4.3.2` while shutting down or overloaded.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope

from dlp.receive import replies

log = logging.getLogger("dlp.smtp")

DSN_KEYS = frozenset({"RET", "ENVID", "NOTIFY", "ORCPT"})
LINE_LIMIT = 1024 * 1024  # longest line taken in DATA; RFC 5321 says 1000, real mail exceeds it


class DlpEnvelope(Envelope):
    """aiosmtpd's envelope plus the ESMTP parameters as the client wrote them."""

    def __init__(self) -> None:
        super().__init__()
        self.mail_params: tuple[str, ...] = ()
        self.rcpt_params: list[tuple[str, ...]] = []


class Gate:
    """Shared admission state: draining on SIGTERM, caps on sessions, clients and bytes.

    Like Postfix's anvil, one client (one IP address) may hold only
    `max_per_client` of the `max_sessions` connections, so a flood of idle
    connections from one place cannot lock everyone else out; and the raw
    bytes of messages in flight (received or being decided) are bounded by
    `max_inflight` so memory does not grow with sessions x message size.
    """

    def __init__(self, max_sessions: int) -> None:
        self.max_sessions = max_sessions
        self.max_per_client = max_sessions
        self.idle_timeout: float | None = None  # seconds between commands outside a transaction
        self.max_recipients = 1000
        self.max_inflight = 1 << 62  # bytes
        self.draining = False
        self.sessions: set[DlpSMTP] = set()
        self.per_client: Counter[str] = Counter()
        self.inflight: dict[DlpSMTP, int] = {}  # raw bytes held per session
        self.pending: set[asyncio.Task[Any]] = set()  # outcomes being decided
        self.on_refused: Callable[[str], None] = lambda why: None  # metrics hook

    def configure(self, relay: Any) -> None:
        """Take the limits from the `relay:` settings (at start and on reload)."""
        self.max_sessions = relay.max_sessions
        self.max_per_client = relay.max_sessions_per_client
        self.idle_timeout = relay.idle_timeout
        self.max_recipients = relay.max_recipients
        self.max_inflight = int(relay.max_inflight_mb * 1024 * 1024)

    def busy(self) -> int:
        """Transactions in progress: sessions past MAIL, plus outcomes still being decided."""
        in_txn = sum(1 for s in self.sessions if s.envelope is not None and s.envelope.mail_from)
        return in_txn + len(self.pending)

    def refusal(self, client: str = "") -> tuple[str, replies.Reply] | None:
        if self.draining:
            return "shutdown", replies.SHUTTING_DOWN
        if len(self.sessions) > self.max_sessions:
            return "overload", replies.TOO_BUSY
        if self.per_client[client] > self.max_per_client:
            return "client_limit", replies.TOO_MANY_FROM_CLIENT
        return None

    def inflight_total(self) -> int:
        return sum(self.inflight.values())

    def hold(self, session: DlpSMTP, size: int) -> bool:
        """Count `size` bytes for the session (never less than it holds); False if over budget."""
        before = self.inflight.get(session, 0)
        if size <= before:
            return True
        if self.inflight_total() - before + size > self.max_inflight:
            return False
        self.inflight[session] = size
        return True

    def release(self, session: DlpSMTP) -> None:
        self.inflight.pop(session, None)


class DlpSMTP(SMTP):
    line_length_limit = LINE_LIMIT

    def __init__(self, handler: Any, gate: Gate, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.gate = gate
        self.raw_arg: str = ""  # the MAIL/RCPT argument before aiosmtpd upper-cases it
        self.client = ""
        self._receiving = 0  # bytes of DATA received so far, while receiving it
        self._parsed: tuple[str, tuple[str | None, str | None]] = ("", ("", ""))

    def _create_envelope(self) -> DlpEnvelope:
        return DlpEnvelope()

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd's address parse (the stdlib's RFC 5322 parser, slow), remembered for the
        second look at the same command's parameters (`raw_params`)."""
        if arg != self._parsed[0] or not arg:
            self._parsed = (arg, super()._getaddr(arg))
        return self._parsed[1]

    def _getparams(self, params: Sequence[str]) -> dict[str, str | bool] | None:
        """Let DSN parameters through (aiosmtpd answers 555 to any it does not know)."""
        result = super()._getparams(params)
        if result is None:
            return None
        return {k: v for k, v in result.items() if k not in DSN_KEYS}

    def in_transaction(self) -> bool:
        return self.envelope is not None and bool(self.envelope.mail_from)

    def _reset_timeout(self, duration: float | None = None) -> None:
        """Outside a transaction a client gets only `idle_timeout` (like Postfix's smtpd_timeout
        under stress); once past MAIL the long timeout covers sending and deciding the message."""
        idle = self.gate.idle_timeout
        if duration is None and idle and not self.in_transaction() and not self._receiving:
            duration = idle
        super()._reset_timeout(duration)

    def _timeout_cb(self) -> None:
        if self.transport is None:
            return
        if not self.transport.is_closing():
            self._say(replies.IDLE_TIMEOUT)
        super()._timeout_cb()

    def _say(self, reply: replies.Reply) -> None:
        """A last word before closing, written without waiting (the client may not read)."""
        if isinstance(self.transport, asyncio.WriteTransport):
            self.transport.write(f"{reply}\r\n".encode())

    async def smtp_MAIL(self, arg: str | None) -> None:
        self.raw_arg = arg or ""
        if _has_control(self.raw_arg):
            await self.push(str(replies.BAD_SENDER_SYNTAX))
            return
        await super().smtp_MAIL(arg)
        if self.transport is not None:
            self._reset_timeout()  # inside a transaction now: the long timeout applies

    async def smtp_RCPT(self, arg: str | None) -> None:
        self.raw_arg = arg or ""
        if _has_control(self.raw_arg):
            await self.push(str(replies.BAD_RCPT_SYNTAX))
            return
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg: str) -> None:
        self._receiving = 1
        try:
            await super().smtp_DATA(arg)
        finally:
            self._receiving = 0
            self.gate.release(self)
        if self.transport is not None:
            self._reset_timeout()  # the transaction is over: back to the idle timeout

    async def smtp_RSET(self, arg: str) -> None:
        await super().smtp_RSET(arg)
        self.gate.release(self)

    def data_received(self, data: bytes) -> None:
        """Count DATA bytes as they arrive; past the in-flight budget, drop the session.

        A client that declared SIZE was admitted against the budget at MAIL; one
        that did not, or sends more than it declared, is counted here. Mid-DATA
        there is no way to answer, so the connection is closed: the client has no
        250 and retries later (Postfix defers), nothing is lost.
        """
        if self._receiving and self.transport is not None:
            self._receiving += len(data)
            if not self.gate.hold(self, self._receiving):
                log.warning("in-flight byte budget exceeded; dropping a session mid-DATA")
                self.gate.on_refused("inflight_bytes")
                self.gate.release(self)
                self._say(replies.INFLIGHT_FULL_DROP)
                self.transport.close()
                return
        super().data_received(data)

    async def push(self, status: Any) -> None:
        if isinstance(status, str):
            status = replies.translate_stock(status)
        await super().push(status)

    async def _handle_client(self) -> None:
        peer = self.session.peer if self.session is not None else None
        self.client = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        self.gate.sessions.add(self)
        self.gate.per_client[self.client] += 1
        try:
            refused = self.gate.refusal(self.client)
            if refused is not None:
                why, reply = refused
                log.warning("session refused: %s", reply.text, extra={"client": self.client})
                self.gate.on_refused(why)
                await self.push(str(reply))
                if self.transport is not None:
                    self.transport.close()
                return
            await super()._handle_client()
        finally:
            self.gate.sessions.discard(self)
            self.gate.release(self)
            self.gate.per_client[self.client] -= 1
            if self.gate.per_client[self.client] <= 0:
                del self.gate.per_client[self.client]

    def close_when_idle(self) -> None:
        """After draining: close a session that is not inside a transaction."""
        if self.transport is not None and not (self.envelope and self.envelope.mail_from):
            self.transport.close()


def _has_control(arg: str) -> bool:
    """NUL, CR, LF or another control character in an address: never valid (RFC 5321 4.1.2)."""
    return any(ord(c) < 32 or ord(c) == 127 for c in arg)


def raw_params(server: DlpSMTP, keyword: str) -> tuple[str, ...]:
    """The ESMTP parameters of the current MAIL/RCPT with their original case."""
    arg = server._strip_command_keyword(keyword, server.raw_arg) or ""
    _address, params = server._getaddr(arg)
    return tuple((params or "").split())


async def wait_idle(gate: Gate, deadline: float) -> bool:
    """Wait until no session is inside a transaction (or the deadline passes)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while gate.busy() > 0 and loop.time() < end:
        await asyncio.sleep(0.1)
    return gate.busy() == 0
