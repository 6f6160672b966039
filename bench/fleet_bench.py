"""Several relays: how long a publish takes to reach every node, an outage to show in
/healthz, and a node to start and relay clean mail while the database is down.

    eval "$(scripts/start-postgres)"
    python bench/fleet_bench.py --poll 5

Starts two `dlp serve` processes (one worker each) on a fresh schema of
$DLP_TEST_POSTGRES_URL, reached through a TCP proxy that the bench cuts to
simulate the outage; a loopback aiosmtpd sink is the next hop.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from dlp.cli import main as dlp  # noqa: E402
from tests.fleet.nodes import Node, wait_for  # noqa: E402
from tests.fleet.proxy import TcpProxy  # noqa: E402
from tests.quarantine.conftest import pg_schema_url  # noqa: E402
from tests.relay.client import message, send  # noqa: E402
from tests.relay.sink import Sink  # noqa: E402
from tests.relay.util import free_port  # noqa: E402

BADGE = """recognizers:
  - name: locker_badge
    supported_entity: LOCKER_BADGE
    role: high_risk_id
    patterns: [{name: badge, regex: '(?<![\\w-])BADGE-\\d{6}(?![\\w-])', score: 0.9}]
"""


def timed(what: str, check: object, node: Node | None = None) -> float:
    started = time.monotonic()
    wait_for(check, 600, what, node)  # type: ignore[arg-type]
    seconds = time.monotonic() - started
    print(f"{what}: {seconds:.1f} s", flush=True)
    return seconds


def run(poll: float, home: Path, base: str) -> None:
    import psycopg
    import yaml

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = pg_schema_url(base, schema)
    target = urlsplit(base)
    proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 5432)).start()
    sink = Sink(free_port())
    sink.start()
    shared = {"quarantine": {"url": proxy.url(url), "notify_sender": False},
              "relay": {"next_hop": f"127.0.0.1:{sink.port}"}}  # fmt: skip
    nodes = [Node(home / n, n, shared, poll) for n in ("node-a", "node-b")]
    third = Node(home / "node-c", "node-c", shared, poll)
    try:
        for n in nodes:
            n.launch()
        started = time.monotonic()
        for n in nodes:
            n.ready()
        print(f"two nodes started: {time.monotonic() - started:.1f} s", flush=True)
        folder = home / "published"
        shutil.copytree(ROOT / "patterns", folder)
        (folder / "badges.yaml").write_text(BADGE)
        admin = home / "admin.yaml"
        admin.write_text(yaml.safe_dump({"district": {"domains": ["westpark.k12.ca.us"]},
                                         "quarantine": {"url": url}}))  # fmt: skip
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            dlp(["patterns", "publish", str(folder), "--config", str(admin), "--skip-examples",
                 "--json"])  # fmt: skip
        version = json.loads(out.getvalue())["patterns_version"]
        timed("publish → both nodes run the set", lambda: all(
            (n.healthz() or {}).get("patterns_version") == version for n in nodes))  # fmt: skip
        held = send(nodes[1].port, message("Locker", "Code BADGE-482913")).final
        print(f"after publish, node-b answers: {held[0]} {held[1][:40]}", flush=True)
        proxy.cut()
        timed("outage → /healthz store unavailable on both", lambda: all(
            (n.healthz() or {}).get("store") == "unavailable" for n in nodes))  # fmt: skip
        started = time.monotonic()
        third.launch().ready()
        code = send(third.port, message()).final[0]
        print(f"node started during the outage and relayed clean mail ({code}): "
              f"{time.monotonic() - started:.1f} s", flush=True)  # fmt: skip
        proxy.restore()
        timed("database back → node-c follows the published set", lambda: (
            (third.healthz() or {}).get("patterns_version") == version), third)  # fmt: skip
    finally:
        for n in (*nodes, third):
            n.stop()
        proxy.cut()
        sink.stop()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll", type=float, default=5, help="detection.poll_seconds")
    args = parser.parse_args()
    base = os.environ.get("DLP_TEST_POSTGRES_URL")
    if not base:
        print('set DLP_TEST_POSTGRES_URL (eval "$(scripts/start-postgres)")', file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dlp-fleet-bench-") as tmp:
        run(args.poll, Path(tmp), base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
