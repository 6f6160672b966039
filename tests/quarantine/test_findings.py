"""Findings placed in the text: from a real scan, and after an upgrade from the relay's schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dlp.extract.mime import walk
from dlp.model import Envelope
from dlp.quarantine import SqliteQuarantineStore, Status
from dlp.quarantine import findings as positions
from dlp.quarantine.migrations import LATEST

from .helpers import mail

ROOT = Path(__file__).resolve().parents[2]


def test_a_real_scan_positions_every_finding_in_the_re_extracted_text(tmp_path: Path) -> None:
    from dlp import config
    from dlp.pipeline import Scanner

    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"district: {{domains: [westpark.k12.ca.us]}}\npatterns: {ROOT / 'patterns'}\n")
    scanner = Scanner(config.load(cfg))
    raw = mail(body="Jacob Martinez (student ID 2211873) has an IEP. His SSN is 536-22-8745.")
    result = scanner.scan(raw, Envelope("teacher@westpark.k12.ca.us", ("parent@gmail.com",)))
    held = positions.held_findings(result)
    assert held and any(f.entity == "US_SSN" for f in held)
    chunks = walk(raw).chunks
    assert all(positions.locate(chunks, f) for f in held)
    text = "".join(s.text for p in positions.parts(chunks, held, frozenset()) for s in p.segments)
    assert "536-22-8745" not in text and "***-**-8745" in text


def test_a_database_made_by_the_first_relay_is_migrated_in_place(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "q.db")
    db.execute(
        "CREATE TABLE quarantine (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE,"
        " scan_id TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'held', verdict TEXT NOT NULL,"
        " reasons TEXT NOT NULL, categories TEXT NOT NULL, sender TEXT NOT NULL,"
        " recipients TEXT NOT NULL, subject TEXT NOT NULL, size INTEGER NOT NULL,"
        " received_at TEXT NOT NULL, path TEXT NOT NULL)"
    )
    db.execute(
        "INSERT INTO quarantine VALUES ('abc', 'fp', 's1', 'held', 'quarantine',"
        ' \'[["r", "E.2", "t"]]\', \'["student_record"]\', \'a@westpark.k12.ca.us\','
        " '[\"b@gmail.com\"]', 'Old', 10, '2024-05-01T08:00:00Z', '/nonexistent')"
    )
    db.commit()
    db.close()
    store = SqliteQuarantineStore(tmp_path / "q.db", tmp_path / "held")
    record = store.get("abc")
    assert record.status is Status.HELD and record.received_epoch == 1714550400.0
    assert record.findings == () and record.categories == ("student_record",)
    version = sqlite3.connect(tmp_path / "q.db").execute("SELECT max(version) FROM schema_version")
    assert version.fetchone()[0] == LATEST
    SqliteQuarantineStore(tmp_path / "q.db", tmp_path / "held")  # a second open changes nothing
