"""`dlp roster import` and `dlp roster status`: the administrator's side of roster matching.

Import never stops for a bad row: every problem is printed with its file,
row and column (and in `--json` output), the row or value is skipped, and
the exit status is 0 once the store is replaced.  Exit 2 (a `RosterError`,
which `dlp.cli` reports like a config error) means nothing was imported: no
roster section, a file with no usable header, an unreadable key.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlp import config
from dlp.roster.store import RosterError, read_store

if TYPE_CHECKING:  # the importer (spreadsheet readers) loads only for `dlp roster import`
    from dlp.roster.importer import ImportSummary

EXIT_OK = 0
SHOWN_PROBLEMS = 50  # on a terminal; --json lists them all
IMPORT_EXAMPLE = """examples:
  dlp roster import --config /etc/dlp/config.yaml --students students.csv --staff staff.xlsx
  dlp roster import --config /etc/dlp/config.yaml --students nightly.csv --json
Only hashes keyed with roster.key_file are stored; a population not given is kept.
"""


def _settings_roster(path: str | None) -> tuple[config.Settings, config.RosterSection]:
    settings = config.load(path)
    if settings.roster is None:
        where = settings.source or config.DEFAULT_CONFIG
        raise RosterError(f"{where}: no 'roster:' section (add roster.store and roster.key_file)")
    return settings, settings.roster


def _progress(enabled: bool) -> Any:
    def show(file: str, rows: int) -> None:
        if enabled:
            sys.stderr.write(f"\r\x1b[Kreading {file}: {rows} rows")
            sys.stderr.flush()

    return show


def summary_line(s: ImportSummary) -> str:
    parts = [f"{s.counts['students']} students", f"{s.counts['staff']} staff"]
    problems = s.problems()
    skipped = sum(1 for p in problems if p.action == "row skipped")
    merged = sum(1 for p in problems if p.action == "merged")
    values = sum(1 for p in problems if p.action == "value skipped")
    target = f"shared roster {s.shared_version}" if s.shared_version else str(s.store)
    return (
        f"roster: {', '.join(parts)} → {target} ({s.store_bytes / 1e6:.1f} MB) in "
        f"{s.seconds:.1f} s; {skipped} rows skipped, {merged} duplicates merged, "
        f"{values} values skipped" + ("; new key created" if s.key_created else "")
    )


def summary_dict(s: ImportSummary) -> dict[str, Any]:
    return {
        "store": f"shared:{s.shared_version}" if s.shared_version else str(s.store),
        "shared_version": s.shared_version,
        "students": s.counts["students"],
        "staff": s.counts["staff"],
        "store_bytes": s.store_bytes,
        "seconds": round(s.seconds, 3),
        "key_created": s.key_created,
        "problems": [p.as_dict() for p in s.problems()],
    }


def cmd_import(args: argparse.Namespace) -> int:
    from dlp.roster.importer import run_import

    settings, section = _settings_roster(args.config)
    students = Path(args.students) if args.students else None
    staff = Path(args.staff) if args.staff else None
    tty = sys.stderr.isatty() and not args.json
    if section.store_url():
        from dlp.fleet.roster import import_shared

        summary = import_shared(settings, section, students, staff, _progress(tty))
    else:
        summary = run_import(section, students, staff, _progress(tty))
    if tty:
        sys.stderr.write("\r\x1b[K")
    if args.json:
        print(json.dumps(summary_dict(summary)))
        return EXIT_OK
    problems = summary.problems()
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"dlp: {problem}", file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        more = len(problems) - SHOWN_PROBLEMS
        print(f"dlp: ... and {more} more problems (use --json to list all)", file=sys.stderr)
    print(summary_line(summary))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    settings, section = _settings_roster(args.config)
    store: Path | str = section.store_path()
    if section.store_url():
        from dlp.fleet.roster import read_shared

        store, data = read_shared(settings, section)
    elif not section.store_path().exists():
        raise RosterError(f"roster store {store} does not exist: run `dlp roster import`")
    else:
        data = read_store(section.store_path())
    info = {"store": str(store), "key_file": str(section.key_path()),
            "students": int(data.meta.get("students", 0)), "staff": int(data.meta.get("staff", 0)),
            "written_at": int(data.meta.get("written_at", 0)),
            "entries": {n: len(t) for n, t in sorted(data.tables.items())}}  # fmt: skip
    if args.json:
        print(json.dumps(info))
    else:
        print(f"{store}: {info['students']} students, {info['staff']} staff")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add `dlp roster import|status` to the main parser's subcommands."""
    roster = sub.add_parser("roster", help="roster matching: import SIS exports as keyed hashes")
    actions = roster.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import", help="hash student/staff exports into the roster store", epilog=IMPORT_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    imp.add_argument("--students", metavar="FILE", help="students export (CSV or XLSX)")
    imp.add_argument("--staff", metavar="FILE", help="staff export (CSV or XLSX)")
    imp.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    imp.add_argument("--json", action="store_true", help="print a JSON summary with all problems")
    imp.set_defaults(func=cmd_import)
    status = actions.add_parser("status", help="what the roster store holds (counts only)")
    status.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    status.add_argument("--json", action="store_true", help="print a JSON summary")
    status.set_defaults(func=cmd_status)
