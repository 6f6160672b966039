"""The relay keeps its connection to the next hop open between messages, safely."""

from __future__ import annotations

import time

from dlp.act.relay import KEEP_IDLE_SECONDS

from .client import message, send
from .sink import Sink
from .util import free_port, wait_until


def test_messages_in_a_row_reach_the_next_hop_over_one_connection(start_relay, sink: Sink) -> None:
    app = start_relay()
    for n in range(5):
        assert send(app.port, message(subject=f"Lunch {n}")).final[0] == 250
    assert len(sink.wait_for(5)) == 5
    assert sink.connections == 1


def test_a_kept_connection_the_next_hop_is_closing_is_replaced_without_a_4xx(
    start_relay, sink: Sink
) -> None:
    app = start_relay()
    assert send(app.port, message(subject="first")).final[0] == 250
    sink.faults.mail = ["421 4.3.2 Service shutting down"]  # what the kept connection hears
    code, text = send(app.port, message(subject="second")).final
    assert code == 250, text
    assert [m.data.count(b"Subject: second") for m in sink.wait_for(2)] == [0, 1]
    assert sink.connections == 2


def test_a_next_hop_restarted_between_messages_still_gets_the_next_message(
    start_relay,
) -> None:
    port = free_port()
    first = Sink(port)
    first.start()
    app = start_relay(relay={"next_hop": f"127.0.0.1:{port}"})
    try:
        assert send(app.port, message(subject="first")).final[0] == 250
    finally:
        first.stop()  # closes the connection the relay kept
    second = Sink(port)
    second.start()
    try:
        assert send(app.port, message(subject="second")).final[0] == 250
        assert len(second.wait_for(1)) == 1
    finally:
        second.stop()


def test_an_idle_connection_to_the_next_hop_is_closed_after_a_short_while(
    start_relay, sink: Sink
) -> None:
    app = start_relay()
    assert send(app.port, message()).final[0] == 250
    sink.wait_for(1)
    assert sink.open_connections == 1
    started = time.monotonic()
    assert wait_until(lambda: sink.open_connections == 0, timeout=10 * KEEP_IDLE_SECONDS)
    assert time.monotonic() - started < 5 * KEEP_IDLE_SECONDS
