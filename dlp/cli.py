"""The `dlp` command; maps errors to exit statuses: 0 done, 1 input unreadable, 2 usage/config."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from dlp import __version__, config
from dlp.errors import ConfigErrors, DlpError
from dlp.model import Envelope
from dlp.quarantine.model import StoreUnavailable
from dlp.review import cli as review_cli
from dlp.roster import cli as roster_cli

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE = 0, 1, 2
MAIL_SUFFIXES = {".eml", ".msg", ".txt", ""}

SCAN_EXAMPLE = """example:
  dlp scan --config /etc/dlp/config.yaml --json outbox/*.eml > verdicts.jsonl
  dlp scan --jobs 4 --json mailbox-export/ > verdicts.jsonl
  dlp scan --rcpt parent@gmail.com --sender teacher@westpark.k12.ca.us message.eml
"""


def _mail_files(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".eml",)
            )
        else:
            yield path


def cmd_scan(args: argparse.Namespace) -> int:
    from dlp.bulkscan import default_jobs, scan_files

    settings = config.load(args.config)
    files = list(_mail_files(args.paths))
    envelope = Envelope(sender=args.sender or "", recipients=tuple(args.rcpt or ()))
    return scan_files(files, settings, envelope, args.jobs or default_jobs(), args.json)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes >= 1, got {text!r}")
    return value


def cmd_config_check(args: argparse.Namespace) -> int:
    settings = config.load(args.file)
    from dlp.detect.patterns import load_patterns
    from dlp.extract.ocr.engine import describe as describe_ocr

    patterns = load_patterns(settings.patterns)
    warnings = config.warnings(settings)
    ocr_on, ocr_line = describe_ocr(settings.extraction.ocr.settings())
    summary = {
        "config": str(settings.source),
        "district": settings.district.name,
        "domains": list(settings.district.domains),
        "authorized": len(settings.recipients.authorized),
        "patterns": str(settings.patterns),
        "recognizers": len(patterns.recognizers),
        "mode": settings.policy.mode,
        "warnings": warnings,
        "ocr": ocr_on,
        "ocr_detail": ocr_line,
    }
    if args.json:
        print(json.dumps(summary))
    else:
        count = len(patterns.recognizers)
        print(f"{settings.source}: OK ({count} recognizers, mode {settings.policy.mode})")
        for warning in warnings:
            print(f"{settings.source}: warning: {warning}", file=sys.stderr)
        print(ocr_line)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from dlp import serve
    except ImportError:
        print("dlp: the relay is not part of this build yet", file=sys.stderr)
        return EXIT_USAGE
    return int(serve.run(config.load(args.config)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlp", description="Outbound data-loss-prevention mail filter for school districts."
    )
    parser.add_argument("--version", action="version", version=f"dlp {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    scan = sub.add_parser(
        "scan", help="scan message files and print verdicts", epilog=SCAN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Scan .eml files (or folders of them) exactly as `dlp serve` would decide.",
    )  # fmt: skip
    scan.add_argument("paths", nargs="+", metavar="PATH", help="message file or folder")
    scan.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    scan.add_argument("--sender", metavar="ADDR", help="envelope sender")
    scan.add_argument(
        "--rcpt",
        metavar="ADDR",
        action="append",
        help="envelope recipient (repeatable); default: To/Cc/Bcc headers",
    )
    scan.add_argument(
        "--json", action="store_true", help="one JSON object per message (JSON Lines)"
    )
    scan.add_argument(
        "--jobs", type=_positive, metavar="N",
        help="scan with N processes (default: the core count); output stays in input order",
    )  # fmt: skip
    scan.set_defaults(func=cmd_scan)

    serve = sub.add_parser("serve", help="run the SMTP relay",
                           epilog="example:\n  dlp serve --config /etc/dlp/config.yaml",
                           formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    serve.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    serve.set_defaults(func=cmd_serve)

    cfg = sub.add_parser("config", help="config file tools").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    check = cfg.add_parser("check", help="validate a config and its pattern files; exit 0 or 2",
                           epilog="example:\n  dlp config check /etc/dlp/config.yaml",
                           formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    check.add_argument("file", nargs="?", help="config file (default: shipped config)")
    check.add_argument("--json", action="store_true", help="print a JSON summary")
    check.set_defaults(func=cmd_config_check)

    from dlp.tuning.cli import register

    register(sub)
    roster_cli.register(sub)
    review_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="dlp: %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except ConfigErrors as exc:
        for error in exc.errors:
            print(f"dlp: {error}", file=sys.stderr)
        return EXIT_USAGE
    except DlpError as exc:
        print(f"dlp: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreUnavailable as exc:
        print(f"dlp: store unavailable: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
