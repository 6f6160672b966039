"""Telling the sender: "held for review" on quarantine, and "not sent" on rejection.

Notices go from the null sender (so they can never bounce back) through the
next hop, only to senders in the district's own domains: the relay sees
outbound mail, and a forged outside sender must not turn the filter into a
source of backscatter. They say why in plain words, with findings masked.
Templates are `string.Template` text; a first line `Subject: ...` sets the
subject. A site replaces them with `quarantine.notify_template` and
`quarantine.reject_template`.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from string import Template

from dlp.act.relay import Hop, Relay, Result, Transfer
from dlp.config import Settings
from dlp.quarantine.model import Record
from dlp.quarantine.transitions import Transitions

log = logging.getLogger("dlp.quarantine")

HELD_TEMPLATE = """Subject: Your message is held for review: $subject
Your message to $recipients (subject "$subject") is held for review by the
privacy office of $district because:

$reasons

What was found (masked):
$findings

You do not need to do anything now. The privacy office will either send it
on or tell you that it was not sent. If it must reach the recipient soon,
contact the privacy office and quote reference $id.

To send student or staff records outside the district, use an authorized,
encrypted route (add [secure] to the subject)."""

REJECT_TEMPLATE = """Subject: Your message was not sent: $subject
Your message to $recipients (subject "$subject") was reviewed by the privacy
office of $district and was not sent, because:

$reasons

What was found (masked):
$findings

If the recipient is entitled to this information, send it through an
authorized, encrypted route (add [secure] to the subject), or contact the
privacy office and quote reference $id."""

NOTIFY_LEASE = 300.0  # seconds before a claimed notice that was never sent is tried again
MAX_LISTED = 10  # findings listed in a notice


def template(settings: Settings, kind: str) -> str:
    q = settings.quarantine
    path = q.reject_template if kind == "rejected" else q.notify_template
    if path is not None:
        return path.read_text(encoding="utf-8")
    return REJECT_TEMPLATE if kind == "rejected" else HELD_TEMPLATE


def render(settings: Settings, record: Record, kind: str) -> tuple[str, str]:
    """(subject, body) for a notice; every value in it is already masked or the sender's own."""
    reasons = "\n".join(
        f"  - {text}" + (f" (policy section {sec})" if sec else "")
        for _rule, sec, text in record.reasons
    )
    listed = record.findings[:MAX_LISTED]
    findings = "\n".join(f"  - {f.entity}: {f.excerpt} (in {f.where})" for f in listed)
    findings = findings or "  (see the reasons above)"
    values = {
        "recipients": ", ".join(record.recipients), "subject": record.subject or "(none)",
        "district": settings.district.name, "reasons": reasons or "  - policy",
        "findings": findings, "id": record.id, "reason": record.decision_reason or "",
    }  # fmt: skip
    text = Template(template(settings, kind)).safe_substitute(values)
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first[len("subject:") :].strip(), rest.lstrip("\n")
    return f"Message held for review: {record.subject}", text


def should_notify(settings: Settings, record: Record, kind: str) -> bool:
    if not record.sender or (kind == "held" and not settings.quarantine.notify_sender):
        return False
    domain = record.sender.rpartition("@")[2].lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in settings.district.domains)


def build(settings: Settings, record: Record, kind: str) -> bytes:
    subject, body = render(settings, record, kind)
    domain = settings.district.domains[0]
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address(f"{settings.district.name} privacy office", "postmaster", domain)
    msg["To"] = record.sender
    msg["Subject"] = subject.replace("\n", " ")
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid("dlp-notice", domain)
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-DLP-Quarantine-ID"] = record.id
    msg.set_content(body)
    return bytes(msg)


async def send(settings: Settings, relay: Relay, record: Record, kind: str) -> Result:
    """Hand one notice to the next hop from the null sender."""
    data = build(settings, record, kind)
    transfer = Transfer("", (record.sender,), data, smtputf8=not record.sender.isascii())
    delivery = await relay.deliver(Hop.parse(settings.relay.next_hop), transfer)
    return delivery.result


NOTIFY_BATCH = 20  # notices claimed at a time
DRAIN_SECONDS = 4.0  # one sweep keeps claiming batches until the queue is empty or this passes


async def run_once(
    settings: Settings, store: Transitions, relay: Relay, qid: str | None = None
) -> int:
    """Send the notices that are due (all, or `qid`'s); returns how many went out.

    Batch after batch until fewer than a batch are due, so the queue keeps up
    with a burst of held mail; bounded in time so a slow next hop cannot hold
    the sweep forever.
    """
    sent = 0
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        claimed = await asyncio.to_thread(
            store.claim_notifications, NOTIFY_LEASE, NOTIFY_BATCH, qid
        )
        sent += await _send_claimed(settings, store, relay, claimed)
        if len(claimed) < NOTIFY_BATCH or qid is not None or time.monotonic() > deadline:
            return sent


async def _send_claimed(
    settings: Settings, store: Transitions, relay: Relay, claimed: list[tuple[Record, str]]
) -> int:
    sent = 0
    for record, kind in claimed:
        if not should_notify(settings, record, kind):
            await asyncio.to_thread(store.notified, record.id, "skipped", kind, "not notified")
            continue
        try:
            result = await send(settings, relay, record, kind)
        except Exception:
            log.exception("sender notice failed")
            result = Result.TEMPFAIL
        if result is Result.TEMPFAIL:
            continue  # stays claimed; tried again when the claim's lease runs out
        state = "sent" if result is Result.ACCEPTED else "failed"
        await asyncio.to_thread(store.notified, record.id, state, kind, "to the sender")
        sent += result is Result.ACCEPTED
    return sent
