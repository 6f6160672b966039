"""The release handshake and the notification queue, as conditional updates.

Release is `held → releasing → released`. Taking `releasing` is a conditional
UPDATE that records a fresh release token; only the reviewer whose UPDATE
matched goes on to re-inject, and only an UPDATE carrying that same token can
mark the message released (or put it back to held when the next hop refused).

If the process dies after the next hop accepted the message but before the
row says `released`, the row stays `releasing`. Nothing ever re-sends such a
message by itself: once its lease has run out it is reported as an
interrupted release, and a reviewer, having checked the mail log for the
`X-DLP-Release-Token`, either confirms it was delivered or asks for a resend.
Duplicates are therefore impossible without a person choosing one.

Sender notifications use the same idea: a row is `pending` until a sweeper
claims it (`sending`, with a time), so several relays sharing one database
never notify twice; a claim whose sender crashed is retried after its lease.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from dlp.quarantine.codec import iso as _iso
from dlp.quarantine.db import Database, Tx
from dlp.quarantine.model import Record, Status, WrongState


class Transitions:
    """Mixed into the store: needs its `db`, `_get` and `_audit`."""

    db: Database

    def _get(self, tx: Tx, qid: str) -> Record:
        raise NotImplementedError

    def _audit(self, tx: Tx, actor: str, action: str, qid: str | None, reason: str,
               detail: str = "") -> None:  # fmt: skip
        raise NotImplementedError

    def begin_release(
        self, qid: str, actor: str, reason: str, token: str, lease: float, resend: bool = False
    ) -> Record:
        """Claim the message for re-injection, or say why not (in progress, interrupted, done)."""
        now = time.time()
        with self.db.transaction() as tx:
            claimed = tx.execute(
                "UPDATE quarantine SET status = ?, release_token = ?, releasing_since = ?,"
                " decided_by = ?, decision_reason = ? WHERE id = ? AND status = ?",
                (Status.RELEASING, token, now, actor, reason, qid, Status.HELD),
            )
            record = self._get(tx, qid)
            if claimed:
                return record
            if record.status != Status.RELEASING:
                raise WrongState(f"{qid} is already {record.status.value}")
            if not _interrupted(record, lease, now):
                raise WrongState(f"{qid} is being released by {record.decided_by} right now")
            if not resend:
                raise WrongState(
                    f"release of {qid} was interrupted and may have been delivered: look for "
                    f"X-DLP-Release-Token {record.release_token} in the mail log, then use "
                    "--confirm-delivered or --resend"
                )
            tx.execute(
                "UPDATE quarantine SET release_token = ?, releasing_since = ?, decided_by = ?"
                " WHERE id = ? AND status = ? AND release_token = ?",
                (token, now, actor, qid, Status.RELEASING, record.release_token),
            )
            self._audit(tx, actor, "release-resend", qid, reason, f"previous token "
                        f"{record.release_token}")  # fmt: skip
            return self._get(tx, qid)

    def finish_release(
        self, qid: str, token: str, actor: str, reason: str, detail: str,
        also: Callable[[Tx], None] | None = None, action: str = "release",
    ) -> Record:  # fmt: skip
        """The next hop accepted the message: mark it released (only with our token).

        `also` writes what must stand or fall with the release (the disclosure
        record) in the same transaction.
        """
        now = time.time()
        with self.db.transaction() as tx:
            done = tx.execute(
                "UPDATE quarantine SET status = ?, decided_at = ? WHERE id = ? AND status = ?"
                " AND release_token = ?",
                (Status.RELEASED, _iso(now), qid, Status.RELEASING, token),
            )
            if not done:
                raise WrongState(f"{qid}: release was taken over by someone else")
            self._audit(tx, actor, action, qid, reason, detail)
            if also is not None:
                also(tx)
            return self._get(tx, qid)

    def abort_release(self, qid: str, token: str, actor: str, reason: str, why: str) -> None:
        """The next hop refused or was down: the message is held again, nothing was sent."""
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE quarantine SET status = ?, release_token = NULL, releasing_since = NULL,"
                " decided_by = NULL, decision_reason = NULL"
                " WHERE id = ? AND status = ? AND release_token = ?",
                (Status.HELD, qid, Status.RELEASING, token),
            )
            self._audit(tx, actor, "release-failed", qid, reason, why)

    def confirm_release(
        self, qid: str, actor: str, reason: str, lease: float,
        also: Callable[[Tx], None] | None = None,
    ) -> Record:  # fmt: skip
        """An interrupted release was found delivered in the mail log: mark it, send nothing."""
        now = time.time()
        with self.db.transaction() as tx:
            record = self._get(tx, qid)
            if record.status != Status.RELEASING or not _interrupted(record, lease, now):
                raise WrongState(f"{qid} is not an interrupted release (it is "
                                 f"{record.status.value})")  # fmt: skip
            tx.execute(
                "UPDATE quarantine SET status = ?, decided_at = ? WHERE id = ? AND status = ?"
                " AND release_token = ?",
                (Status.RELEASED, _iso(now), qid, Status.RELEASING, record.release_token),
            )
            self._audit(tx, actor, "release-confirmed", qid, reason,
                        f"token {record.release_token}")  # fmt: skip
            if also is not None:
                also(tx)
            return self._get(tx, qid)

    def claim_notifications(
        self, lease: float, limit: int = 20, qid: str | None = None
    ) -> list[tuple[Record, str]]:
        """Take pending (or stale) sender notifications; each goes to exactly one claimer."""
        now = time.time()
        only, params = ("AND id = ?", (qid,)) if qid else ("", ())
        claimed: list[tuple[Record, str]] = []
        with self.db.transaction() as tx:
            rows = tx.all(
                "SELECT id, notify_state, notify_since, notify_kind FROM quarantine"
                " WHERE (notify_state = 'pending' OR (notify_state = 'sending'"
                f" AND notify_since < ?)) {only} ORDER BY received_epoch LIMIT ?",
                (now - lease, *params, limit),
            )
            for row_id, state, since, kind in rows:
                if self._claim(tx, row_id, state, since, now):
                    claimed.append((self._get(tx, row_id), str(kind or "held")))
        return claimed

    @staticmethod
    def _claim(tx: Tx, qid: str, state: str, since: Any, now: float) -> bool:
        cond = "notify_since IS NULL" if since is None else "notify_since = ?"
        params = () if since is None else (since,)
        return bool(tx.execute(
            "UPDATE quarantine SET notify_state = 'sending', notify_since = ?"
            f" WHERE id = ? AND notify_state = ? AND {cond}", (now, qid, state, *params),
        ))  # fmt: skip

    def notified(self, qid: str, state: str, kind: str, detail: str = "") -> None:
        """Record the outcome of a notification: sent, skipped, or pending again (retry)."""
        with self.db.transaction() as tx:
            tx.execute("UPDATE quarantine SET notify_state = ? WHERE id = ?", (state, qid))
            if state != "pending":
                self._audit(tx, "system", f"notify-{kind}", qid, state, detail)


def _interrupted(record: Record, lease: float, now: float) -> bool:
    return record.releasing_since is None or now - record.releasing_since > lease
