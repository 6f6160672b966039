"""`dlp patterns publish DIR`: make a checked pattern folder the active set of every relay.

Publishing needs the shared PostgreSQL store: a single relay with SQLite reads
its own pattern folder, so there is nothing to publish to (one-line error).
The folder is checked exactly as `dlp patterns check` does, and a folder with
errors is refused with the same messages and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dlp.errors import DlpError

EXIT_OK, EXIT_INVALID = 0, 2

PUBLISH_EXAMPLE = """examples:
  dlp patterns publish /etc/dlp/patterns --config /etc/dlp/config.yaml
  dlp patterns publish ./patterns-new --config /etc/dlp/config.yaml --json
Every relay sharing the config's PostgreSQL quarantine runs the set within
detection.poll_seconds; `curl -s NODE:9125/healthz` shows its patterns_version.
"""


class NeedsPostgres(DlpError):
    """Publishing with a store other nodes cannot see."""


def cmd_publish(args: argparse.Namespace) -> int:
    from dlp.config import is_postgres_url
    from dlp.fleet.shared import SharedState
    from dlp.fleet.versions import files_version, read_pattern_files
    from dlp.quarantine import store_url
    from dlp.tuning.check import check_folder
    from dlp.tuning.cli import settings_for

    settings = settings_for(args.config, args.dir)
    url = store_url(settings)
    if not is_postgres_url(url):
        raise NeedsPostgres(
            "patterns publish needs a shared PostgreSQL store (quarantine.url: postgresql://...);"
            f" with SQLite each relay reads its own folder: edit {settings.patterns} and reload"
        )
    report = check_folder(settings.patterns, settings, run_examples=not args.skip_examples)
    if not report.ok:
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False))
        for problem in report.problems:
            print(f"dlp: {problem}", file=sys.stderr)
        print(f"{report.folder}: {len(report.errors)} error(s); nothing published", file=sys.stderr)
        return EXIT_INVALID
    files = read_pattern_files(settings.patterns)
    version = files_version(files)
    shared = SharedState.connect(url, settings.node.name, connect_timeout=10)
    active = shared.heads().patterns
    published = None if active == version else shared.publish_patterns(version, files)
    out = {
        "folder": str(settings.patterns), "patterns_version": version, "files": len(files),
        "recognizers": len(report.recognizers), "published": published is not None,
        "poll_seconds": settings.detection.poll_seconds,
    }  # fmt: skip
    if args.json:
        print(json.dumps(out))
    elif published is None:
        print(f"{settings.patterns}: already the active set (patterns_version {version})")
    else:
        print(
            f"{settings.patterns}: published as patterns_version {version} "
            f"({len(report.recognizers)} recognizers in {len(files)} files); every relay "
            f"follows within {settings.detection.poll_seconds:g} s"
        )
    return EXIT_OK


def register(actions: Any, formatter: Any) -> None:
    """Add `publish` under `dlp patterns`."""
    pub = actions.add_parser(
        "publish", help="several relays: make DIR the active set of every node (PostgreSQL)",
        description="Check DIR like `dlp patterns check`, then store it in the shared database "
        "as the pattern set every relay runs.",
        epilog=PUBLISH_EXAMPLE, formatter_class=formatter,
    )  # fmt: skip
    pub.add_argument("dir", metavar="DIR", help="pattern folder to publish")
    pub.add_argument(
        "--skip-examples", action="store_true", help="skip running examples (no spaCy load)"
    )
    pub.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    pub.add_argument("--json", action="store_true", help="one JSON object describing the result")
    pub.set_defaults(func=cmd_publish)
