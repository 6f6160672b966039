"""`dlp patterns check|test` and `dlp explain`: the administrator's tuning commands.

`dlp.cli` calls `register(subparsers)`; each command returns an exit status
(0 fine, 2 invalid pattern files or usage) and leaves exceptions of the
`DlpError` tree to `dlp.cli.main`, which prints them with file and line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dlp import config
from dlp.config import Settings

EXIT_OK, EXIT_INVALID = 0, 2
_RAW = argparse.RawDescriptionHelpFormatter

CHECK_EXAMPLE = """example:
  dlp patterns check                       # the folder the shipped config uses
  dlp patterns check /etc/dlp/patterns --config /etc/dlp/config.yaml
"""
TEST_EXAMPLE = """examples:
  dlp patterns test --patterns ./patterns-new labelled-mail/
  dlp patterns test --patterns ./patterns-new --baseline /etc/dlp/patterns sample-mail/
"""
EXPLAIN_EXAMPLE = """examples:
  dlp explain held-message.eml
  dlp explain --rcpt parent@gmail.com --near-misses note.eml
"""


def settings_for(config_file: str | None, patterns: str | Path | None = None) -> Settings:
    """The config's settings, with its pattern folder replaced when one is given."""
    settings = config.load(config_file)
    if patterns is None:
        return settings
    return settings.model_copy(update={"patterns": Path(patterns).resolve()})


def cmd_check(args: argparse.Namespace) -> int:
    from dlp.tuning.check import check_folder

    settings = settings_for(args.config, args.dir)
    report = check_folder(settings.patterns, settings, run_examples=not args.skip_examples)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for problem in report.problems:
            print(f"dlp: {problem}", file=sys.stderr)
        if report.ok:
            warnings = len(report.problems) - len(report.notes)
            extra = f", {warnings} warning(s)" if warnings else ""
            extra += f", {len(report.notes)} note(s)" if report.notes else ""
            print(
                f"{report.folder}: OK ({len(report.recognizers)} recognizers in "
                f"{len(report.files)} files, {report.examples_run} examples passed{extra})"
            )
        else:
            print(f"{report.folder}: {len(report.errors)} error(s)", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_schema(args: argparse.Namespace) -> int:
    from dlp.tuning.problems import SCHEMA_PATH, published_schema

    text = json.dumps(published_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.write:  # read before writing: `> schemas/...` would truncate the file first
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_PATH}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from dlp.tuning.labelled import progress, run_folder
    from dlp.tuning.tables import render, to_dict

    settings = settings_for(args.config, args.patterns)
    baseline = settings_for(args.config, args.baseline) if args.baseline else None
    show = progress(sys.stderr.isatty() and not args.json)
    run = run_folder(Path(args.folder), settings, baseline, show)
    print(json.dumps(to_dict(run), ensure_ascii=False) if args.json else render(run))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from dlp.tuning.explain import explain_file, render, to_dict

    settings = settings_for(args.config, args.patterns)
    result = explain_file(Path(args.message), settings, args.sender, tuple(args.rcpt or ()))
    if args.json:
        print(json.dumps(to_dict(result, args.reveal), ensure_ascii=False))
    else:
        print(render(result, args.reveal, args.near_misses))
    return EXIT_OK


def _common(parser: argparse.ArgumentParser, json_help: str) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    parser.add_argument("--json", action="store_true", help=json_help)


def register(sub: Any) -> None:
    """Add `patterns check|publish|test` and `explain` to the `dlp` parser."""
    pat = sub.add_parser("patterns", help="pattern file tools: check, publish, test")
    actions = pat.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="validate pattern files and run their examples; exit 0 or 2",
        description="Schema, regexes, names, reachable scores and inline examples.",
        epilog=CHECK_EXAMPLE, formatter_class=_RAW,
    )  # fmt: skip
    check.add_argument("dir", nargs="?", help="pattern folder (default: the config's)")
    check.add_argument(
        "--skip-examples", action="store_true", help="skip running examples (no spaCy model load)"
    )
    _common(check, "one JSON object: ok, counts and every problem")
    check.set_defaults(func=cmd_check)

    from dlp.fleet.cli import register as register_publish

    register_publish(actions, _RAW)

    schema = actions.add_parser(
        "schema", help="print the JSON Schema of pattern files (for editors)",
        epilog="example:\n  dlp patterns schema --write   # after adding a role or validator",
        formatter_class=_RAW,
    )  # fmt: skip
    schema.add_argument("--write", action="store_true", help="update schemas/patterns.schema.json")
    schema.set_defaults(func=cmd_schema)

    test = actions.add_parser(
        "test", help="run patterns over sample mail: matches, precision, recall, flips",
        description="Scan a folder of .eml files (with labels.jsonl when present) and report "
        "per recognizer and per category; --baseline shows messages whose verdict would flip.",
        epilog=TEST_EXAMPLE, formatter_class=_RAW,
    )  # fmt: skip
    test.add_argument("folder", metavar="FOLDER", help="folder of .eml files (labels.jsonl opt.)")
    test.add_argument(
        "--patterns", metavar="DIR", help="pattern folder to test (default: config's)"
    )
    test.add_argument("--baseline", metavar="DIR", help="pattern folder to compare against")
    _common(test, "one JSON object with every table")
    test.set_defaults(func=cmd_test)

    explain = sub.add_parser(
        "explain", help="why a message gets its verdict, recognizer by recognizer",
        description="Every recognizer that fired, the classification steps and the deciding "
        "policy rule. Values are masked unless --reveal.",
        epilog=EXPLAIN_EXAMPLE, formatter_class=_RAW,
    )  # fmt: skip
    explain.add_argument("message", metavar="MESSAGE", help="an .eml file")
    explain.add_argument("--patterns", metavar="DIR", help="pattern folder (default: config's)")
    explain.add_argument("--sender", metavar="ADDR", help="envelope sender")
    explain.add_argument("--rcpt", metavar="ADDR", action="append", help="envelope recipient")
    explain.add_argument("--reveal", action="store_true", help="show values unmasked")
    explain.add_argument(
        "--near-misses", action="store_true", help="also list matches that were not reported"
    )
    _common(explain, "one JSON object")
    explain.set_defaults(func=cmd_explain)
