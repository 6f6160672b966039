"""The aiosmtpd handler: its only job is to turn an outcome into a reply.

Every hook answers from `dlp.receive.replies`. End-of-data hands the message
to the `Processor` in a shielded task: if Postfix drops the connection while
we forward, the outcome is still decided once and logged (at-least-once, never
lost). `handle_exception` replaces aiosmtpd's permanent `500` with `451 4.3.0`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from dlp.receive import replies
from dlp.receive.process import Inbound, Outcome, Processor
from dlp.receive.server import DlpEnvelope, DlpSMTP, Gate, raw_params

log = logging.getLogger("dlp.smtp")

_RET = ("FULL", "HDRS")
_NOTIFY = {"NEVER", "SUCCESS", "FAILURE", "DELAY"}


def _dsn_params_valid(params: tuple[str, ...]) -> bool:
    for p in params:
        key, _, value = p.partition("=")
        key = key.upper()
        if key == "RET" and value.upper() not in _RET:
            return False
        if key == "NOTIFY":
            words = {w.upper() for w in value.split(",")}
            if not words <= _NOTIFY or ("NEVER" in words and len(words) > 1):
                return False
        if key in ("ENVID", "ORCPT") and not value:
            return False
    return True


def _declared_size(params: tuple[str, ...]) -> int:
    """The SIZE= a client declared at MAIL (RFC 1870), 0 when absent."""
    for p in params:
        key, _, value = p.partition("=")
        if key.upper() == "SIZE" and value.isdigit():
            return int(value)
    return 0


class Handler:
    def __init__(self, processor: Processor, gate: Gate) -> None:
        self.processor = processor
        self.gate = gate

    async def handle_EHLO(
        self,
        server: DlpSMTP,
        session: Any,
        envelope: DlpEnvelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        """Announce what we honour beyond aiosmtpd's list: pipelining, DSN, enhanced codes."""
        session.host_name = hostname
        extra = ["250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-DSN"]
        return [*responses[:-1], *extra, responses[-1]]

    async def handle_MAIL(
        self, server: DlpSMTP, session: Any, envelope: DlpEnvelope, address: str, options: list[str]
    ) -> str:
        if self.gate.draining:
            return str(replies.SHUTTING_DOWN)
        params = raw_params(server, "FROM:")
        if not _dsn_params_valid(params):
            return str(replies.BAD_PARAM)
        if not self.gate.hold(server, _declared_size(params)):
            return str(replies.INFLIGHT_FULL)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        envelope.mail_params = params
        return str(replies.SENDER_OK)

    async def handle_RCPT(
        self, server: DlpSMTP, session: Any, envelope: DlpEnvelope, address: str, options: list[str]
    ) -> str:
        params = raw_params(server, "TO:")
        if not _dsn_params_valid(params):
            return str(replies.BAD_PARAM)
        if len(envelope.rcpt_tos) >= self.gate.max_recipients:
            return str(replies.TOO_MANY_RCPTS)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        envelope.rcpt_params.append(params)
        return str(replies.RCPT_OK)

    async def handle_DATA(self, server: DlpSMTP, session: Any, envelope: DlpEnvelope) -> str:
        mail_params = tuple(
            p for p in envelope.mail_params if p.upper().split("=")[0] in ("BODY", "RET", "ENVID")
        )
        msg = Inbound(
            raw=bytes(envelope.original_content or b""),
            sender=envelope.mail_from if envelope.mail_from not in (None, "<>") else "",
            recipients=tuple(envelope.rcpt_tos),
            mail_params=mail_params,
            rcpt_params=tuple(envelope.rcpt_params),
            smtputf8=bool(envelope.smtp_utf8),
            received_at=time.time(),
        )
        task = asyncio.ensure_future(self.processor.process(msg))
        self.gate.pending.add(task)
        task.add_done_callback(self.gate.pending.discard)
        try:
            outcome: Outcome = await asyncio.shield(task)
        except asyncio.CancelledError:
            log.warning("client went away while the outcome was being decided")
            raise
        return str(outcome.reply)

    async def handle_exception(self, error: Exception) -> str:
        log.error("unhandled error in an SMTP session: %s", type(error).__name__)
        return str(replies.INTERNAL_ERROR)
