"""The argument lists of `dlp quarantine ...`, kept apart from what the commands do."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from dlp.quarantine.disclosures import BASES

RAW = argparse.RawDescriptionHelpFormatter
STATUSES = ("held", "releasing", "released", "rejected", "deleted")


def _add(sub: Any, name: str, helptext: str, example: str, func: Callable[..., int]) -> Any:
    p = sub.add_parser(
        name,
        help=helptext,
        description=helptext + ".",
        epilog=f"example:\n  {example}",
        formatter_class=RAW,
    )
    p.add_argument("--config", metavar="FILE", help="config file (default: shipped config)")
    p.set_defaults(func=func)
    return p


def build(
    sub: Any, funcs: dict[str, Callable[..., int]], examples: dict[str, str], roles: tuple[str, ...]
) -> None:
    p = _add(sub, "list", "list quarantined messages, newest first", examples["list"],
             funcs["list"])  # fmt: skip
    p.add_argument("--status", action="append", choices=STATUSES, help="repeatable")
    p.add_argument("--sender", help="sender address contains this text")
    p.add_argument("--domain", help="a recipient is in this domain")
    p.add_argument("--category", help="e.g. student_record, high_risk_id")
    p.add_argument(
        "--search", metavar="TEXT", help="in subject, sender, recipients, attachment names and text"
    )
    p.add_argument("--assigned", metavar="NAME", help="claimed by this reviewer")
    p.add_argument("--since", help="received at or after (YYYY-MM-DD[THH:MM] UTC, or 7d)")
    p.add_argument("--until", help="received before (same forms)")
    p.add_argument("--limit", type=int, default=1000, help="at most this many (1000)")
    p.add_argument("--oldest-first", action="store_true", help="oldest first")
    p.add_argument("--json", action="store_true", help="JSON Lines, one message per line")

    p = _add(sub, "show", "show one message: reasons, findings in context (masked)",
             examples["show"], funcs["show"])  # fmt: skip
    p.add_argument("id")
    p.add_argument("--reveal", action="store_true", help="unmasked values (recorded in audit)")
    p.add_argument("--reason", help="why you reveal (recorded in the audit log)")
    p.add_argument("--json", action="store_true", help="one JSON object")

    for name, text in (
        ("release", "re-inject held messages to the next hop (authorizes them)"),
        ("reject", "refuse held messages for good and tell each sender"),
        ("delete", "remove a message's content now (record and audit stay)"),
    ):
        p = _add(sub, name, text, examples[name], funcs[name])
        if name == "delete":
            p.add_argument("id")
        else:
            p.add_argument("ids", nargs="+", metavar="ID", help="one or more ids")
        p.add_argument("--reason", required=True, help="why (recorded in the audit log)")
        if name == "release":
            p.add_argument("--basis", choices=BASES,
                           help="basis of a disclosure of student records (FERPA 99.32);"
                           " asked for on a terminal when needed")  # fmt: skip
            p.add_argument("--basis-note", metavar="TEXT", help="what 'other' is")
            p.add_argument("--false-positive", action="store_true",
                           help="nothing sensitive: release and label it for tuning")  # fmt: skip
            p.add_argument(
                "--resend",
                action="store_true",
                help="send an interrupted release again (may duplicate it)",
            )
            p.add_argument(
                "--confirm-delivered",
                action="store_true",
                help="an interrupted release was delivered: mark it, send nothing",
            )

    p = _add(sub, "purge", "remove messages past retention (quarantine.retention_days)",
             examples["purge"], funcs["purge"])  # fmt: skip
    p.add_argument("--older-than", type=float, metavar="DAYS", help="default: retention_days")
    p.add_argument("--json", action="store_true", help="print a JSON summary")

    p = _add(sub, "audit", "print the audit log, newest first", examples["audit"], funcs["audit"])
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON Lines")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    p.add_argument("--id", help="only this message's entries")
    p.add_argument("--limit", type=int, default=100_000)

    p = _add(sub, "export", "write decided messages and a labels.jsonl for `dlp patterns test`",
             examples["export"], funcs["export"])  # fmt: skip
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--decision", choices=("false-positive", "rejected"), required=True,
                   help="false-positive: labelled pass; rejected: labelled as held")  # fmt: skip
    p.add_argument("--since", help="decided messages received since (date or 7d)")

    _add(sub, "web", "run the review web UI alone (dlp serve also runs it)", examples["web"],
         funcs["web"])  # fmt: skip

    p = _add(sub, "user", "manage review accounts", examples["user"], funcs["user"])
    users = p.add_subparsers(dest="user_action", metavar="USER_ACTION", required=True)
    add = users.add_parser(
        "add",
        help="add an account (password from stdin or prompted)",
        epilog=f"example:\n  {examples['user']}",
        formatter_class=RAW,
    )
    add.add_argument("name")
    add.add_argument("--role", choices=roles, required=True)
    pw = users.add_parser("passwd", help="set an account's password (stdin or prompted)")
    pw.add_argument("name")
    rm = users.add_parser("remove", help="remove an account")
    rm.add_argument("name")
    listing = users.add_parser("list", help="list accounts")
    for q in (pw, rm, listing):
        q.set_defaults(role=None)
    for q in (add, pw, rm, listing):  # --config after the action too, without losing one before
        q.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="config file")
