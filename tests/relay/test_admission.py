"""Admission limits: per-client connections, idle timeout, recipients, bytes in flight, syntax."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import time
from pathlib import Path

import pytest

from .client import message, send
from .sink import Sink


def _connect(port: int, timeout: float = 10) -> tuple[socket.socket, bytes]:
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s, _reply(s)


def _reply(s: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n") or data.split(b"\r\n")[-2][3:4] == b"-":
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _command(s: socket.socket, line: bytes) -> bytes:
    s.sendall(line + b"\r\n")
    return _reply(s)


def test_one_client_with_100_idle_connections_does_not_lock_out_another(
    start_relay, sink: Sink
) -> None:
    app = start_relay()  # defaults: 100 sessions, 50 per client
    idle = [_connect(app.port) for _ in range(100)]
    try:
        greetings = [g for _s, g in idle]
        assert sum(g.startswith(b"220") for g in greetings) == 50
        assert sum(g.startswith(b"421 4.7.0") for g in greetings) == 50
        with smtplib.SMTP("127.0.0.1", app.port, source_address=("127.0.0.2", 0)) as other:
            other.ehlo("other.test")
            assert other.sendmail("teacher@westpark.k12.ca.us", ["a@gmail.com"], message()) == {}
        assert len(sink.wait_for(1)) == 1
    finally:
        for s, _g in idle:
            s.close()


def test_idle_sessions_are_dropped_but_a_slow_transaction_is_not(start_relay) -> None:
    app = start_relay(relay={"idle_timeout": 1})
    idle, greeting = _connect(app.port)
    busy, _ = _connect(app.port)
    try:
        assert greeting.startswith(b"220")
        assert _command(busy, b"EHLO busy.test").startswith(b"250")
        assert _command(busy, b"MAIL FROM:<teacher@westpark.k12.ca.us>").startswith(b"250")
        started = time.monotonic()
        assert _reply(idle).startswith(b"421 4.4.2")  # dropped after about a second
        assert idle.recv(100) == b""
        assert time.monotonic() - started < 5
        time.sleep(0.5)  # the session in a transaction has now waited past the idle timeout
        assert _command(busy, b"RCPT TO:<a@gmail.com>").startswith(b"250")
    finally:
        idle.close()
        busy.close()


@pytest.mark.parametrize("command", [b"MAIL FROM:<te\x00acher@westpark.k12.ca.us>",
                                     b"MAIL FROM:<teacher@westpark.k12.ca.us\x00>"])  # fmt: skip
def test_nul_byte_in_mail_from_is_refused(start_relay, command: bytes) -> None:
    app = start_relay()
    s, _ = _connect(app.port)
    try:
        _command(s, b"EHLO client.test")
        assert _command(s, command).startswith(b"501 5.1.7")
        assert _command(s, b"RCPT TO:<a\x00b@gmail.com>").startswith(b"50")
    finally:
        s.close()


def test_recipients_past_the_limit_get_452_4_5_3_and_the_rest_are_delivered(
    start_relay, sink: Sink
) -> None:
    app = start_relay(relay={"max_recipients": 5})
    rcpts = [f"r{i}@gmail.com" for i in range(7)]
    replies = send(app.port, message(), rcpts=rcpts)
    codes = [(c, t[:5]) for c, t in replies.rcpts]
    assert codes == [(250, b"2.1.5")] * 5 + [(452, b"4.5.3")] * 2
    assert replies.final[0] == 250
    [got] = sink.wait_for(1)
    assert got.recipients == rcpts[:5]


def test_default_recipient_limit_is_1000(tmp_path: Path) -> None:
    from .util import load_settings

    assert load_settings(tmp_path).relay.max_recipients == 1000


def test_declared_size_over_the_in_flight_budget_gets_452_until_bytes_free_up(
    start_relay, sink: Sink
) -> None:
    app = start_relay(relay={"max_message_mb": 1, "max_inflight_mb": 1.5})
    first, _ = _connect(app.port)
    try:
        _command(first, b"EHLO first.test")
        assert _command(first, b"MAIL FROM:<t@westpark.k12.ca.us> SIZE=1000000").startswith(b"250")
        with smtplib.SMTP("127.0.0.1", app.port) as second:
            second.ehlo("second.test")
            code, text = second.mail("t@westpark.k12.ca.us", ["SIZE=1000000"])
            assert (code, text[:5]) == (452, b"4.3.1")
        _command(first, b"QUIT")
    finally:
        first.close()
    assert app.app.gate.inflight == {} or _wait_empty(app)
    big = message(body="x" * 900_000)
    with smtplib.SMTP("127.0.0.1", app.port) as again:
        again.ehlo("again.test")
        assert again.sendmail("t@westpark.k12.ca.us", ["a@gmail.com"], big) == {}  # sends SIZE
    assert len(sink.wait_for(1)) == 1


def test_undeclared_data_past_the_in_flight_budget_drops_the_session_without_250(
    start_relay, sink: Sink
) -> None:
    app = start_relay(relay={"max_message_mb": 1, "max_inflight_mb": 1.5})
    holder, _ = _connect(app.port)
    try:
        _command(holder, b"EHLO holder.test")
        assert _command(holder, b"MAIL FROM:<t@westpark.k12.ca.us> SIZE=1000000").startswith(b"250")
        # no SIZE: counted as it arrives, dropped with a 421 (or only the closed connection)
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            assert send(app.port, message(body="y" * 900_000)).final[0] == 421
        assert sink.data_commands == 0
    finally:
        holder.close()
    assert _wait_empty(app)
    assert send(app.port, message(body="y" * 900_000)).final[0] == 250


def _wait_empty(app) -> bool:
    from .util import wait_until

    return wait_until(lambda: app.app.gate.inflight == {}, 10)
