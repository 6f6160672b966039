"""One message from end-of-data to a final outcome: scan, then relay, hold or bounce.

`Processor.process` never raises: every path ends in an `Outcome` whose reply
comes from `dlp.receive.replies`, and a `250` is only produced after the
message is durably somewhere else (next hop accepted it, quarantine fsynced it,
or the next hop accepted the bounce). Anything else is a 4xx so Postfix keeps
the message and retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.policy import default as default_policy

from dlp.act.bounce import BounceInfo, build_dsn
from dlp.act.relay import Hop, Relay, Result, Transfer
from dlp.config import Settings
from dlp.decide.policy import is_encrypted_by_subject
from dlp.metrics import Metrics
from dlp.quarantine import HeldMessage, QuarantineStore, fingerprint
from dlp.receive import replies
from dlp.receive.replies import Reply
from dlp.receive.scanning import ScanFailed, Scanning, ScanSummary

log = logging.getLogger("dlp.relay")

POISON_MEMORY = 10_000  # fingerprints of failing messages remembered (bounded memory)
HEADER_SCAN_LIMIT = 256 * 1024  # bytes searched for our loop-guard header


@dataclass(frozen=True)
class Inbound:
    """A message as received: original bytes and envelope with its ESMTP parameters."""

    raw: bytes
    sender: str
    recipients: tuple[str, ...]
    mail_params: tuple[str, ...] = ()
    rcpt_params: tuple[tuple[str, ...], ...] = ()
    smtputf8: bool = False
    received_at: float = 0.0


@dataclass(frozen=True)
class Outcome:
    reply: Reply
    action: str  # relayed | held | bounced | rejected | refused_downstream | tempfail
    verdict: str = ""
    scan_id: str = ""
    error: str = ""  # metrics kind for a temporary failure
    summary: ScanSummary | None = None


def scan_header_count(raw: bytes) -> int:
    """How many X-DLP-Scan-ID headers the message already carries (one per pass through dlp)."""
    end = raw.find(b"\r\n\r\n", 0, HEADER_SCAN_LIMIT)
    head = raw[: end if end != -1 else HEADER_SCAN_LIMIT]
    return sum(1 for line in head.split(b"\n") if line[:14].lower() == b"x-dlp-scan-id:")


def with_headers(raw: bytes, summary: ScanSummary, monitor: bool) -> bytes:
    """Our headers prepended to the untouched original bytes (DKIM stays valid)."""
    verdict = summary.verdict
    if monitor and summary.verdict != summary.enforced:
        verdict += f" (monitor mode: {summary.enforced})"
    cats = ", ".join(summary.categories) or "none"
    head = f"X-DLP-Scan-ID: {summary.scan_id}\r\nX-DLP-Verdict: {verdict}\r\n"
    head += f"X-DLP-Categories: {cats}\r\n"
    return head.encode("ascii") + raw


def subject_of(raw: bytes) -> str:
    return header_of(raw, "subject")


def header_of(raw: bytes, header: str) -> str:
    """One header's value from the header block (bounded read; '' when absent or broken)."""
    try:
        end = raw.find(b"\r\n\r\n", 0, HEADER_SCAN_LIMIT)
        msg = BytesHeaderParser(policy=default_policy).parsebytes(raw[: end + 4 if end > 0 else 0])
        return str(msg.get(header, ""))
    except Exception:
        return ""


def message_id_of(raw: bytes) -> str:
    """The Message-ID as written, for the log line of every message.

    A Message-ID is ASCII (RFC 5322 3.6.4), so the legacy policy's plain
    string is enough; the default policy's header parsing cost about a
    millisecond of the event loop's time per message.
    """
    try:
        end = raw.find(b"\r\n\r\n", 0, HEADER_SCAN_LIMIT)
        msg = BytesHeaderParser(policy=compat32).parsebytes(raw[: end + 4 if end > 0 else 0])
        return " ".join(str(msg.get("message-id", "")).split())
    except Exception:
        return ""


def encryption_tag(settings: Settings) -> str | None:
    """The subject tag to suggest to a sender, or None when no gateway would act on it."""
    tags = settings.encryption.subject_tags
    return tags[0] if tags and settings.relay.encrypt_next_hop else None


def _params(params: tuple[str, ...], name: str) -> str | None:
    prefix = name.upper() + "="
    return next((p[len(prefix) :] for p in params if p.upper().startswith(prefix)), None)


