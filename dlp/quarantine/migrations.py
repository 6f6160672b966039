"""Versioned schema migrations for both backends, applied in order at open.

Version 1 is the relay's original table, so a database created before the
review workflow upgrades in place. Each step runs in one transaction with the
version bump (PostgreSQL DDL is transactional; SQLite runs it under
`BEGIN IMMEDIATE`), and PostgreSQL takes an advisory lock so several relays
starting together migrate once. The audit log is append-only in the database
itself: triggers refuse UPDATE and DELETE, so no code path can rewrite history.
"""

from __future__ import annotations

from typing import Any

ADVISORY_LOCK = 0x646C70  # "dlp"

_V1_COLUMNS = """
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    scan_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'held',
    verdict TEXT NOT NULL,
    reasons TEXT NOT NULL,
    categories TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    size INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    path TEXT NOT NULL
"""

_V2_COLUMNS = (
    "received_epoch {real} NOT NULL DEFAULT 0",
    "findings TEXT NOT NULL DEFAULT '[]'",
    "decided_by TEXT",
    "decided_at TEXT",
    "decision_reason TEXT",
    "release_token TEXT",
    "releasing_since {real}",
    "notify_state TEXT NOT NULL DEFAULT 'none'",
    "notify_kind TEXT",
    "notify_since {real}",
)

_SQLITE_V2 = [
    *[f"ALTER TABLE quarantine ADD COLUMN {c.format(real='REAL')}" for c in _V2_COLUMNS],
    "UPDATE quarantine SET received_epoch = CAST(strftime('%s', received_at) AS REAL)",
    "CREATE INDEX IF NOT EXISTS quarantine_status ON quarantine (status, received_epoch)",
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL, at_epoch REAL NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        message_id TEXT, reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1)""",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]

_PG_V2 = [
    *[
        f"ALTER TABLE quarantine ADD COLUMN {c.format(real='DOUBLE PRECISION')}"
        for c in _V2_COLUMNS
    ],
    "ALTER TABLE quarantine ALTER COLUMN path DROP NOT NULL",
    """UPDATE quarantine SET received_epoch =
        EXTRACT(EPOCH FROM CAST(received_at AS TIMESTAMPTZ))""",
    "CREATE INDEX quarantine_status ON quarantine (status, received_epoch)",
    """CREATE TABLE quarantine_raw (
        id TEXT PRIMARY KEY REFERENCES quarantine (id) ON DELETE CASCADE, raw BYTEA NOT NULL)""",
    """CREATE TABLE audit (
        seq BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL, at_epoch DOUBLE PRECISION NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, message_id TEXT, reason TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '')""",
    """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    """CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1)""",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]

# Version 3: review at district scale. Searchable text kept at quarantine time;
# server-side sessions (revocable); claims and notes; the false-positive
# decision and the reviewers' digest; and the FERPA record of disclosures,
# append-only like the audit log and never touched by the retention purge.
_V3_COLUMNS = (
    "search_text TEXT NOT NULL DEFAULT ''",
    "assigned_to TEXT",
    "false_positive INTEGER NOT NULL DEFAULT 0",
    "digest_state TEXT NOT NULL DEFAULT 'done'",
)
_V3_TABLES = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, user_name TEXT NOT NULL, created_epoch {real} NOT NULL,
    expires_epoch {real} NOT NULL);
CREATE TABLE notes (
    seq {serial}, message_id TEXT NOT NULL, at TEXT NOT NULL, author TEXT NOT NULL,
    text TEXT NOT NULL);
CREATE INDEX notes_message ON notes (message_id);
CREATE TABLE disclosures (
    seq {serial}, disclosed_at TEXT NOT NULL, disclosed_epoch {real} NOT NULL,
    student TEXT NOT NULL, student_kind TEXT NOT NULL, recipients TEXT NOT NULL,
    categories TEXT NOT NULL, basis TEXT NOT NULL, basis_text TEXT NOT NULL DEFAULT '',
    exempt INTEGER NOT NULL, reason TEXT NOT NULL, officer TEXT NOT NULL,
    quarantine_id TEXT NOT NULL);
