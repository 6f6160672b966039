"""The reviewers' digest: one mail listing what was held since the last one.

A reviewer should not have to watch the queue, nor get one mail per held
message. When `review.notify` names addresses, the sweeper sends at most one
digest per `review.notify_minutes`: the window is claimed in the `meta` table
and each held message is taken for exactly one digest (`Teamwork.claim_digest`),
so several relays sharing one database never send the same news twice. The
digest carries no finding values: masked subjects, categories in words, ids.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from email.message import EmailMessage
from email.policy import SMTP

from dlp.act.relay import Hop, Relay, Result, Transfer
from dlp.config import Settings
from dlp.quarantine.db import Database
from dlp.quarantine.evidence import masked_subject
from dlp.quarantine.model import Record, Status
from dlp.quarantine.store import SqlStore
from dlp.quarantine.teamwork import Teamwork

WINDOW_KEY = "digest_last_epoch"
MAX_LISTED = 100  # lines in one digest; the rest are counted


def take_window(db: Database, minutes: int, now: float) -> bool:
    """True for exactly one caller per `minutes` (any node), which then may send."""
    with db.transaction() as tx:
        row = tx.one("SELECT value FROM meta WHERE key = ?", (WINDOW_KEY,))
        if row is not None and now - float(row[0]) < minutes * 60:
            return False
        if row is None:
            tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (WINDOW_KEY, str(now)))
        else:
            tx.execute("UPDATE meta SET value = ? WHERE key = ?", (str(now), WINDOW_KEY))
        return True


def build(settings: Settings, records: list[Record]) -> bytes:
    lines = [
        f"{len(records)} message(s) were held for review by the outbound mail filter of "
        f"{settings.district.name}:",
        "",
    ]
    for r in records[:MAX_LISTED]:
        cats = ", ".join(c.replace("_", " ") for c in r.categories) or "-"
        subject = masked_subject(r.subject, r.findings) or "(no subject)"
        lines.append(f"  {r.id}  {r.received_at}  {r.sender or '<>'} -> "
                     f"{', '.join(r.recipients)}  [{cats}]  {subject}")  # fmt: skip
    if len(records) > MAX_LISTED:
        lines.append(f"  ... and {len(records) - MAX_LISTED} more")
    lines += ["", "Open the review queue to decide. Values are masked here on purpose."]
    domain = settings.district.domains[0]
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"{settings.district.name} privacy review <postmaster@{domain}>"
    msg["To"] = ", ".join(settings.review.notify)
    msg["Subject"] = f"{len(records)} message(s) held for review"
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid("dlp-digest", domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n".join("".join(c if c.isprintable() else "?" for c in line)
                              for line in lines))  # fmt: skip
    return bytes(msg)


async def run_once(
    settings: Settings, store: SqlStore, relay: Relay, now: float | None = None
) -> int:
    """Send the digest when one is due; returns how many held messages it listed."""
    reviewers = settings.review.notify
    if not reviewers:
        return 0
    now = time.time() if now is None else now
    if not await asyncio.to_thread(take_window, store.db, settings.review.notify_minutes, now):
        return 0
    team = Teamwork(store)
    claimed = await asyncio.to_thread(team.claim_digest)
    records = [r for r in claimed if r.status == Status.HELD]  # decided already: no news
    if not records:
        return 0
    transfer = Transfer("", tuple(reviewers), build(settings, records))
    try:
        delivery = await relay.deliver(Hop.parse(settings.relay.next_hop), transfer)
        sent = delivery.result is Result.ACCEPTED
    except Exception:
        sent = False
    if not sent:
        await asyncio.to_thread(team.digest_failed, [r.id for r in records])
        return 0
    return len(records)
