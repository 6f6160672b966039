"""The roster store: keyed hashes only, in one SQLite file replaced atomically.

Every roster value is stored as the first 8 bytes of HMAC-SHA256(site key,
kind + value).  Without the key (kept in its own file, outside the store) the
store reveals how many people are listed and nothing else: no name, ID, date
or address can be tested against it.  8 bytes keep 50,000 students in a few
megabytes per worker; with a few hundred thousand entries the chance that an
unrelated word collides is about 1 in 10^13 per lookup.

Each table is a sorted array of digests with a parallel array of owners (an
opaque row number per student or staff member, so that a name, an ID and a
guardian can be tied to the same person).  Tables load as `array`s and are
searched by bisection: no per-entry Python objects.
"""

from __future__ import annotations

import hmac
import os
import secrets
import sqlite3
import stat
import tempfile
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dlp.errors import DlpError

DIGEST_BYTES = 8
KEY_BYTES = 32
FORMAT_VERSION = "1"
KEY_CHECK = b"dlp-roster-key-check"  # lets a scanner notice a store built with another key
# Table names: what each digest stands for.  "Pair" tables hash a value together with its
# owner (a student's own birth date, a student's own guardian) and need no owner column.
STUDENT_NAME, STUDENT_ID, STUDENT_DOB, GUARDIAN = "student_name", "student_id", "dob", "guardian"
STAFF_NAME, STAFF_ID, STAFF_CONTACT = "staff_name", "staff_id", "staff_contact"
STUDENT_TABLES = (STUDENT_NAME, STUDENT_ID, STUDENT_DOB, GUARDIAN)
STAFF_TABLES = (STAFF_NAME, STAFF_ID, STAFF_CONTACT)
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE hashes (name TEXT PRIMARY KEY, entries INTEGER NOT NULL,
                     digests BLOB NOT NULL, owners BLOB NOT NULL);
"""


class RosterError(DlpError):
    """The roster key or store cannot be used (missing, unreadable, another key)."""


def load_key(path: Path, create: bool = False) -> bytes:
    """The site secret; created (0600, never overwritten) on first import when missing."""
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another import created it a moment ago: use that one
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(KEY_BYTES) + "\n")
                out.flush()
                os.fsync(out.fileno())
    try:
        text = path.read_text().strip()
    except OSError as exc:
        raise RosterError(f"roster key file {path}: {exc.strerror or exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise RosterError(f"roster key file {path}: expected at least 32 hex digits")
    return key


def key_is_private(path: Path) -> bool:
    """False when group or others may read the key file (it should be 0600)."""
    return not (path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def key_check(key: bytes) -> str:
    return hmac.digest(key, KEY_CHECK, "sha256")[:DIGEST_BYTES].hex()


class Hasher:
    """Keyed digests of normalised values, as unsigned 64-bit integers."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, kind: str, value: str) -> int:
        data = f"{kind}\0{value}".encode()
        return int.from_bytes(hmac.digest(self._key, data, "sha256")[:DIGEST_BYTES], "big")

    def pair(self, kind: str, owner: int, value: str) -> int:
        """A value that only counts together with its owner (a birth date, a guardian)."""
        return self(kind, f"{owner}\0{value}")


@dataclass
class Table:
    """Sorted digests and the owner of each; several owners may share a digest."""

    digests: array = field(default_factory=lambda: array("Q"))
    owners: array = field(default_factory=lambda: array("I"))

    @classmethod
    def build(cls, pairs: Iterable[tuple[int, int]]) -> Table:
        ordered = sorted(set(pairs))
        return cls(array("Q", (d for d, _ in ordered)), array("I", (o for _, o in ordered)))

    def owners_of(self, digest: int) -> Iterator[int]:
        i = bisect_left(self.digests, digest)
        while i < len(self.digests) and self.digests[i] == digest:
            yield self.owners[i]
            i += 1

    def __contains__(self, digest: int) -> bool:
        i = bisect_left(self.digests, digest)
        return i < len(self.digests) and self.digests[i] == digest

    def __len__(self) -> int:
        return len(self.digests)

    def nbytes(self) -> int:
        return len(self.digests) * 8 + len(self.owners) * 4


@dataclass
class RosterData:
    """Everything a scanner needs from the store, held in memory."""

    tables: dict[str, Table]
    meta: dict[str, str]

    def table(self, name: str) -> Table:
        return self.tables.get(name) or Table()

    def nbytes(self) -> int:
        return sum(t.nbytes() for t in self.tables.values())


def read_store(path: Path) -> RosterData:
    """Load every table from the store file; RosterError when it is not a roster store."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            rows = db.execute("SELECT name, digests, owners FROM hashes").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise RosterError(f"roster store {path}: {exc}") from None
    if meta.get("format") != FORMAT_VERSION:
        raise RosterError(f"roster store {path}: unknown format {meta.get('format')!r}")
    tables: dict[str, Table] = {}
    for name, digests, owners in rows:
        table = Table()
        table.digests.frombytes(digests)
        table.owners.frombytes(owners)
        tables[name] = table
    return RosterData(tables, meta)


def write_store(path: Path, data: RosterData) -> None:
    """Write a new store beside the old one, fsync it, then rename it into place.

    A scanner that opens the store during an import sees the old file or the
    new one, never half of either; a crash leaves the old store intact.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        _fill(temp, data)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, 0o640)
        os.replace(temp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        temp.unlink(missing_ok=True)


def _fill(temp: Path, data: RosterData) -> None:
    temp.unlink()  # sqlite creates the file itself, with its own header
    db = sqlite3.connect(temp)
    try:
        db.executescript(_SCHEMA)
        meta = {**data.meta, "format": FORMAT_VERSION, "written_at": str(int(time.time()))}
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        db.executemany(
            "INSERT INTO hashes VALUES (?, ?, ?, ?)",
            [
                (name, len(t), t.digests.tobytes(), t.owners.tobytes())
                for name, t in sorted(data.tables.items())
            ],
        )
        db.commit()
    finally:
        db.close()
