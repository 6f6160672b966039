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
    """Shared admission state: draining on SIGTERM, and a cap on concurrent sessions."""

    def __init__(self, max_sessions: int) -> None:
        self.max_sessions = max_sessions
        self.draining = False
        self.sessions: set[DlpSMTP] = set()
        self.pending: set[asyncio.Task[Any]] = set()  # outcomes being decided
        self.on_refused: Callable[[str], None] = lambda why: None  # metrics hook

    def busy(self) -> int:
        """Transactions in progress: sessions past MAIL, plus outcomes still being decided."""
        in_txn = sum(1 for s in self.sessions if s.envelope is not None and s.envelope.mail_from)
        return in_txn + len(self.pending)

    def refusal(self) -> replies.Reply | None:
        if self.draining:
            return replies.SHUTTING_DOWN
        if len(self.sessions) > self.max_sessions:
            return replies.TOO_BUSY
        return None


class DlpSMTP(SMTP):
    line_length_limit = LINE_LIMIT

    def __init__(self, handler: Any, gate: Gate, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.gate = gate
        self.raw_arg: str = ""  # the MAIL/RCPT argument before aiosmtpd upper-cases it

    def _create_envelope(self) -> DlpEnvelope:
        return DlpEnvelope()

    def _getparams(self, params: Sequence[str]) -> dict[str, str | bool] | None:
        """Let DSN parameters through (aiosmtpd answers 555 to any it does not know)."""
        result = super()._getparams(params)
        if result is None:
            return None
        return {k: v for k, v in result.items() if k not in DSN_KEYS}

    async def smtp_MAIL(self, arg: str | None) -> None:
        self.raw_arg = arg or ""
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg: str | None) -> None:
        self.raw_arg = arg or ""
        await super().smtp_RCPT(arg)

    async def push(self, status: Any) -> None:
        if isinstance(status, str):
            status = replies.translate_stock(status)
        await super().push(status)

    async def _handle_client(self) -> None:
        self.gate.sessions.add(self)
        try:
            refusal = self.gate.refusal()
            if refusal is not None:
                log.warning("session refused: %s", refusal.text)
                self.gate.on_refused("shutdown" if self.gate.draining else "overload")
                await self.push(str(refusal))
                if self.transport is not None:
                    self.transport.close()
                return
            await super()._handle_client()
        finally:
            self.gate.sessions.discard(self)

    def close_when_idle(self) -> None:
        """After draining: close a session that is not inside a transaction."""
        if self.transport is not None and not (self.envelope and self.envelope.mail_from):
            self.transport.close()


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