class PoisonTracker:
    """Counts scan failures per message so that a poison message is held, not retried forever."""

    def __init__(self) -> None:
        self._fails: OrderedDict[str, int] = OrderedDict()

    def failed(self, key: str) -> int:
        n = self._fails.pop(key, 0) + 1
        self._fails[key] = n
        while len(self._fails) > POISON_MEMORY:
            self._fails.popitem(last=False)
        return n

    def clear(self, key: str) -> None:
        self._fails.pop(key, None)


class Processor:
    def __init__(
        self,
        settings: Callable[[], Settings],
        scanning: Scanning,
        relay: Relay,
        store: QuarantineStore,
        metrics: Metrics,
        hostname: str,
    ) -> None:
        self.settings = settings
        self.scanning = scanning
        self.relay = relay
        self.store = store
        self.metrics = metrics
        self.hostname = hostname
        self.poison = PoisonTracker()

    async def process(self, msg: Inbound) -> Outcome:
        started = time.monotonic()
        self.metrics.in_flight.inc()
        try:
            outcome = await self._process(msg, self.settings())
        except Exception:
            log.exception("internal error while processing a message")
            outcome = Outcome(replies.INTERNAL_ERROR, "tempfail", error="internal")
        finally:
            self.metrics.in_flight.dec()
        self._record(msg, outcome, time.monotonic() - started)
        return outcome

    async def _process(self, msg: Inbound, settings: Settings) -> Outcome:
        if scan_header_count(msg.raw) >= settings.relay.loop_limit:
            return Outcome(replies.LOOP, "rejected", error="loop")
        scanned = await self._scan(msg, settings)
        if isinstance(scanned, Outcome):
            return scanned
        if scanned.enforced == "quarantine":
            return await self._hold(msg, scanned)
        if scanned.enforced == "bounce":
            return await self._bounce(msg, scanned, settings)
        return await self._relay(msg, scanned, settings)

    async def _scan(self, msg: Inbound, settings: Settings) -> ScanSummary | Outcome:
        key = fingerprint(msg.sender, msg.recipients, msg.raw)
        started = time.monotonic()
        try:
            summary = await self.scanning.scan(msg.raw, msg.sender, msg.recipients)
        except ScanFailed as exc:
            reply = replies.SCAN_TIMEOUT if "timeout" in exc.kind else replies.SCAN_FAILED
            if exc.kind == "queue_timeout":
                return Outcome(reply, "tempfail", error="scan_queue_timeout")
            if self.poison.failed(key) < settings.relay.poison_after:
                return Outcome(reply, "tempfail", error=f"scan_{exc.kind}")
            log.warning("message failed to scan repeatedly; treating as unscannable")
            return self._poison_summary(msg, settings)
        self.poison.clear(key)
        self.metrics.scan_seconds.observe(time.monotonic() - started)
        self.metrics.scanned_bytes.inc(len(msg.raw))
        for entity, n in summary.entities.items():
            self.metrics.findings.labels(entity).inc(n)
        for name, n in summary.recognizers.items():
            mode = "monitor" if name in summary.monitored else "enforce"
            self.metrics.pattern_hits.labels(name, mode).inc(n)
        return summary

    def _poison_summary(self, msg: Inbound, settings: Settings) -> ScanSummary:
        enforced = "pass" if settings.policy.mode == "monitor" else "quarantine"
        why = "the message could not be scanned after repeated attempts (fails closed)"
        return ScanSummary(
            scan_id=uuid.uuid4().hex[:16], verdict="quarantine", enforced=enforced,
            reasons=(("unscannable-message", "3", why),), categories=("unscannable",),
            subject=subject_of(msg.raw), size=len(msg.raw),
        )  # fmt: skip

    async def _relay(self, msg: Inbound, s: ScanSummary, settings: Settings) -> Outcome:
        relay_cfg = settings.relay
        wants_encryption = is_encrypted_by_subject(s.subject, settings)
        target = (
            relay_cfg.encrypt_next_hop if wants_encryption and relay_cfg.encrypt_next_hop else None
        )
        hop = Hop.parse(target or relay_cfg.next_hop)
        monitor = settings.policy.mode == "monitor"
        data = with_headers(msg.raw, s, monitor) if relay_cfg.add_headers else msg.raw
        transfer = Transfer(
            msg.sender, msg.recipients, data, msg.mail_params, msg.rcpt_params, msg.smtputf8
        )
        delivery = await self.relay.deliver(hop, transfer)
        if delivery.result is Result.ACCEPTED:
            return Outcome(replies.relayed(s.scan_id), "relayed", s.verdict, s.scan_id, summary=s)
        if delivery.result is Result.PERMFAIL:
            return Outcome(delivery.reply, "refused_downstream", s.verdict, s.scan_id, summary=s)
        return Outcome(delivery.reply, "tempfail", s.verdict, s.scan_id, delivery.kind, s)

    async def _hold(self, msg: Inbound, s: ScanSummary) -> Outcome:
        held = HeldMessage(
            scan_id=s.scan_id, verdict=s.verdict, reasons=s.reasons, categories=s.categories,
            sender=msg.sender, recipients=msg.recipients, subject=s.subject,
            size=len(msg.raw), received_at=msg.received_at or time.time(),
            findings=s.findings, search_text=s.search_text,
        )  # fmt: skip
        try:
            await asyncio.to_thread(self.store.put, held, msg.raw)
        except Exception as exc:
            log.error("quarantine store failed: %s", type(exc).__name__)
            return Outcome(replies.STORE_FAILED, "tempfail", s.verdict, s.scan_id, "store", s)
        with contextlib.suppress(Exception):  # the message is held; only the gauge goes stale
            self.metrics.quarantine_size.set(await asyncio.to_thread(self.store.count))
        return Outcome(replies.held(s.scan_id), "held", s.verdict, s.scan_id, summary=s)

    async def _bounce(self, msg: Inbound, s: ScanSummary, settings: Settings) -> Outcome:
        if settings.relay.mode == "before-queue":
            section = next((sec for _r, sec, _t in s.reasons if sec), "")
            reply = replies.policy_reject(section, encryption_tag(settings))
            return Outcome(reply, "rejected", s.verdict, s.scan_id, summary=s)
        notify = [_params(p, "NOTIFY") or "" for p in msg.rcpt_params]
        if not msg.sender or (notify and all(n.upper() == "NEVER" for n in notify)):
            # no one may be told (a bounce of a bounce, or NOTIFY=NEVER): hold it instead
            return await self._hold(msg, s)
        info = BounceInfo(
            sender=msg.sender, recipients=msg.recipients,
            original_recipients=[_params(p, "ORCPT") for p in msg.rcpt_params],
            envid=_params(msg.mail_params, "ENVID"), findings=s.masked, reasons=s.reasons,
            subject_tag=encryption_tag(settings),
            scan_id=s.scan_id, reporting_mta=self.hostname, district=settings.district.name,
        )  # fmt: skip
        dsn = Transfer(
            "", (msg.sender,), build_dsn(info, msg.raw), smtputf8=not msg.sender.isascii()
        )
        delivery = await self.relay.deliver(Hop.parse(settings.relay.next_hop), dsn)
        if delivery.result is Result.ACCEPTED:
            return Outcome(replies.bounced(s.scan_id), "bounced", s.verdict, s.scan_id, summary=s)
        if delivery.result is Result.PERMFAIL:  # the sender cannot be told: never drop, hold
            return await self._hold(msg, s)
        return Outcome(delivery.reply, "tempfail", s.verdict, s.scan_id, delivery.kind, s)

    def _record(self, msg: Inbound, outcome: Outcome, seconds: float) -> None:
        if outcome.action == "tempfail" or outcome.error:
            self.metrics.errors.labels(outcome.error or "unknown").inc()
        if outcome.action != "tempfail":
            self.metrics.messages.labels(outcome.verdict or "none", outcome.action).inc()
        s = outcome.summary
        log.info(
            "message %s", outcome.action,
            extra={
                "scan_id": outcome.scan_id, "verdict": outcome.verdict, "action": outcome.action,
                "reply": f"{outcome.reply.code} {outcome.reply.status}", "error": outcome.error,
                "categories": list(s.categories) if s else [],
                "entities": dict(s.entities) if s else {},
                "sections": sorted({sec for _r, sec, _t in s.reasons}) if s else [],
                "size": len(msg.raw), "sender": msg.sender, "recipients": len(msg.recipients),
                "seconds": round(seconds, 3),
                # with several relays Postfix may resend a message through another node
                # (at-least-once): the same Message-ID logged twice spots the duplicate
                "message_id": message_id_of(msg.raw)[:200],
                "node": self.settings().node.name,
            },
        )  # fmt: skip
