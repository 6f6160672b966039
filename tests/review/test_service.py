"""The relay and the review service together, as `dlp serve` runs them."""

from __future__ import annotations

import email
import email.policy

import pytest
from relay.client import message, send
from relay.util import AppThread, InlineScanning

from dlp.metrics import Metrics
from dlp.quarantine import open_store
from dlp.review.web.server import ReviewService
from dlp.serve import RelayApp

from .conftest import LoopThread

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_a_held_message_notifies_its_sender_and_feeds_the_gauges(make_settings, sink) -> None:
    settings = make_settings()
    metrics = Metrics()
    app = AppThread(RelayApp(settings, scanning=InlineScanning(settings), metrics=metrics)).start()
    loop = LoopThread()
    try:
        assert send(app.port, message(body="VERDICT=quarantine")).final[0] == 250
        assert sink.data_commands == 0  # held, not relayed
        service = ReviewService(settings, open_store(settings), metrics, web=False, sweep=False)
        loop.call(service.sweep_once())
        [notice] = sink.wait_for(1)
        assert notice.sender == "<>" and notice.recipients == ["teacher@westpark.k12.ca.us"]
        msg = email.message_from_bytes(notice.data, policy=email.policy.default)
        assert "friend@gmail.com" in msg.get_content() and "held for review" in msg.get_content()
        text = metrics.render().decode()
        assert "dlp_quarantine_messages 1.0" in text
        assert "dlp_quarantine_oldest_age_seconds" in text
        loop.call(service.sweep_once())
        assert len(sink.wait_for(2, timeout=0.5)) == 1  # one notice per message
    finally:
        loop.close()
        app.stop()


def test_notices_can_be_turned_off(make_settings, sink) -> None:
    settings = make_settings(quarantine={"notify_sender": False})
    from quarantine.helpers import hold

    store = open_store(settings)
    qid = hold(store)
    loop = LoopThread()
    try:
        loop.call(ReviewService(settings, store, web=False, sweep=False).sweep_once())
    finally:
        loop.close()
    assert sink.data_commands == 0
    assert [(e.action, e.reason) for e in store.audit_log(qid)] == [("notify-held", "skipped")]
