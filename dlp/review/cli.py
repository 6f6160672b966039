"""`dlp quarantine ...`: the review workflow for the shell-minded.

Every action is recorded in the audit log under `cli:<login name>` (the
`sudo` caller when there is one). Exit statuses: 0 done; 1 the action was
refused or failed (unknown id, already released, next hop down), with one
line on stderr saying why; 2 bad usage or config.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from dlp import config
from dlp.quarantine.model import ROLES, QuarantineError, Query, StoreUnavailable
from dlp.review.timefmt import parse_when

if TYPE_CHECKING:  # imported when a command runs: they pull in every extractor and argon2
    from dlp.quarantine.actions import Actions

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

EXAMPLES = {
    "list": "dlp quarantine list --status held --domain gmail.com --since 7d --json",
    "show": "dlp quarantine show 3f2a9c01b7e4\n  dlp quarantine show 3f2a9c01b7e4 --reveal",
    "release": 'dlp quarantine release 3f2a9c01b7e4 --reason "parent consent on file (E.2)"',
    "reject": 'dlp quarantine reject 3f2a9c01b7e4 --reason "IEP to personal address"',
    "delete": 'dlp quarantine delete 3f2a9c01b7e4 --reason "duplicate, sent securely"',
    "purge": "dlp quarantine purge --older-than 90",
    "audit": "dlp quarantine audit --csv > audit.csv",
    "web": "dlp quarantine web --config /etc/dlp/config.yaml",
    "user": "echo 'correct horse battery' | dlp quarantine user add pat --role reviewer",
}


def actor() -> str:
    return "cli:" + (os.environ.get("SUDO_USER") or getpass.getuser())


def _actions(args: argparse.Namespace) -> Actions:
    from dlp.quarantine import open_store
    from dlp.quarantine.actions import Actions

    settings = config.load(args.config)
    return Actions(settings, open_store(settings))


def cmd_list(args: argparse.Namespace) -> int:
    from dlp.review import render

    q = Query(
        status=tuple(args.status or ()), sender=args.sender, domain=args.domain,
        category=args.category, since=parse_when(args.since), until=parse_when(args.until),
        limit=args.limit, descending=not args.oldest_first,
    )  # fmt: skip
    records = _actions(args).store.query(q)
    for record in records:
        print(json.dumps(record.summary()) if args.json else render.list_line(record))
    if not args.json and not records:
        print("no messages match", file=sys.stderr)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from dlp.review import render

    actions = _actions(args)
    view = actions.view(args.id)
    values: dict[int, str] = {}
    if args.reveal and view.record.findings:
        numbers = list(range(len(view.record.findings)))
        values = actions.reveal(view, numbers, actor(), args.reason or "show --reveal")
    if args.json:
        print(json.dumps(render.show_dict(view, values)))
    else:
        print(render.show_text(view, bool(args.reveal)))
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    actions = _actions(args)
    if args.confirm_delivered:
        record = actions.confirm_delivered(args.id, actor(), args.reason)
    else:
        record = asyncio.run(actions.release(args.id, actor(), args.reason, resend=args.resend))
    print(f"{record.id} released to {', '.join(record.recipients)}")
    return EXIT_OK


def cmd_reject(args: argparse.Namespace) -> int:
    record = asyncio.run(_actions(args).reject(args.id, actor(), args.reason))
    print(f"{record.id} rejected; the sender {record.sender or '(none)'} is told")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    record = _actions(args).delete(args.id, actor(), args.reason)
    print(f"{record.id} deleted")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    ids = _actions(args).purge(actor(), args.older_than)
    print(json.dumps({"purged": len(ids), "ids": ids}) if args.json else f"purged {len(ids)}")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from dlp.review import render

    entries = _actions(args).store.audit_log(args.id, args.limit)
    if args.csv:
        render.audit_csv(entries, sys.stdout)
    else:
        for e in entries:
            print(json.dumps(e.as_dict()) if args.json else render.audit_line(e))
    return EXIT_OK


def cmd_web(args: argparse.Namespace) -> int:
    from dlp.review.web.server import run_alone

    return run_alone(config.load(args.config))


def cmd_user(args: argparse.Namespace) -> int:
    from dlp.quarantine import open_store
    from dlp.quarantine.accounts import Accounts

    settings = config.load(args.config)
    store = open_store(settings)
    accounts = Accounts(store.db)
    if args.user_action == "list":
        for user in accounts.all():
            print(f"{user.name}\t{user.role}\t{'active' if user.active else 'disabled'}")
        return EXIT_OK
    if args.user_action == "remove":
        accounts.remove(args.name)
    else:
        password = _password()
        if args.user_action == "add":
            accounts.add(args.name, args.role, password)
        else:
            accounts.set_password(args.name, password)
    store.audit(actor(), f"user-{args.user_action}", None, "", f"{args.name} {args.role or ''}")
    print(f"user {args.name}: {args.user_action} done")
    return EXIT_OK


def _password() -> str:
    """From stdin when piped (first line), else prompted twice without echo."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise QuarantineError("the passwords differ")
    return first


def guarded(func: Any) -> Any:
    """Refusals become one line on stderr and exit 1; usage errors stay with `dlp.cli`."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except QuarantineError as exc:
            print(f"dlp: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        except (StoreUnavailable, OSError) as exc:
            print(f"dlp: quarantine store unavailable ({type(exc).__name__})", file=sys.stderr)
            return EXIT_REFUSED

    return run


def register(subparsers: Any) -> None:
    """Add `dlp quarantine` and its actions to the main parser."""
    from dlp.review.cliargs import build

    group = subparsers.add_parser(
        "quarantine", help="review held messages (list, release, ...)",
        description="Review messages held by the relay; every action is audited.",
        epilog="examples:\n  " + "\n  ".join(EXAMPLES[k] for k in ("list", "release", "audit")),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    handlers = {
        "list": cmd_list, "show": cmd_show, "release": cmd_release, "reject": cmd_reject,
        "delete": cmd_delete, "purge": cmd_purge, "audit": cmd_audit, "web": cmd_web,
        "user": cmd_user,
    }  # fmt: skip
    build(sub, {name: guarded(h) for name, h in handlers.items()}, EXAMPLES, ROLES)
