"""Held-for-review notices keep up with a burst of held mail."""

from __future__ import annotations

import asyncio

from relay.sink import Sink

from dlp.act.relay import Relay
from dlp.config import Settings
from dlp.quarantine import SqlStore, notify

from .helpers import hold, mail


def test_one_sweep_sends_every_due_notice_not_just_one_batch(
    store: SqlStore, settings: Settings, sink: Sink
) -> None:
    count = 3 * notify.NOTIFY_BATCH + 5
    for i in range(count):
        hold(store, mail(subject=f"report {i}"))
    assert asyncio.run(notify.run_once(settings, store, Relay(5))) == count
    assert len(sink.wait_for(count)) == count
    assert asyncio.run(notify.run_once(settings, store, Relay(5))) == 0
