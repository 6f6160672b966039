"""Reviewer accounts: argon2id password hashes in the quarantine database.

Accounts live next to the messages (not in a file on one host) so that every
review node sharing a PostgreSQL sees the same people, and so that the
session-signing secret, kept in the `meta` table, is shared too.
"""

from __future__ import annotations

import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dlp.quarantine.codec import iso
from dlp.quarantine.db import Database
from dlp.quarantine.model import ROLES, QuarantineError, User

MIN_PASSWORD = 12  # characters; a passphrase, not a PIN
_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
_DUMMY = _hasher.hash("timing equaliser for unknown names")


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, role: str, password: str) -> User:
        name = name.strip()
        if not name or len(name) > 64 or not name.isprintable():
            raise QuarantineError("a user name is 1-64 printable characters")
        if role not in ROLES:
            raise QuarantineError(f"role must be one of {', '.join(ROLES)}")
        check_password(password)
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 FROM users WHERE name = ?", (name,)):
                raise QuarantineError(f"user {name!r} already exists")
            tx.execute(
                "INSERT INTO users (name, role, password_hash, created_at, active)"
                " VALUES (?, ?, ?, ?, 1)",
                (name, role, _hasher.hash(password), iso(time.time())),
            )
        return User(name, role, "")

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        with self.db.transaction() as tx:
            if not tx.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                              (_hasher.hash(password), name)):  # fmt: skip
                raise QuarantineError(f"no user {name!r}")
            tx.execute("DELETE FROM sessions WHERE user_name = ?", (name,))

    def remove(self, name: str) -> None:
        with self.db.transaction() as tx:
            if not tx.execute("DELETE FROM users WHERE name = ?", (name,)):
                raise QuarantineError(f"no user {name!r}")
            tx.execute("DELETE FROM sessions WHERE user_name = ?", (name,))

    def get(self, name: str) -> User | None:
        with self.db.transaction() as tx:
            row = tx.one(
                "SELECT name, role, password_hash, active FROM users WHERE name = ?", (name,)
            )
        return User(row[0], row[1], row[2], bool(row[3])) if row else None

    def all(self) -> list[User]:
        with self.db.transaction() as tx:
            rows = tx.all("SELECT name, role, active FROM users ORDER BY name")
        return [User(r[0], r[1], "", bool(r[2])) for r in rows]

    def verify(self, name: str, password: str) -> User | None:
        """The user if the password matches; same work whether or not the name exists."""
        user = self.get(name)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or not user.active:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            self.set_password(name, password)
        return user

    # --- sessions: a random id in the signed cookie, the session itself here ---------

    def open_session(self, name: str, minutes: int) -> str:
        """A new session for `name`; logout or removing the account ends it everywhere."""
        sid = secrets.token_urlsafe(32)
        now = time.time()
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM sessions WHERE expires_epoch < ?", (now,))
            tx.execute(
                "INSERT INTO sessions (id, user_name, created_epoch, expires_epoch)"
                " VALUES (?, ?, ?, ?)", (sid, name, now, now + minutes * 60),
            )  # fmt: skip
        return sid

    def session_user(self, sid: str) -> User | None:
        """The active account of a live session, or None (ended, expired, account gone)."""
        with self.db.transaction() as tx:
            row = tx.one(
                "SELECT u.name, u.role, u.active FROM sessions s JOIN users u"
                " ON u.name = s.user_name WHERE s.id = ? AND s.expires_epoch > ?",
                (sid, time.time()),
            )
        if row is None or not row[2]:
            return None
        return User(row[0], row[1], "", True)

    def close_session(self, sid: str) -> None:
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM sessions WHERE id = ?", (sid,))

    def close_sessions_of(self, name: str) -> int:
        """Revoke every session of an account (removed, password changed)."""
        with self.db.transaction() as tx:
            return tx.execute("DELETE FROM sessions WHERE user_name = ?", (name,))

    def secret(self, key: str = "session_secret") -> str:
        """A random secret made once and shared by every node (signs session cookies)."""
        with self.db.transaction() as tx:
            row = tx.one("SELECT value FROM meta WHERE key = ?", (key,))
            if row:
                return str(row[0])
            value = secrets.token_urlsafe(48)
            tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            return value


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise QuarantineError(f"a password needs at least {MIN_PASSWORD} characters")
