"""The quarantine store: held messages, their review state, and the audit log.

One class holds the SQL for both backends; the two subclasses differ only in
where the raw message lives. SQLite (the embedded default) keeps it in a file
written atomically and fsynced before the row is committed; PostgreSQL (for
districts running several relays) keeps it in the database, in the same
transaction as the row, so any relay or review node can read it.

Every state change is a conditional UPDATE (`... WHERE status = 'held'`) in
the same transaction as its audit entry: two reviewers clicking "release" at
once both run the UPDATE, and the database lets exactly one of them match.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

from dlp.quarantine import codec
from dlp.quarantine.db import (
    Database,
    MigrateFirst,
    PostgresDatabase,
    SqliteDatabase,
    Tx,
    owned_like_parent,
)
from dlp.quarantine.durable import fingerprint, remove_durably, write_durably
from dlp.quarantine.migrations import migrate
from dlp.quarantine.model import (
    AuditEntry,
    HeldMessage,
    NotFound,
    Query,
    Record,
    Status,
    StoreUnavailable,
    WrongState,
)
from dlp.quarantine.searchtext import search_text
from dlp.quarantine.transitions import Transitions

SORTS = {
    "received": "received_epoch", "sender": "sender", "subject": "subject",
    "size": "size", "status": "status", "recipients": "recipients",
    "categories": "categories", "assigned": "assigned_to",
}  # fmt: skip


class QuarantineStore(Protocol):
    """What the relay needs: put a message durably, count what is held."""

    def put(self, held: HeldMessage, raw: bytes) -> str:
        """Store durably and return the record id; the same message twice gives the same id."""
        ...

    def count(self) -> int:
        """Messages currently held (the `quarantine size` metric)."""
        ...


class SqlStore(Transitions):
    """Messages, transitions and audit over a `Database`; subclasses say where raw bytes go."""

    def __init__(self, db: Database, node: str = "", defer_migration: bool = False) -> None:
        """`defer_migration`: a relay starting during a database outage migrates on first use."""
        self.node = node
        if defer_migration:
            self.db: Database = MigrateFirst(db)
            return
        self.db = db
        try:
            migrate(db)
        except StoreUnavailable:
            raise
        except db.errors as exc:
            raise StoreUnavailable(f"{type(exc).__name__}: {_first_line(exc)}") from exc

    # --- raw message storage (backend-specific) ------------------------------

    def _keep_raw(self, tx: Tx, qid: str, fp: str, raw: bytes) -> str | None:
        raise NotImplementedError

    def _read_raw(self, qid: str, path: str | None) -> bytes:
        raise NotImplementedError

    def _drop_raw(self, tx: Tx, qid: str) -> None:
        """Inside the transaction: drop what the database holds (PostgreSQL)."""

    def _drop_files(self, paths: list[str]) -> None:
        """After commit: remove message files (SQLite)."""

    def _prepare_raw(self, fp: str, raw: bytes) -> str | None:
        """Before the transaction: write the message file (SQLite)."""
        return None

    # --- the relay's side ----------------------------------------------------

    def put(self, held: HeldMessage, raw: bytes) -> str:
        fp = fingerprint(held.sender, held.recipients, raw)
        text = held.search_text if held.search_text is not None else search_text(raw)
        failures: tuple[type[BaseException], ...] = (OSError, *self.db.errors)
        try:
            path = self._prepare_raw(fp, raw)
            with self.db.transaction() as tx:
                qid = uuid.uuid4().hex[:12]
                if self._insert(tx, qid, fp, held, path, text):
                    self._keep_raw(tx, qid, fp, raw)
                    return qid
                row = tx.one("SELECT id FROM quarantine WHERE fingerprint = ?", (fp,))
                assert row is not None  # the conflict was on this fingerprint
                return str(row[0])
        except failures as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    def _insert(
        self, tx: Tx, qid: str, fp: str, held: HeldMessage, path: str | None, text: str
    ) -> int:
        """1 when inserted, 0 when a retry of the same message found its record (any relay)."""
        notify = "pending" if held.sender else "none"
        return tx.execute(
            "INSERT INTO quarantine (id, fingerprint, scan_id, verdict, reasons, categories,"
            " sender, recipients, subject, size, received_at, path, received_epoch, findings,"
            " notify_state, notify_kind, search_text, digest_state, node)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)"
            " ON CONFLICT (fingerprint) DO NOTHING",
            (
                qid, fp, held.scan_id, held.verdict,
                json.dumps([list(r) for r in held.reasons]), json.dumps(list(held.categories)),
                held.sender, json.dumps(list(held.recipients)), held.subject, held.size,
                codec.iso(held.received_at), path, held.received_at,
                codec.findings_json(held.findings), notify, "held", text, self.node or None,
            ),
        )  # fmt: skip

    def count(self) -> int:
        with self.db.transaction() as tx:
            row = tx.one("SELECT count(*) FROM quarantine WHERE status = 'held'")
        return int(row[0]) if row else 0

    def oldest_held(self) -> float | None:
        """Epoch of the oldest held message (the age gauge), None when nothing is held."""
        with self.db.transaction() as tx:
            row = tx.one("SELECT min(received_epoch) FROM quarantine WHERE status = 'held'")
        return float(row[0]) if row and row[0] is not None else None

    # --- reading -------------------------------------------------------------

    def get(self, qid: str) -> Record:
        with self.db.transaction() as tx:
            return self._get(tx, qid)

    def _get(self, tx: Tx, qid: str) -> Record:
        row = tx.one(f"SELECT {codec.RECORD_COLUMNS} FROM quarantine WHERE id = ?", (qid,))
        if row is None:
            raise NotFound(qid)
        return codec.record_from(row)

    def raw(self, qid: str) -> bytes:
        with self.db.transaction() as tx:
            row = tx.one("SELECT status, path FROM quarantine WHERE id = ?", (qid,))
        if row is None:
            raise NotFound(qid)
        if row[0] == Status.DELETED:
            raise WrongState(f"{qid} was deleted; its message is gone")
        return self._read_raw(qid, row[1])

    def query(self, q: Query) -> list[Record]:
        where, params = _where(q)
        order = SORTS.get(q.sort, "received_epoch")
        direction = "DESC" if q.descending else "ASC"
        sql = (
            f"SELECT {codec.RECORD_COLUMNS} FROM quarantine WHERE {where}"
            f" ORDER BY {order} {direction}, id LIMIT ? OFFSET ?"
        )
        with self.db.transaction() as tx:
            rows = tx.all(sql, (*params, q.limit, q.offset))
        return [codec.record_from(r) for r in rows]

    def counts(self, q: Query) -> dict[str, int]:
        """Messages per status under the same filters, ignoring the status filter."""
        where, params = _where(Query(**{**q.__dict__, "status": ()}))
        with self.db.transaction() as tx:
            rows = tx.all(f"SELECT status, count(*) FROM quarantine WHERE {where} GROUP BY status",
                          params)  # fmt: skip
        return {str(s): int(n) for s, n in rows}

    # --- transitions -----------------------------------------------------------

    def transition(
        self,
        qid: str,
        allowed: tuple[Status, ...],
        sets: dict[str, Any],
        audit: tuple[str, str, str, str],
    ) -> Record:
        """Move `qid` out of one of `allowed` states and audit (actor, action, reason, detail)."""
        paths: list[str] = []
        with self.db.transaction() as tx:
            cols = ", ".join(f"{k} = ?" for k in sets)
            marks = ", ".join("?" for _ in allowed)
            changed = tx.execute(
                f"UPDATE quarantine SET {cols} WHERE id = ? AND status IN ({marks})",
                (*sets.values(), qid, *allowed),
            )
            if changed != 1:
                raise _refusal(self._get(tx, qid), audit[1])
            if sets.get("status") == Status.DELETED:
                paths = self._forget(tx, [qid])
            self._audit(tx, *audit[:2], qid, *audit[2:])
            record = self._get(tx, qid)
        self._drop_files(paths)
        return record

    def _forget(self, tx: Tx, ids: list[str]) -> list[str]:
        paths = []
        for qid in ids:
            row = tx.one("SELECT path FROM quarantine WHERE id = ?", (qid,))
            if row and row[0]:
                paths.append(str(row[0]))
            tx.execute("UPDATE quarantine SET search_text = '' WHERE id = ?", (qid,))
            self._drop_raw(tx, qid)
        return paths

    def purge(self, before: float, actor: str, reason: str) -> list[str]:
        """Remove messages received before `before` (except a release in flight); audited."""
        with self.db.transaction() as tx:
            ids = [str(r[0]) for r in tx.all(
                "SELECT id FROM quarantine WHERE received_epoch < ? AND status <> ?",
                (before, Status.RELEASING))]  # fmt: skip
            paths = self._forget(tx, ids)
            for qid in ids:
                tx.execute("DELETE FROM quarantine WHERE id = ?", (qid,))
                self._audit(tx, actor, "purge", qid, reason)
        self._drop_files(paths)
        return ids

    # --- audit -----------------------------------------------------------------

    def audit(
        self, actor: str, action: str, qid: str | None, reason: str, detail: str = ""
    ) -> None:
        with self.db.transaction() as tx:
            self._audit(tx, actor, action, qid, reason, detail)

    def _audit(
        self, tx: Tx, actor: str, action: str, qid: str | None, reason: str, detail: str = ""
    ) -> None:
        now = time.time()
        tx.execute(
            "INSERT INTO audit (at, at_epoch, actor, action, message_id, reason, detail, node)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (codec.iso(now), now, actor, action, qid, reason, detail, self.node or None),
        )

    def audit_log(
        self, qid: str | None = None, limit: int = 10_000, actor: str | None = None,
        action: str | None = None,
    ) -> list[AuditEntry]:  # fmt: skip
        """Newest first; `actor` matches a substring, `action` exactly."""
        clauses, params = ["1 = 1"], []
        for column, value in (("message_id", qid), ("action", action)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if actor:
            clauses.append("lower(actor) LIKE ? ESCAPE '\\'")
            params.append(f"%{codec.like_escape(actor.lower())}%")
        with self.db.transaction() as tx:
            rows = tx.all(
                "SELECT seq, at, actor, action, message_id, reason, detail FROM audit"
                f" WHERE {' AND '.join(clauses)} ORDER BY seq DESC LIMIT ?", (*params, limit),
            )  # fmt: skip
        return [AuditEntry(int(r[0]), *r[1:]) for r in rows]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]


def _where(q: Query) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if q.status:
        clauses.append(f"status IN ({', '.join('?' for _ in q.status)})")
        params.extend(q.status)
    elif q.statuses_hidden:
        clauses.append(f"status NOT IN ({', '.join('?' for _ in q.statuses_hidden)})")
        params.extend(q.statuses_hidden)
    if q.sender:
        clauses.append("lower(sender) LIKE ? ESCAPE '\\'")
        params.append(f"%{codec.like_escape(q.sender.lower())}%")
    if q.domain:
        clauses.append("lower(recipients) LIKE ? ESCAPE '\\'")
        params.append(f'%@{codec.like_escape(q.domain.lower().lstrip("@"))}"%')
    if q.search:
        like = f"%{codec.like_escape(q.search.lower())}%"
        clauses.append(
            "(search_text LIKE ? ESCAPE '\\' OR lower(subject) LIKE ? ESCAPE '\\'"
            " OR lower(sender) LIKE ? ESCAPE '\\' OR lower(recipients) LIKE ? ESCAPE '\\')"
        )
        params.extend([like] * 4)
    if q.assigned:
        clauses.append("assigned_to = ?")
        params.append(q.assigned)
    if q.category:
        clauses.append("categories LIKE ? ESCAPE '\\'")
        params.append(f'%"{codec.like_escape(q.category)}"%')
    if q.since is not None:
        clauses.append("received_epoch >= ?")
        params.append(q.since)
    if q.until is not None:
        clauses.append("received_epoch < ?")
        params.append(q.until)
    return " AND ".join(clauses), params


def _refusal(record: Record, action: str) -> WrongState:
    if record.status == Status.RELEASING:
        return WrongState(f"{record.id} is being released; it cannot be {action}d now")
    return WrongState(f"{record.id} is already {record.status.value}")


class SqliteQuarantineStore(SqlStore):
    """Files + SQLite (WAL, synchronous=FULL). The file is durable before the row commits."""

    def __init__(self, db_path: Path, folder: Path, node: str = "") -> None:
        self.folder = folder
        if not folder.exists():
            folder.mkdir(parents=True, exist_ok=True, mode=0o750)
            owned_like_parent(folder)
        super().__init__(SqliteDatabase(db_path), node)

    def _prepare_raw(self, fp: str, raw: bytes) -> str | None:
        path = self.folder / f"{fp}.eml"
        if not path.exists():
            write_durably(path, raw)
        return str(path)

    def _keep_raw(self, tx: Tx, qid: str, fp: str, raw: bytes) -> str | None:
        return None

    def _read_raw(self, qid: str, path: str | None) -> bytes:
        return Path(path or "").read_bytes()

    def _drop_files(self, paths: list[str]) -> None:
        for path in paths:
            remove_durably(Path(path))


class PostgresQuarantineStore(SqlStore):
    """PostgreSQL: row and raw bytes in one transaction, shared by every relay and reviewer."""

    def __init__(self, url: str, node: str = "", defer_migration: bool = False) -> None:
        super().__init__(PostgresDatabase(url), node, defer_migration)

    def _keep_raw(self, tx: Tx, qid: str, fp: str, raw: bytes) -> str | None:
        tx.execute("INSERT INTO quarantine_raw (id, raw) VALUES (?, ?)", (qid, raw))
        return None

    def _read_raw(self, qid: str, path: str | None) -> bytes:
        with self.db.transaction() as tx:
            row = tx.one("SELECT raw FROM quarantine_raw WHERE id = ?", (qid,))
        if row is None:
            raise WrongState(f"{qid}: its message is no longer stored")
        return bytes(row[0])

    def _drop_raw(self, tx: Tx, qid: str) -> None:
        tx.execute("DELETE FROM quarantine_raw WHERE id = ?", (qid,))
