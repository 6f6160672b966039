"""Every quarantine test runs against SQLite and a real PostgreSQL.

PostgreSQL comes from `DLP_TEST_POSTGRES_URL` (set by `scripts/start-postgres`,
which `.ci/run` calls); without it those cases skip. Each test gets its own
schema, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from relay.sink import Sink
from relay.util import free_port, load_settings

from dlp.config import Settings
from dlp.quarantine import PostgresQuarantineStore, SqliteQuarantineStore, SqlStore

PG_ENV = "DLP_TEST_POSTGRES_URL"


def pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema in the test PostgreSQL, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (run scripts/start-postgres)")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield pg_schema_url(base, schema)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The `quarantine.url` for this test's backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'q.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    s = Sink(free_port())
    s.start()
    yield s
    s.stop()


@pytest.fixture
def make_settings(tmp_path: Path, sink: Sink, backend: str) -> Callable[..., Settings]:
    def make(**sections: Any) -> Settings:
        relay = {"next_hop": f"127.0.0.1:{sink.port}", **sections.pop("relay", {})}
        quarantine = {"url": backend, "dir": str(tmp_path / "held"),
                      **sections.pop("quarantine", {})}  # fmt: skip
        review = {"listen": None, **sections.pop("review", {})}
        return load_settings(tmp_path, relay, quarantine=quarantine, review=review, **sections)

    sink.reset()
    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def store(settings: Settings, tmp_path: Path) -> SqlStore:
    from dlp.quarantine import open_store

    s = open_store(settings)
    assert isinstance(s, SqliteQuarantineStore | PostgresQuarantineStore)
    return s
