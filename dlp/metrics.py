"""Prometheus metrics on an injected registry, and the small HTTP endpoint serving them.

Every message is counted once, at the moment its outcome is final (`250`,
`5xx`); a temporary failure is counted under `dlp_errors_total` by kind, since
Postfix will bring the same message back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from dlp import __version__

VERDICTS = ("pass", "quarantine", "bounce")
ACTIONS = ("relayed", "held", "bounced", "rejected", "refused_downstream")
ERROR_KINDS = (
    "scan_crash", "scan_timeout", "scan_queue_timeout", "store", "internal",
    "next_hop_down", "next_hop_timeout", "next_hop_lost", "next_hop_tempfail", "loop",
)  # fmt: skip
REFUSALS = ("overload", "shutdown", "client_limit", "inflight_bytes")
SCAN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.messages = Counter(
            "dlp_messages", "Messages with a final outcome, by verdict and action taken",
            ["verdict", "action"], registry=r,
        )  # fmt: skip
        self.findings = Counter("dlp_findings", "Findings by entity type", ["entity"], registry=r)
        self.scan_seconds = Histogram(
            "dlp_scan_seconds", "Time to scan one message", buckets=SCAN_BUCKETS, registry=r
        )
        self.scanned_bytes = Counter("dlp_scanned_bytes", "Bytes of mail scanned", registry=r)
        # database-wide: with several relays on one PostgreSQL only one node exports it
        self.quarantine_size = SharedGauge(
            "dlp_quarantine_messages", "Messages held in quarantine (database-wide)", r
        )
        self.quarantine_oldest = SharedGauge(
            "dlp_quarantine_oldest_age_seconds", "Age of the oldest held message (database-wide)", r
        )
        self.errors = Counter(
            "dlp_errors", "Temporary failures and internal errors, by kind", ["kind"], registry=r
        )
        self.in_flight = Gauge("dlp_messages_in_flight", "Messages being processed", registry=r)
        self.sessions = Gauge("dlp_smtp_sessions", "Open SMTP sessions", registry=r)
        self.refused_sessions = Counter(
            "dlp_smtp_sessions_refused", "Sessions refused with 421 (overload or shutdown)",
            ["why"], registry=r,
        )  # fmt: skip
        self.pool_rebuilds = Counter(
            "dlp_scan_pool_rebuilds", "Scan worker pool rebuilt after a crash", registry=r
        )
        self.worker_renewals = Counter(
            "dlp_scan_worker_renewals",
            "Scan workers replaced for holding more than relay.worker_memory_mb",
            registry=r,
        )
        self.worker_rss = Gauge(
            "dlp_scan_worker_resident_bytes",
            "Resident memory of the largest scan worker after its last message",
            registry=r,
        )
        self.reloads = Counter(
            "dlp_config_reloads", "SIGHUP reloads by result", ["result"], registry=r
        )
        self.up = Gauge("dlp_up", "1 while the relay accepts mail", registry=r)
        # per pattern-file recognizer, so a rollout in `mode: monitor` shows its hit rate
        self.pattern_hits = Counter(
            "dlp_pattern_hits", "Findings by recognizer name (pattern files) and its mode",
            ["recognizer", "mode"], registry=r,
        )  # fmt: skip
        self.pattern_reload_errors = Counter(
            "dlp_pattern_reload_errors",
            "Pattern-file reloads refused (the running set is kept), by trigger",
            ["trigger"], registry=r,
        )  # fmt: skip
        self.store_up = Gauge(
            "dlp_store_up", "1 while the quarantine store answers (last look)", registry=r
        )
        self.build_info = VersionInfo(r)
        self.patterns_loaded = Gauge(
            "dlp_patterns_loaded", "Recognizers in the running pattern set, by mode",
            ["mode"], registry=r,
        )  # fmt: skip

        self._zero()

    def _zero(self) -> None:
        """Create the labelled series that exist from the start, at 0.

        Prometheus shows no series until a label set is first used, so a
        dashboard panel would say "No data" (and `rate()` would miss the first
        event) until something went wrong; a zero line is the honest picture.
        """
        for verdict in VERDICTS:
            for action in ACTIONS:
                self.messages.labels(verdict, action)
        for kind in ERROR_KINDS:
            self.errors.labels(kind)
        for why in REFUSALS:
            self.refused_sessions.labels(why)
        for result in ("ok", "failed"):
            self.reloads.labels(result)
        for trigger in ("sighup", "watch"):
            self.pattern_reload_errors.labels(trigger)

    def zero_patterns(self, recognizers: Iterable[tuple[str, str, str]]) -> None:
        """Series at 0 for each (name, entity, mode) of the running pattern set."""
        for name, entity, mode in recognizers:
            self.pattern_hits.labels(name, mode)
            self.findings.labels(entity)

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))


class SharedGauge:
    """A database-wide value, exported only while `exported()` (one node of several)."""

    def __init__(self, name: str, documentation: str, registry: CollectorRegistry) -> None:
        self.name, self.documentation = name, documentation
        self.value = 0.0
        self.exported: Callable[[], bool] = lambda: True
        registry.register(self)

    def set(self, value: float) -> None:
        self.value = float(value)

    def describe(self) -> list[Metric]:
        return [GaugeMetricFamily(self.name, self.documentation)]

    def collect(self) -> Iterator[Metric]:
        if self.exported():
            yield GaugeMetricFamily(self.name, self.documentation, value=self.value)


class VersionInfo:
    """`dlp_build_info{node, version, config_version, patterns_version, roster_version} 1`.

    Nodes whose labels differ run different policies: the alert rule compares them.
    """

    LABELS = ("node", "config_version", "patterns_version", "roster_version")

    def __init__(self, registry: CollectorRegistry) -> None:
        self.labels: Callable[[], dict[str, str]] | None = None
        registry.register(self)

    def describe(self) -> list[Metric]:
        return [GaugeMetricFamily("dlp_build_info", "What this node runs", labels=self.LABELS)]

    def collect(self) -> Iterator[Metric]:
        if self.labels is None:
            return
        values = self.labels()
        family = GaugeMetricFamily(
            "dlp_build_info", "What this node runs", labels=("version", *self.LABELS)
        )
        family.add_metric([__version__, *(values.get(k, "") for k in self.LABELS)], 1)
        yield family


Health = Callable[[], tuple[bool, dict[str, Any]]]


async def serve_http(host: str, port: int, metrics: Metrics, health: Health) -> asyncio.Server:
    """`/metrics` (Prometheus text format) and `/healthz` (JSON; 200, or 503 when not
    accepting mail) on a tiny server."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            line = await asyncio.wait_for(reader.readline(), 10)
            while (await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
                pass
            parts = line.decode("latin-1").split()
            path = parts[1].split("?")[0] if len(parts) > 1 else "/"
            if path == "/metrics":
                status, ctype, body = "200 OK", CONTENT_TYPE_LATEST, metrics.render()
            elif path == "/healthz":
                ok, info = health()
                status = "200 OK" if ok else "503 Service Unavailable"
                ctype, body = "application/json", json.dumps(info).encode() + b"\n"
            else:
                status, ctype, body = "404 Not Found", "text/plain", b"not found\n"
            head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
            head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            writer.write(head.encode() + body)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, host, port)
