"""A stand-in scanner for relay tests: the verdict is written in the message itself.

Used through the real worker pool (`ProcessScanPool(factory=...)`), so the
pool, deadlines and crash handling are exercised for real; only the detection
is replaced. Markers: `VERDICT=quarantine|bounce`, `HANG`, `CRASH`, `RAISE`,
`SLEEP=<seconds>`, `GROW=<MB>` (the worker keeps that much more memory).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from typing import Any

from dlp.receive.scanning import ScanSummary

FACTORY = f"{__name__}:MarkerScanner"
_HELD: list[bytes] = []  # what GROW= made this worker keep, as a leak would


class MarkerScanner:
    def __init__(self, settings: Any) -> None:
        self.settings = settings
        # a slow start for the workers spawned while a test has this set (spawn copies it)
        time.sleep(float(os.environ.get("DLP_FAKE_START_SECONDS", "0")))

    def scan(self, raw: bytes, envelope: Any) -> ScanSummary:
        if b"CRASH" in raw:
            os._exit(3)
        if b"RAISE" in raw:
            raise ValueError("scanner bug")
        if b"HANG" in raw:
            while True:  # a catastrophic regex: no Python-level way out
                pass
        grow = re.search(rb"GROW=([0-9]+)", raw)
        if grow:  # written, not just reserved, so it is resident
            _HELD.append(b"\x01" * (int(grow.group(1)) * 1024 * 1024))
        sleep = re.search(rb"SLEEP=([0-9.]+)", raw)
        if sleep:
            time.sleep(float(sleep.group(1)))
        found = re.search(rb"VERDICT=(quarantine|bounce)", raw)
        verdict = found.group(1).decode() if found else "pass"
        monitor = self.settings.policy.mode == "monitor"
        reasons = () if verdict == "pass" else (("test-rule", "C.14", "marker in message"),)
        return ScanSummary(
            scan_id=uuid.uuid4().hex[:16],
            verdict=verdict,
            enforced="pass" if monitor else verdict,
            reasons=reasons,
            categories=() if verdict == "pass" else ("high_risk_id",),
            entities={} if verdict == "pass" else {"US_SSN": 1},
            masked=() if verdict == "pass" else (("US_SSN", "***-**-8745"),),
            subject=_subject(raw),
            size=len(raw),
        )


def _subject(raw: bytes) -> str:
    m = re.search(rb"^Subject: (.*?)\r?$", raw, re.M | re.I)
    return m.group(1).decode("utf-8", "replace") if m else ""


SLOW_START_FACTORY = f"{__name__}:SlowStartScanner"


class SlowStartScanner(MarkerScanner):
    """Takes seconds to build, like spaCy loading on a busy machine."""

    def __init__(self, settings: Any) -> None:
        time.sleep(3)
        super().__init__(settings)


PASS_FACTORY = f"{__name__}:PassScanner"


class PassScanner:
    """Passes every message unread: what the relay costs around a scan (benchmarks)."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    def scan(self, raw: bytes, envelope: Any) -> ScanSummary:
        return ScanSummary(
            scan_id=uuid.uuid4().hex[:16], verdict="pass", enforced="pass",
            subject=_subject(raw), size=len(raw),
        )  # fmt: skip
