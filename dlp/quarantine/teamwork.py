"""Reviewers working together: claiming a message, notes on it, and the digest of new holds.

A claim is the `assigned_to` column (anyone may take over; each change is
audited). Notes are the reviewers' own words about a message; they explain
a decision, so they stay after the message is purged, like the audit log.
The digest tells the configured reviewers that messages are waiting; rows
are claimed for it with a conditional UPDATE so
several relays sharing one database send each hold in one digest only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from dlp.quarantine.codec import RECORD_COLUMNS, iso, record_from
from dlp.quarantine.model import QuarantineError, Record
from dlp.quarantine.store import SqlStore

MAX_NOTE = 4000  # characters


@dataclass(frozen=True)
class Note:
    at: str
    author: str
    text: str


class Teamwork:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.db = store.db

    def assign(self, qid: str, to: str | None, actor: str) -> Record:
        """Claim (to = yourself), hand over (to = another reviewer) or release the claim."""
        with self.db.transaction() as tx:
            self.store._get(tx, qid)  # NotFound when unknown
            tx.execute("UPDATE quarantine SET assigned_to = ? WHERE id = ?", (to, qid))
            action = "unassign" if to is None else "claim" if actor.endswith(f":{to}") else "assign"
            self.store._audit(tx, actor, action, qid, "", to or "")
            return self.store._get(tx, qid)

    def add_note(self, qid: str, author: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise QuarantineError("a note needs some text")
        if len(text) > MAX_NOTE:
            raise QuarantineError(f"a note is at most {MAX_NOTE} characters")
        with self.db.transaction() as tx:
            self.store._get(tx, qid)
            tx.execute(
                "INSERT INTO notes (message_id, at, author, text) VALUES (?, ?, ?, ?)",
                (qid, iso(time.time()), author, text),
            )
            self.store._audit(tx, author, "note", qid, "", f"{len(text)} characters")

    def notes(self, qid: str) -> list[Note]:
        with self.db.transaction() as tx:
            rows = tx.all(
                "SELECT at, author, text FROM notes WHERE message_id = ? ORDER BY seq", (qid,)
            )
        return [Note(*r) for r in rows]

    def claim_digest(self, limit: int = 500) -> list[Record]:
        """Held messages not yet in a digest, now marked as in one (exactly one node gets each)."""
        with self.db.transaction() as tx:
            rows = tx.all(
                f"SELECT {RECORD_COLUMNS} FROM quarantine WHERE digest_state = 'pending'"
                " ORDER BY received_epoch LIMIT ?", (limit,),
            )  # fmt: skip
            taken = []
            for row in rows:
                record = record_from(row)
                if tx.execute("UPDATE quarantine SET digest_state = 'sent' WHERE id = ? AND "
                              "digest_state = 'pending'", (record.id,)):  # fmt: skip
                    taken.append(record)
        return taken

    def digest_failed(self, ids: list[str]) -> None:
        """The digest did not go out: put its messages back for the next one."""
        with self.db.transaction() as tx:
            for qid in ids:
                tx.execute("UPDATE quarantine SET digest_state = 'pending' WHERE id = ?", (qid,))
