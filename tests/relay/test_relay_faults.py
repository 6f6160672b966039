"""Faults around the relay: each ends in a 4xx (Postfix keeps the message) or a kept message."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

from .client import message, send
from .sink import Sink
from .util import free_port


def test_next_hop_refusing_connections_gives_451_4_4_1(start_relay) -> None:
    app = start_relay(relay={"next_hop": f"127.0.0.1:{free_port()}"})
    code, text = send(app.port, message()).final
    assert code == 451 and text.startswith("4.4.1")


def test_one_recipient_tempfailed_downstream_gives_451_for_all_and_no_data(
    start_relay, sink: Sink
) -> None:
    app = start_relay()
    sink.faults.rcpt = {"b@gmail.com": "450 4.2.0 mailbox busy", "c@gmail.com": "451 4.3.0 later"}
    code, _ = send(app.port, message(), rcpts=["a@gmail.com", "b@gmail.com", "c@gmail.com"]).final
    assert code == 451
    assert sink.data_commands == 0
    sink.faults.rcpt = {}
    assert (
        send(app.port, message(), rcpts=["a@gmail.com", "b@gmail.com", "c@gmail.com"]).final[0]
        == 250
    )
    [got] = sink.wait_for(1)
    assert got.recipients == ["a@gmail.com", "b@gmail.com", "c@gmail.com"]


def test_next_hop_5xx_at_end_of_data_is_passed_back_with_its_text(start_relay, sink: Sink) -> None:
    app = start_relay()
    sink.faults.data = "554 5.7.9 Content refused downstream"
    code, text = send(app.port, message()).final
    assert code == 554 and text == "5.7.9 Content refused downstream"


def test_next_hop_tempfail_at_end_of_data_is_passed_back_as_4xx(start_relay, sink: Sink) -> None:
    app = start_relay()
    sink.faults.data = "452 4.3.1 Insufficient system storage"
    code, text = send(app.port, message()).final
    assert code == 452 and text.startswith("4.3.1")


def test_slow_next_hop_gets_4xx_within_the_relay_deadline(start_relay, sink: Sink) -> None:
    app = start_relay(relay={"next_hop_timeout": 1})
    sink.faults.data_delay = 8
    started = time.monotonic()
    code, text = send(app.port, message()).final
    assert code == 451 and text.startswith("4.4.2")
    assert time.monotonic() - started < 6


def test_next_hop_dropping_after_end_of_data_gives_451(start_relay, sink: Sink) -> None:
    app = start_relay()
    sink.faults.drop_after_data = True
    code, _ = send(app.port, message()).final
    assert code == 451


def test_scanner_crash_gives_451_never_5xx(start_relay) -> None:
    app = start_relay()
    code, text = send(app.port, message(body="RAISE")).final
    assert code == 451 and text.startswith("4.3.0")


def test_exception_in_an_smtp_hook_gives_451_4_3_0_not_aiosmtpd_500(
    start_relay, monkeypatch
) -> None:
    import dlp.receive.handler as handler

    def broken(*_args: object) -> tuple[str, ...]:
        raise KeyError("bug")

    monkeypatch.setattr(handler, "raw_params", broken)
    app = start_relay()
    replies = send(app.port, message())
    assert replies.mail[0] == 451 and replies.mail[1].startswith(b"4.3.0")


def test_unexpected_error_deciding_a_message_gives_451(start_relay, monkeypatch) -> None:
    import dlp.receive.process as process

    def broken(*_args: object) -> int:
        raise RuntimeError("policy bug")

    monkeypatch.setattr(process, "scan_header_count", broken)
    app = start_relay()
    code, text = send(app.port, message()).final
    assert code == 451 and text.startswith("4.3.0")


def test_quarantine_store_unwritable_gives_451_never_250(start_relay, tmp_path: Path) -> None:
    app = start_relay()
    shutil.rmtree(tmp_path / "held")
    (tmp_path / "held").write_text("not a folder")  # root ignores permissions; this fails for all
    code, text = send(app.port, message(body="VERDICT=quarantine")).final
    assert code == 451 and text.startswith("4.3.0")
    (tmp_path / "held").unlink()
    (tmp_path / "held").mkdir()
    assert send(app.port, message(body="VERDICT=quarantine")).final[0] == 250


def test_poison_message_is_held_after_repeated_scan_failures(start_relay, tmp_path: Path) -> None:
    app = start_relay(relay={"poison_after": 3})
    raw = message(body="RAISE")
    assert [send(app.port, raw).final[0] for _ in range(3)] == [451, 451, 250]
    db = sqlite3.connect(tmp_path / "q.db")
    [(categories,)] = db.execute("SELECT categories FROM quarantine").fetchall()
    assert "unscannable" in categories


def test_declared_size_above_limit_gives_552_5_3_4(start_relay) -> None:
    app = start_relay(relay={"max_message_mb": 1})
    replies = send(app.port, message(), mail_options=[f"SIZE={2 * 1024 * 1024}"])
    assert replies.mail[0] == 552 and replies.mail[1].startswith(b"5.3.4")


def test_oversize_message_without_size_gives_552_5_3_4(start_relay, sink: Sink) -> None:
    app = start_relay(relay={"max_message_mb": 1})
    code, text = send(app.port, message(body="x" * 900 + "\r\n" * 1) * 1500).final
    assert code == 552 and text.startswith("5.3.4")
    assert sink.data_commands == 0


def test_client_dropping_mid_data_forwards_and_holds_nothing(
    start_relay, sink: Sink, tmp_path
) -> None:
    app = start_relay()
    with socket.create_connection(("127.0.0.1", app.port), timeout=30) as s:
        f = s.makefile("rwb")
        f.readline()
        for line in (
            b"EHLO c\r\n",
            b"MAIL FROM:<a@westpark.k12.ca.us>\r\n",
            b"RCPT TO:<b@gmail.com>\r\n",
            b"DATA\r\n",
        ):
            f.write(line)
            f.flush()
            while (reply := f.readline())[3:4] == b"-":
                pass
        f.write(b"Subject: cut\r\n\r\nhalf a message VERDICT=quarantine\r\n")
        f.flush()
    time.sleep(1)
    assert sink.data_commands == 0
    assert (
        not (tmp_path / "q.db").exists()
        or sqlite3.connect(tmp_path / "q.db")
        .execute("SELECT count(*) FROM quarantine")
        .fetchone()[0]
        == 0
    )
    assert reply.startswith(b"354")


def test_new_sessions_beyond_the_limit_get_421_4_3_2(start_relay) -> None:
    app = start_relay(relay={"max_sessions": 2})
    held = [socket.create_connection(("127.0.0.1", app.port), timeout=30) for _ in range(2)]
    try:
        for s in held:
            assert s.makefile("rb").readline().startswith(b"220")
        with socket.create_connection(("127.0.0.1", app.port), timeout=30) as extra:
            assert extra.makefile("rb").readline().startswith(b"421 4.3.2")
        registry = app.app.metrics.registry
        assert (
            registry.get_sample_value("dlp_smtp_sessions_refused_total", {"why": "overload"}) == 1
        )
    finally:
        for s in held:
            s.close()


def test_sigterm_drain_finishes_in_flight_and_refuses_new_sessions_with_421(
    start_relay, sink: Sink
) -> None:
    app = start_relay()
    slow = message(body="slow one")
    sink.faults.data_delay = 2
    result: list[tuple[int, str]] = []
    sender = threading.Thread(target=lambda: result.append(send(app.port, slow).final))
    sender.start()
    assert _wait(lambda: app.app.gate.busy() > 0)
    stopping = threading.Thread(target=lambda: app.call(app.app.shutdown(grace=30)))
    stopping.start()
    assert _wait(lambda: app.app.gate.draining)
    with socket.create_connection(("127.0.0.1", app.port), timeout=30) as late:
        assert late.makefile("rb").readline().startswith(b"421 4.3.2")
    sender.join(30)
    stopping.join(30)
    assert result and result[0][0] == 250
    assert len(sink.wait_for(1)) == 1


def _wait(check, timeout: float = 20) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.02)
    return False
