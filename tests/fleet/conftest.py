"""Two `dlp serve` nodes sharing one PostgreSQL (through a proxy the tests can cut).

PostgreSQL comes from `DLP_TEST_POSTGRES_URL` (`scripts/start-postgres`);
without it every test here skips.  The nodes use a schema of their own, so
other tests' tables are never touched, and a short poll interval.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fleet.nodes import Node
from tests.fleet.proxy import TcpProxy
from tests.quarantine.conftest import PG_ENV, pg_schema_url
from tests.relay.sink import Sink
from tests.relay.util import free_port


@pytest.fixture(scope="module")
def pg_base() -> str:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (run scripts/start-postgres)")
    return base


@pytest.fixture(scope="module")
def pg_url(pg_base: str) -> Iterator[str]:
    """A fresh schema for this module's fleet, dropped afterwards."""
    import psycopg

    schema = f"fleet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield pg_schema_url(pg_base, schema)
    with psycopg.connect(pg_base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="module")
def proxy(pg_base: str) -> Iterator[TcpProxy]:
    target = urlsplit(pg_base)
    p = TcpProxy((target.hostname or "127.0.0.1", target.port or 5432)).start()
    yield p
    p.cut()


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    s = Sink(free_port())
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def fleet_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("fleet")
    (home / "keys").mkdir()
    (home / "keys" / "roster.key").write_text("5a" * 32 + "\n")
    (home / "keys" / "roster.key").chmod(0o600)
    return home


def node_sections(fleet_home: Path, url: str, sink: Sink) -> dict[str, object]:
    """What every node (and the administrator's CLI) shares: store, roster, next hop."""
    return {
        "quarantine": {"url": url, "notify_sender": False},
        "roster": {"store": url, "key_file": str(fleet_home / "keys" / "roster.key")},
        "relay": {"next_hop": f"127.0.0.1:{sink.port}"},
    }


@pytest.fixture(scope="module")
def nodes(
    fleet_home: Path, pg_url: str, proxy: TcpProxy, sink: Sink
) -> Iterator[tuple[Node, Node]]:
    shared = node_sections(fleet_home, proxy.url(pg_url), sink)
    a = Node(fleet_home / "a", "node-a", shared)
    b = Node(fleet_home / "b", "node-b", shared)
    # the two folders differ (a comment), as two hand-kept folders do
    with open(b.patterns / "staff.yaml", "a") as extra:
        extra.write("# edited on node b only\n")
    try:
        a.launch(), b.launch()
        yield a.ready(), b.ready()
    finally:
        a.stop()
        b.stop()