CREATE INDEX disclosures_when ON disclosures (disclosed_epoch)
"""


def _v3(real: str, serial: str) -> list[str]:
    tables = _V3_TABLES.format(real=real, serial=serial).split(";")
    return [
        *[f"ALTER TABLE quarantine ADD COLUMN {c}" for c in _V3_COLUMNS],
        *[t.strip() for t in tables],
    ]


_SQLITE_V3 = [
    *_v3("REAL", "INTEGER PRIMARY KEY AUTOINCREMENT"),
    """CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
        BEGIN SELECT RAISE(ABORT, 'the record of disclosures is append-only'); END""",
    """CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
        BEGIN SELECT RAISE(ABORT, 'the record of disclosures is append-only'); END""",
]

_PG_V3 = [
    *_v3("DOUBLE PRECISION", "BIGSERIAL PRIMARY KEY"),
    """CREATE FUNCTION disclosures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the record of disclosures is append-only'; END $$""",
    """CREATE TRIGGER disclosures_no_change BEFORE UPDATE OR DELETE ON disclosures
        FOR EACH ROW EXECUTE FUNCTION disclosures_append_only()""",
]

# Version 4, several relays as one: which node held a message or wrote an audit entry, the published
# pattern sets and rosters every node follows (newest `seq` is active), and short leases
# (one node exports the database-wide gauges).
_V4_FLEET = [
    "ALTER TABLE quarantine ADD COLUMN node TEXT",
    "ALTER TABLE audit ADD COLUMN node TEXT",
    """CREATE TABLE pattern_sets (
        seq {serial} PRIMARY KEY, version TEXT NOT NULL, files TEXT NOT NULL,
        published_at TEXT NOT NULL, published_by TEXT NOT NULL, node TEXT NOT NULL)""",
    """CREATE TABLE roster_sets (
        seq {serial} PRIMARY KEY, version TEXT NOT NULL, store {blob} NOT NULL,
        imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, node TEXT NOT NULL)""",
    """CREATE TABLE leases (
        name TEXT PRIMARY KEY, node TEXT NOT NULL, expires {real} NOT NULL)""",
]
_SQLITE_V4 = [s.format(serial="INTEGER", blob="BLOB", real="REAL") for s in _V4_FLEET]
_PG_V4 = [s.format(serial="BIGSERIAL", blob="BYTEA", real="DOUBLE PRECISION") for s in _V4_FLEET]

# Version 5: failed logins are counted in the database, so every review node behind a
# load balancer enforces one limit (keys are hashes: a mistyped password in the name
# field is never stored).
_V5_LOGINS = [
    """CREATE TABLE login_failures (
        seq {serial} PRIMARY KEY, key TEXT NOT NULL, at_epoch {real} NOT NULL)""",
    "CREATE INDEX login_failures_key ON login_failures (key, at_epoch)",
]
_SQLITE_V5 = [s.format(serial="INTEGER", real="REAL") for s in _V5_LOGINS]
_PG_V5 = [s.format(serial="BIGSERIAL", real="DOUBLE PRECISION") for s in _V5_LOGINS]


MIGRATIONS: dict[str, list[list[str]]] = {
    "sqlite": [
        [f"CREATE TABLE IF NOT EXISTS quarantine ({_V1_COLUMNS})"],
        _SQLITE_V2,
        _SQLITE_V3,
        _SQLITE_V4,
        _SQLITE_V5,
    ],
    "postgresql": [
        [f"CREATE TABLE IF NOT EXISTS quarantine ({_V1_COLUMNS})"],
        _PG_V2,
        _PG_V3,
        _PG_V4,
        _PG_V5,
    ],
}

LATEST = 5


def migrate(db: Any) -> int:
    """Bring the schema to LATEST; returns the version found before. `db` is a `Database`."""
    steps = MIGRATIONS[db.dialect]
    with db.transaction() as tx:
        if db.dialect == "postgresql":
            tx.execute("SELECT pg_advisory_xact_lock(?)", (ADVISORY_LOCK,))
        tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = tx.one("SELECT max(version) FROM schema_version")
        found = int(row[0]) if row and row[0] is not None else 0
        for version in range(found + 1, len(steps) + 1):
            for statement in steps[version - 1]:
                tx.execute(statement)
            tx.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return found
