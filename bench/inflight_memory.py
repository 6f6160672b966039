"""Peak memory of `dlp serve` under many large messages at once, with and without the budget.

Starts the relay as a real process (stand-in scanner, so the figure is the
relay's own buffering, not spaCy's), has N clients send one large message each
at the same moment (smtplib declares SIZE, as Postfix does; a 452 is retried
after a pause, as Postfix would), and reports the main process's peak RSS
(VmHWM) and how long all messages took to be accepted.

    .venv/bin/python bench/inflight_memory.py --clients 20 --mb 45 --budget 512
    .venv/bin/python bench/inflight_memory.py --clients 20 --mb 45 --budget 100000
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from relay.relay_process import RelayProcess  # noqa: E402
from relay.util import free_port  # noqa: E402


class _Discard:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 2.0.0 discarded"


class _Sink(Controller):
    def factory(self) -> SMTP:
        return SMTP(self.handler, data_size_limit=None, timeout=600)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _send(port: int, data: bytes, retries: list[str]) -> None:
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=600) as smtp:
                smtp.sendmail("t@westpark.k12.ca.us", ["a@gmail.com"], data)
                return
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if exc.smtp_code // 100 != 4:
                raise
            retries.append(f"{exc.smtp_code} {exc.smtp_error[:5].decode()}")
        except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            retries.append(type(exc).__name__)
        time.sleep(0.5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--mb", type=float, default=45)
    ap.add_argument("--budget", type=float, default=512, help="relay.max_inflight_mb")
    args = ap.parse_args()
    sink = _Sink(_Discard(), hostname="127.0.0.1", port=free_port())
    sink.start()
    body = ("x" * 76 + "\r\n") * int(args.mb * 1024 * 1024 / 78)
    data = f"Subject: big\r\n\r\n{body}".encode()
    with tempfile.TemporaryDirectory() as folder:
        relay = RelayProcess(
            Path(folder), sink.port, max_message_mb=args.mb + 5, max_sessions=200,
            max_inflight_mb=args.budget, message_timeout=300, next_hop_timeout=60,
        )  # fmt: skip
        try:
            relay.wait_listening()
            base = _peak_rss_mb(relay.proc.pid)
            retries: list[str] = []
            started = time.monotonic()
            threads = [
                threading.Thread(target=_send, args=(relay.port, data, retries))
                for _ in range(args.clients)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.monotonic() - started
            peak = _peak_rss_mb(relay.proc.pid)
        finally:
            relay.stop()
            sink.stop()
    print(
        f"{args.clients} x {args.mb:g} MB, max_inflight_mb {args.budget:g}: "
        f"main process peak RSS {peak:.0f} MB (idle {base:.0f} MB), "
        f"all accepted in {took:.1f} s, {len(retries)} retries {dict(Counter(retries))}"
    )


if __name__ == "__main__":
    main()
