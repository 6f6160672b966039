"""Relay benchmark: `dlp serve` (real scanner) vs. a pass-through aiosmtpd relay, same load.

N concurrent smtplib clients send a mixed corpus (plain notes, SSNs to outside
and to authorized recipients, and .eml files from ../shared/corpus when present)
through each relay to the same recording sink. Prints messages/s, p50/p99
latency per message, the latency dlp adds, and the throughput ratio.
`--stand-in` replaces detection with a scanner that passes everything unread, so
the figure is the relay's own cost (process hops, pickling, logging, the
next-hop transaction), not scanning.

    .venv/bin/python bench/relay_bench.py --clients 8 --messages 200 --workers 2
    .venv/bin/python bench/relay_bench.py --stand-in --messages 2000
    .venv/bin/python bench/relay_bench.py --worker-memory-mb 150   # renewals under load
"""

from __future__ import annotations

import argparse
import random
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from relay.fakes import PASS_FACTORY  # noqa: E402
from relay.sink import Sink  # noqa: E402
from relay.util import AppThread, free_port, load_settings  # noqa: E402

from dlp.receive.pool import ProcessScanPool  # noqa: E402
from dlp.serve import RelayApp  # noqa: E402

SENDER = "teacher@westpark.k12.ca.us"
CORPUS = ROOT.parent / "shared" / "corpus"
VERBOSE = False


def synthetic() -> list[tuple[bytes, str]]:
    def msg(subject: str, body: str) -> bytes:
        return f"From: {SENDER}\r\nSubject: {subject}\r\n\r\n{body}\r\n".encode()

    lunch = msg("Lunch", "Lunch is at noon on Friday in the staff room. " * 20)
    ssn = msg("Form", "Here is the form. SSN: 536-22-8745\r\nThanks")
    return [
        (lunch, "friend@gmail.com"),
        (ssn, "friend@gmail.com"),
        (ssn, "records@lincoln-usd.k12.ca.us"),
        (lunch, "principal@westpark.k12.ca.us"),
    ]


def corpus(limit: int) -> list[tuple[bytes, str]]:
    files = sorted(CORPUS.rglob("*.eml")) if CORPUS.exists() else []
    random.Random(7).shuffle(files)
    return [(p.read_bytes(), "friend@gmail.com") for p in files[:limit] if p.stat().st_size < 5e6]


class PassThrough:
    """aiosmtpd handler relaying every message unchanged with aiosmtplib: the baseline."""

    def __init__(self, hop: int) -> None:
        self.hop = hop

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        try:
            await aiosmtplib.send(envelope.original_content, sender=envelope.mail_from,
                                  recipients=envelope.rcpt_tos, hostname="127.0.0.1",
                                  port=self.hop, start_tls=False)  # fmt: skip
        except Exception as exc:
            return f"451 4.4.1 next hop failed: {type(exc).__name__} {exc}"[:200]
        return "250 2.0.0 Ok"


class _LongLines(SMTP):
    line_length_limit = 1024 * 1024  # as dlp, so both relays take the same corpus


class BaselineController(Controller):
    def factory(self) -> SMTP:
        return _LongLines(self.handler, data_size_limit=None, enable_SMTPUTF8=True)


def one(port: int, raw: bytes, rcpt: str) -> tuple[float, int]:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=600) as smtp:
        smtp.ehlo()
        smtp.mail(SENDER)
        smtp.rcpt(rcpt)
        code, text = smtp.data(raw)
    if code >= 400 and VERBOSE:
        print(code, text[:150])
    return time.perf_counter() - started, code


def load(port: int, work: list[tuple[bytes, str]], clients: int) -> dict[str, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda w: one(port, *w), work))
    elapsed = time.perf_counter() - started
    lat = sorted(r[0] for r in results)
    return {
        "rate": len(work) / elapsed,
        "p50": statistics.median(lat),
        "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "ok": sum(1 for r in results if 200 <= r[1] < 300),
        "n": len(work),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", type=int, default=100, help="corpus files mixed in")
    ap.add_argument("--stand-in", action="store_true", help="a marker scanner, not detection")
    ap.add_argument(
        "--worker-memory-mb", type=float, help="relay.worker_memory_mb (low: renewals under load)"
    )
    args = ap.parse_args()

    mix = synthetic() + corpus(args.corpus)
    work = [mix[i % len(mix)] for i in range(args.messages)]
    random.Random(1).shuffle(work)
    sink = Sink(free_port())
    sink.start()
    tmp = Path(tempfile.mkdtemp(prefix="dlp-bench-"))
    relay = {"next_hop": f"127.0.0.1:{sink.port}", "workers": args.workers}
    relay.update({"message_timeout": 120, "max_sessions": 4 * args.clients})
    if args.worker_memory_mb is not None:
        relay["worker_memory_mb"] = args.worker_memory_mb
    settings = load_settings(tmp, relay)
    print(f"starting dlp serve ({args.workers} scan workers) ...", flush=True)
    stand_in = ProcessScanPool(settings, PASS_FACTORY) if args.stand_in else None
    dlp = AppThread(RelayApp(settings, scanning=stand_in)).start()
    base = BaselineController(PassThrough(sink.port), hostname="127.0.0.1", port=free_port())
    base.start()
    try:
        load(dlp.port, work[: min(20, len(work))], args.clients)  # warm up the workers
        baseline = load(base.port, work, args.clients)
        scanned = load(dlp.port, work, args.clients)
        metrics = dlp.app.metrics.registry
        renewals = metrics.get_sample_value("dlp_scan_worker_renewals_total") or 0
        largest = metrics.get_sample_value("dlp_scan_worker_resident_bytes") or 0
    finally:
        dlp.stop()
        base.stop()
        sink.stop()
    print(f"{args.messages} messages ({len(mix)} distinct), {args.clients} concurrent clients")
    for name, r in (("pass-through", baseline), ("dlp serve", scanned)):
        print(f"{name:>13}: {r['rate']:8.1f} msg/s  p50 {r['p50'] * 1000:8.1f} ms"
              f"  p99 {r['p99'] * 1000:8.1f} ms  2xx {int(r['ok'])}/{int(r['n'])}")  # fmt: skip
    print(
        f"added latency: p50 {(scanned['p50'] - baseline['p50']) * 1000:.1f} ms, "
        f"p99 {(scanned['p99'] - baseline['p99']) * 1000:.1f} ms"
    )
    print(f"throughput ratio dlp/pass-through: {scanned['rate'] / baseline['rate']:.3f}")
    print(f"scan workers renewed {renewals:.0f} times; largest worker {largest / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
