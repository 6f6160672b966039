"""Review at district scale: how long the queue's search takes, and a bulk release.

    .venv/bin/python bench/review_bench.py [--messages 5000]

Holds N synthetic messages (a body of a few hundred words and a CSV roster
for one in ten) in a throwaway SQLite store, then times `query` with a
free-text search (found only in attachment text) and without, and the cost
of building the search text at quarantine time. Then releases 200 held
messages one by one through `Actions.release` to a local SMTP sink, as the
bulk form does.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from quarantine.helpers import hold, mail
from relay.sink import Sink
from relay.util import free_port, load_settings

from dlp.quarantine import open_store
from dlp.quarantine.actions import Actions
from dlp.quarantine.model import Query
from dlp.quarantine.searchtext import search_text

WORDS = [
    "schedule", "field", "trip", "permission", "lunch", "bus", "library", "assembly", "grades",
    "practice", "conference", "homework", "volunteer", "budget", "meeting", "supplies",
]  # fmt: skip


def body(n: int) -> str:
    return " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(300))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=5000)
    n_messages = ap.parse_args().messages
    sink = Sink(free_port())
    sink.start()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = load_settings(folder, {"next_hop": f"127.0.0.1:{sink.port}"},
                                 quarantine={"url": f"sqlite:///{folder / 'q.db'}",
                                             "dir": str(folder / "held"), "notify_sender": False},
                                 review={"listen": None})  # fmt: skip
        store = open_store(settings)
        raws = []
        for n in range(n_messages):
            attach = (f"roster-{n}.csv", f"Name,ID\nStudent Kid{n},S{n:06d}\n") if n % 10 == 0 \
                else None  # fmt: skip
            raws.append(mail(subject=f"Note {n}", body=body(n), attach=attach))
        t0 = time.perf_counter()
        for raw in raws[:200]:
            search_text(raw)
        index_ms = (time.perf_counter() - t0) / 200 * 1000
        t0 = time.perf_counter()
        for raw in raws:
            hold(store, raw)
        hold_s = time.perf_counter() - t0
        timings = {}
        for label, q in (("search (attachment text)", Query(search="kid4990", limit=50)),
                         ("search (no match)", Query(search="zzzz-nothing", limit=50)),
                         ("no search", Query(limit=50))):  # fmt: skip
            runs = []
            for _ in range(20):
                t0 = time.perf_counter()
                store.query(q)
                store.counts(q)
                runs.append((time.perf_counter() - t0) * 1000)
            timings[label] = statistics.median(runs)
        actions = Actions(settings, store)
        ids = [r.id for r in store.query(Query(limit=200))]

        async def release_all() -> None:
            for qid in ids:
                await actions.release(qid, "bench", "bulk")

        t0 = time.perf_counter()
        asyncio.run(release_all())
        bulk_s = time.perf_counter() - t0
        sink.wait_for(len(ids))
    sink.stop()
    print(
        f"{n_messages} held messages stored in {hold_s:.1f} s; search text built in "
        f"{index_ms:.1f} ms per message (median of 200)"
    )
    for label, ms in timings.items():
        print(f"queue page + counts, {label}: {ms:.1f} ms (median of 20)")
    print(
        f"bulk release of {len(ids)} messages: {bulk_s:.1f} s "
        f"({len(ids) / bulk_s:.0f} per second), {len(sink.messages)} delivered"
    )


if __name__ == "__main__":
    main()
