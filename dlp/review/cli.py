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
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from dlp import config
from dlp.quarantine import store_url
from dlp.quarantine.disclosures import BASES, Basis
from dlp.quarantine.model import ROLES, QuarantineError, Query, StoreUnavailable
from dlp.review.timefmt import parse_when

if TYPE_CHECKING:  # imported when a command runs: they pull in every extractor and argon2
    from dlp.quarantine.actions import Actions

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

EXAMPLES = {
    "list": 'dlp quarantine list --status held --search "roster" --since 7d --json',
    "show": "dlp quarantine show 3f2a9c01b7e4\n  dlp quarantine show 3f2a9c01b7e4 --reveal",
    "release": 'dlp quarantine release 3f2a9c01b7e4 9b1e0c2d4a77 --reason "records request"'
    " --basis transfer",
    "reject": 'dlp quarantine reject 3f2a9c01b7e4 9b1e0c2d4a77 --reason "IEP to personal address"',
    "export": "dlp quarantine export fp-week12 --decision false-positive --since 7d",
    "delete": 'dlp quarantine delete 3f2a9c01b7e4 --reason "duplicate, sent securely"',
    "purge": "dlp quarantine purge --older-than 90",
    "audit": "dlp quarantine audit --csv > audit.csv",
    "web": "dlp quarantine web --config /etc/dlp/config.yaml",
    "user": "echo 'correct horse battery' | dlp quarantine user add pat --role reviewer",
}


SYSTEM_CONFIG = Path("/etc/dlp/config.yaml")  # the relay's, used when --config is not given
_store_used = ""  # named in every error line, so a wrong store is obvious


def actor() -> str:
    return "cli:" + (os.environ.get("SUDO_USER") or getpass.getuser())


def settings_of(args: argparse.Namespace) -> config.Settings:
    """--config, else the relay's /etc/dlp/config.yaml when present, else the shipped one."""
    global _store_used
    path = getattr(args, "config", None)
    if path is None and SYSTEM_CONFIG.is_file():
        path = SYSTEM_CONFIG
    settings = config.load(path)
    _store_used = shown_url(store_url(settings))
    return settings


def shown_url(url: str) -> str:
    """The store's URL without a password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _actions(args: argparse.Namespace) -> Actions:
    from dlp.quarantine import open_store
    from dlp.quarantine.actions import Actions

    settings = settings_of(args)
    return Actions(settings, open_store(settings))


def cmd_list(args: argparse.Namespace) -> int:
    from dlp.review import render

    q = Query(
        status=tuple(args.status or ()), sender=args.sender, domain=args.domain,
        category=args.category, search=args.search or None, assigned=args.assigned or None,
        since=parse_when(args.since), until=parse_when(args.until),
        limit=args.limit, descending=not args.oldest_first,
    )  # fmt: skip
    records = _actions(args).store.query(q)
    for record in records:
        print(json.dumps(record.summary()) if args.json else render.list_line(record))
    if not args.json and not records:
        print(f"no messages match in {_store_used}", file=sys.stderr)
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


def each(ids: list[str], one: Any) -> int:
    """Run `one(id)` for every id; a message per failed id, exit 1 when any failed."""
    failed = 0
    for qid in dict.fromkeys(ids):
        try:
            print(one(qid))
        except QuarantineError as exc:
            failed += 1
            print(f"dlp: {qid}: {exc} (store {_store_used})", file=sys.stderr)
    if failed and len(ids) > 1:
        print(f"dlp: {failed} of {len(set(ids))} failed", file=sys.stderr)
    return EXIT_REFUSED if failed else EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from dlp.quarantine.actions import BasisRequired

    actions = _actions(args)
    given = Basis.parse(args.basis, args.basis_note or "") if args.basis else None

    def one(qid: str) -> str:
        basis = given
        if basis is None and not args.false_positive and actions.needs_basis(qid):
            basis = ask_basis(qid)
        try:
            if args.confirm_delivered:
                record = actions.confirm_delivered(qid, actor(), args.reason, basis)
                return f"{record.id} marked released (delivered before the interruption)"
            fp = args.false_positive
            release = actions.release(qid, actor(), args.reason, args.resend, basis, fp)
            record = asyncio.run(release)
        except BasisRequired:
            raise QuarantineError(
                "it holds a student record for an outside recipient: add --basis "
                f"({', '.join(BASES)}), or run on a terminal to be asked"
            ) from None
        what = "released as a false positive" if args.false_positive else "released"
        return f"{record.id} {what} to {', '.join(record.recipients)}"

    return each(args.ids, one)


def ask_basis(qid: str) -> Basis | None:
    """On a terminal, ask; otherwise leave it to `release` to refuse with a clear line."""
    if not sys.stdin.isatty():
        return None
    print(f"{qid} discloses a student record outside the district (FERPA 99.32).", file=sys.stderr)
    for code, (words, exempt) in BASES.items():
        print(f"  {code:<16} {words}{' (exempt from recording; recorded)' if exempt else ''}",
              file=sys.stderr)  # fmt: skip
    code = input("basis: ").strip()
    note = input("what it is: ") if code == "other" else ""
    return Basis.parse(code, note)


def cmd_reject(args: argparse.Namespace) -> int:
    actions = _actions(args)

    def one(qid: str) -> str:
        record = asyncio.run(actions.reject(qid, actor(), args.reason))
        return f"{record.id} rejected; the sender {record.sender or '(none)'} is told"

    return each(args.ids, one)


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

    return run_alone(settings_of(args))


def cmd_export(args: argparse.Namespace) -> int:
    from dlp.review.export import export

    actions = _actions(args)
    n = export(actions.store, Path(args.folder), args.decision, parse_when(args.since), actor())
    print(f"exported {n} message(s) and labels.jsonl to {args.folder} (store {_store_used})")
    return EXIT_OK


def cmd_user(args: argparse.Namespace) -> int:
    from dlp.quarantine import open_store
    from dlp.quarantine.accounts import Accounts

    settings = settings_of(args)
    store = open_store(settings)
    accounts = Accounts(store.db)
    if args.user_action == "list":
        for user in accounts.all():
            print(f"{user.name}\t{user.role}\t{'active' if user.active else 'disabled'}")
        print(f"(store {_store_used})", file=sys.stderr)
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
    print(f"user {args.name}: {args.user_action} done (store {_store_used})")
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
        except BrokenPipeError:  # `dlp quarantine list | head`: the reader has enough
            quiet_stdout()
            return EXIT_OK
        except QuarantineError as exc:
            print(f"dlp: {exc} (store {_store_used or 'not opened'})", file=sys.stderr)
            return EXIT_REFUSED
        except (StoreUnavailable, OSError) as exc:
            print(f"dlp: quarantine store {_store_used or ''} unavailable ({type(exc).__name__}:"
                  f" {exc})", file=sys.stderr)  # fmt: skip
            return EXIT_REFUSED

    return run


def quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


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
        "user": cmd_user, "export": cmd_export,
    }  # fmt: skip
    build(sub, {name: guarded(h) for name, h in handlers.items()}, EXAMPLES, ROLES)
    from dlp.review.disclosures_cli import register as register_disclosures

    register_disclosures(subparsers, guarded, settings_of)
