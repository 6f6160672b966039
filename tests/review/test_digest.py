"""Reviewers hear about held mail in batches: one digest per window, each hold listed once,
values masked, on both backends (several relays may share one PostgreSQL)."""

from __future__ import annotations

import asyncio

from quarantine.helpers import hold, mail

from dlp.quarantine import open_store
from dlp.quarantine.digest import WINDOW_KEY
from dlp.review.web.server import ReviewService

REVIEWERS = ["privacy@westpark.k12.ca.us", "deputy@westpark.k12.ca.us"]


def digests(sink) -> list:
    return [m for m in sink.messages if m.recipients == REVIEWERS]


def test_held_messages_reach_the_reviewers_in_one_digest_per_window(make_settings, sink):
    settings = make_settings(review={"notify": REVIEWERS, "notify_minutes": 10},
                             quarantine={"notify_sender": False})  # fmt: skip
    store = open_store(settings)
    first = [hold(store, mail(subject=f"Grades {n} for SSN 123-45-6789")) for n in range(3)]
    nodes = [ReviewService(settings, open_store(settings), web=False, sweep=False)
             for _ in range(2)]  # two relays sharing the store  # fmt: skip

    async def sweep_both() -> None:
        await asyncio.gather(*(node.sweep_once() for node in nodes))

    asyncio.run(sweep_both())
    [digest] = digests(sink)
    body = digest.data.decode()
    assert "Subject: 3 message(s) held for review" in body
    assert all(qid in body for qid in first)
    assert "***-**-6789" in body and "123-45-6789" not in body

    later = [hold(store, mail(subject=f"Roster {n}")) for n in range(2)]
    asyncio.run(sweep_both())
    assert len(digests(sink)) == 1  # inside the window: batched, not sent yet
    with store.db.transaction() as tx:  # the window has passed
        tx.execute("UPDATE meta SET value = '0' WHERE key = ?", (WINDOW_KEY,))
    asyncio.run(sweep_both())
    assert len(digests(sink)) == 2
    second = digests(sink)[1].data.decode()
    assert all(qid in second for qid in later) and not any(qid in second for qid in first)


def test_no_digest_without_reviewers_configured(make_settings, sink):
    settings = make_settings(quarantine={"notify_sender": False})
    store = open_store(settings)
    hold(store)
    asyncio.run(ReviewService(settings, store, web=False, sweep=False).sweep_once())
    assert sink.data_commands == 0
