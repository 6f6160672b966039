"""A loopback next hop that records what it accepts, and can be told to misbehave."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    mail_options: list[str]
    rcpt_options: list[str]


@dataclass
class Faults:
    rcpt: dict[str, str] = field(default_factory=dict)  # address → reply
    data: str | None = None  # reply at end of data
    data_delay: float = 0.0
    drop_after_data: bool = False
    mail: list[str] = field(default_factory=list)  # replies to the next MAIL commands, in turn


class _SinkSMTP(SMTP):
    """Accepts DSN parameters (announced with EHLO) so the relay's pass-through is visible."""

    line_length_limit = 1024 * 1024  # like Postfix, which takes long lines

    def _getparams(self, params: Sequence[str]) -> dict[str, str | bool] | None:
        result = super()._getparams(params)
        if result is None:
            return None
        return {k: v for k, v in result.items() if k not in ("RET", "ENVID", "NOTIFY", "ORCPT")}

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        with self.event_handler.sink.lock:
            self.event_handler.sink.connections += 1
            self.event_handler.sink.open_connections += 1

    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        with self.event_handler.sink.lock:
            self.event_handler.sink.open_connections -= 1


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return [*responses[:-1], "250-DSN", responses[-1]]

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.sink.faults.mail:
            return self.sink.faults.mail.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        reply = self.sink.faults.rcpt.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        f = self.sink.faults
        self.sink.data_commands += 1
        if f.data_delay:
            await asyncio.sleep(f.data_delay)
        if f.drop_after_data:
            server.transport.close()
            return "250 2.0.0 never seen"
        if f.data:
            return f.data
        with self.sink.lock:
            self.sink.messages.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    bytes(envelope.original_content),
                    list(envelope.mail_options),
                    list(envelope.rcpt_options),
                )
            )
        return "250 2.0.0 Ok: queued"


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _SinkSMTP(self.handler, enable_SMTPUTF8=True, data_size_limit=None, timeout=600)


class Sink:
    def __init__(self, port: int) -> None:
        self.port = port
        self.faults = Faults()
        self.messages: list[Received] = []
        self.data_commands = 0
        self.connections = 0  # connections accepted, ever
        self.open_connections = 0
        self.lock = threading.Lock()
        self._controller = _Controller(_Handler(self), hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def reset(self) -> None:
        self.faults = Faults()
        with self.lock:
            self.messages.clear()
            self.connections = 0
        self.data_commands = 0

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)
