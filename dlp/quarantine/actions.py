"""What reviewers do to a held message, each step in the append-only audit log.

Shared by the CLI and the web UI so that both follow one set of rules: a
reason is required for every decision; release re-injects the original bytes
(with two headers prepended, so DKIM stays valid) to the next hop exactly
once; reject tells the sender; reveal, showing an unmasked finding, is itself
a recorded act.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from dlp.act.relay import Hop, Relay, Result, Transfer
from dlp.config import Settings
from dlp.extract.mime import walk
from dlp.model import TextChunk
from dlp.quarantine import disclosures, notify
from dlp.quarantine import findings as positions
from dlp.quarantine.codec import iso
from dlp.quarantine.db import Tx
from dlp.quarantine.disclosures import Basis
from dlp.quarantine.model import ActionFailed, QuarantineError, Record, Status
from dlp.quarantine.store import SqlStore

MAX_REASON = 2000  # characters of a typed reason
LEASE_PER_TIMEOUT = 4  # a release running longer than this many next-hop timeouts was interrupted
DAY = 86400.0


class BasisRequired(QuarantineError):
    """A disclosure of student records needs its basis before anything is sent."""


def require_reason(reason: str | None) -> str:
    """A decision without a reason does not stand up as an authorization (POLICY.md E.2)."""
    text = " ".join((reason or "").split())
    if not text:
        raise QuarantineError("a reason is required")
    if len(text) > MAX_REASON:
        raise QuarantineError(f"the reason is longer than {MAX_REASON} characters")
    return text


@dataclass(frozen=True)
class MessageView:
    """What the message page and `show` display: headers, text parts, findings placed."""

    record: Record
    headers: tuple[tuple[str, str], ...]
    chunks: tuple[TextChunk, ...]
    unscannable: tuple[tuple[str, str], ...]
    raw: bytes = b""


class Actions:
    def __init__(self, settings: Settings, store: SqlStore, relay: Relay | None = None) -> None:
        self.settings = settings
        self.store = store
        self.relay = relay or Relay(settings.relay.next_hop_timeout)

    @property
    def lease(self) -> float:
        return LEASE_PER_TIMEOUT * self.settings.relay.next_hop_timeout

    def needs_basis(self, qid: str) -> bool:
        """True when releasing `qid` would disclose a student record outside the district."""
        return disclosures.is_disclosure(self.settings, self.store.get(qid))

    async def release(
        self, qid: str, actor: str, reason: str | None, resend: bool = False,
        basis: Basis | None = None, false_positive: bool = False,
    ) -> Record:  # fmt: skip
        """Re-inject to the next hop; exactly one of two simultaneous reviewers gets here.

        A student record to an outside recipient needs a `basis` and leaves one
        disclosure entry per student; a false positive is not a disclosure (the
        reviewer says nothing sensitive is in it) and is marked for tuning.
        """
        why = require_reason(reason)
        current = await asyncio.to_thread(self.store.get, qid)
        disclosing = not false_positive and disclosures.is_disclosure(self.settings, current)
        if disclosing and basis is None:
            raise BasisRequired(
                f"{qid} holds a student record for an outside recipient: give the basis of "
                f"this disclosure ({', '.join(disclosures.BASES)})"
            )
        token = uuid.uuid4().hex
        record = await asyncio.to_thread(
            self.store.begin_release, qid, actor, why, token, self.lease, resend
        )
        try:
            raw = await asyncio.to_thread(self.store.raw, qid)
            delivery = await self.relay.deliver(
                Hop.parse(self.settings.relay.next_hop), _transfer(record, raw, actor, token)
            )
        except BaseException:
            await asyncio.to_thread(self.store.abort_release, qid, token, actor, why, "error")
            raise
        answer = f"{delivery.reply.code} {delivery.reply.status} {delivery.reply.text}"
        if delivery.result is not Result.ACCEPTED:
            await asyncio.to_thread(self.store.abort_release, qid, token, actor, why, answer)
            raise ActionFailed(f"the next hop did not take {qid} ({answer}); it is held again")
        detail = f"next hop: {answer}; token {token}"
        items: list[disclosures.Disclosure] = []
        if disclosing and basis is not None:
            found = await asyncio.to_thread(self._chunks, raw)
            items = disclosures.entries(self.settings, record, found, basis, why, actor)
            detail += f"; disclosure ({basis.code}) of {len(items)} student record(s)"
        also = _recorder(qid, items, false_positive)
        action = "false-positive" if false_positive else "release"
        return await asyncio.to_thread(
            self.store.finish_release, qid, token, actor, why, detail, also, action
        )

    def _chunks(self, raw: bytes) -> tuple[TextChunk, ...]:
        return walk(raw, self.settings.extraction.limits()).chunks

    def confirm_delivered(
        self, qid: str, actor: str, reason: str | None, basis: Basis | None = None
    ) -> Record:
        """Mark an interrupted release delivered; a disclosure is recorded as on release."""
        why = require_reason(reason)
        record = self.store.get(qid)
        items: list[disclosures.Disclosure] = []
        if disclosures.is_disclosure(self.settings, record):
            if basis is None:
                raise BasisRequired(f"{qid} holds a student record for an outside recipient")
            chunks = self._chunks(self.store.raw(qid))
            items = disclosures.entries(self.settings, record, chunks, basis, why, actor)
        return self.store.confirm_release(qid, actor, why, self.lease, _recorder(qid, items, False))

    async def reject(self, qid: str, actor: str, reason: str | None) -> Record:
        """Refuse the message for good and tell the sender (now, or by the sweeper later)."""
        why = require_reason(reason)
        sets = {
            "status": Status.REJECTED, "decided_by": actor, "decided_at": iso(time.time()),
            "decision_reason": why, "notify_kind": "rejected", "notify_since": None,
            "notify_state": "pending",
        }  # fmt: skip
        record = await asyncio.to_thread(
            self.store.transition, qid, (Status.HELD,), sets, (actor, "reject", why, "")
        )
        await notify.run_once(self.settings, self.store, self.relay, qid)
        return record

    def delete(self, qid: str, actor: str, reason: str | None) -> Record:
        """Remove the message itself now (admin); the record and its audit trail stay."""
        why = require_reason(reason)
        allowed = (Status.HELD, Status.RELEASED, Status.REJECTED)
        sets = {"status": Status.DELETED, "decided_by": actor, "decided_at": iso(time.time()),
                "decision_reason": why}  # fmt: skip
        return self.store.transition(qid, allowed, sets, (actor, "delete", why, ""))

    def purge(self, actor: str, older_than_days: float | None = None) -> list[str]:
        """Retention (policy D.2): remove everything received more than N days ago."""
        days = older_than_days if older_than_days is not None else (
            self.settings.quarantine.retention_days)  # fmt: skip
        if days < 0:
            raise QuarantineError("--older-than must be zero or more days")
        return self.store.purge(
            time.time() - days * DAY, actor, f"retention: older than {days:g} days"
        )

    def view(self, qid: str) -> MessageView:
        """Headers and text of a message; extraction only (no detection model needed)."""
        record = self.store.get(qid)
        raw = self.store.raw(qid)
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        headers = tuple((k, _header_text(v)) for k, v in msg.items())
        extraction = walk(raw, self.settings.extraction.limits())
        unscannable = tuple((u.where, u.why) for u in extraction.unscannable)
        return MessageView(record, headers, extraction.chunks, unscannable, raw)

    def reveal(
        self, view: MessageView, numbers: list[int], actor: str, reason: str
    ) -> dict[int, str]:
        """Unmasked values of findings `numbers`; audited before anything is returned."""
        f = view.record.findings
        chosen = [n for n in numbers if 0 <= n < len(f)]
        if not chosen:
            raise QuarantineError("no such finding")
        detail = ", ".join(f"#{n} {f[n].entity} in {f[n].where}" for n in chosen)
        self.store.audit(actor, "reveal", view.record.id, reason or "reviewing", detail)
        values = {n: positions.value(view.chunks, f[n]) for n in chosen}
        return {n: v for n, v in values.items() if v is not None}


def _recorder(
    qid: str, items: list[disclosures.Disclosure], false_positive: bool
) -> Callable[[Tx], None]:
    """What the release transaction writes besides the status: disclosures, the FP mark."""

    def write(tx: Tx) -> None:
        disclosures.write(tx, items)
        if false_positive:
            tx.execute("UPDATE quarantine SET false_positive = 1 WHERE id = ?", (qid,))

    return write


def _header_text(value: object) -> str:
    """A header as text: encoded words decoded, folding removed, never raising."""
    try:
        text = str(email.header.make_header(email.header.decode_header(str(value))))
    except Exception:
        text = str(value)
    return " ".join(text.split())


def _transfer(record: Record, raw: bytes, actor: str, token: str) -> Transfer:
    """The original bytes with release headers on top; envelope as it first arrived."""
    who = "".join(c if 32 < ord(c) < 127 else "?" for c in actor)[:64]
    stamp = (
        f"X-DLP-Released: by {who} at {iso(time.time())} (quarantine {record.id})\r\n"
        f"X-DLP-Release-Token: {token}\r\n"
    ).encode()
    utf8 = not (record.sender.isascii() and all(r.isascii() for r in record.recipients))
    params = ("BODY=8BITMIME",) if any(b > 127 for b in raw) else ()
    return Transfer(record.sender, record.recipients, stamp + raw, params, smtputf8=utf8)
