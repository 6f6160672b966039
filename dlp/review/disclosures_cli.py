"""`dlp disclosures list`: the FERPA record of disclosures, for a parent's request.

JSON Lines (`--json`) carry the fields of INTERFACES.md; the plain form is
one line per entry, oldest first, as a record shown to a parent reads.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from dlp.config import Settings
from dlp.quarantine import open_store
from dlp.quarantine.disclosures import BASES, Disclosure, listing
from dlp.review.timefmt import parse_when

EXAMPLE = 'dlp disclosures list --student "Jacob Martinez" --since 365d --json'


def line(d: Disclosure) -> str:
    basis = BASES.get(d.basis, (d.basis, False))[0] + (f": {d.basis_text}" if d.basis_text else "")
    exempt = " [exempt from recording under 99.32(d); recorded]" if d.exempt else ""
    text = (
        f"{d.disclosed_at}  {d.student}  to {', '.join(d.recipients)}  "
        f"[{', '.join(d.categories)}]  basis: {basis}{exempt}  by {d.officer}: {d.reason}  "
        f"(quarantine {d.quarantine_id})"
    )
    return "".join(c if c.isprintable() else "?" for c in text)


def register(
    subparsers: Any,
    guarded: Callable[[Callable[[argparse.Namespace], int]], Callable[..., int]],
    settings_of: Callable[[argparse.Namespace], Settings],
) -> None:
    def cmd_list(args: argparse.Namespace) -> int:
        store = open_store(settings_of(args))
        found = listing(store.db, args.student, parse_when(args.since))
        for d in found:
            print(json.dumps(d.as_dict()) if args.json else line(d))
        return 0

    group = subparsers.add_parser(
        "disclosures", help="the FERPA record of disclosures (34 CFR 99.32)",
        description="Disclosures of student records made by releasing held mail.",
        epilog=f"example:\n  {EXAMPLE}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser(
        "list", help="list disclosures, oldest first", epilog=f"example:\n  {EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("--student", metavar="TEXT", help="student name or ID contains TEXT")
    p.add_argument("--since", help="disclosed at or after (YYYY-MM-DD, or 30d)")
    p.add_argument("--json", action="store_true", help="JSON Lines, one entry per line")
    p.add_argument("--config", metavar="FILE", help="config file (default: /etc/dlp/config.yaml "
                   "when present, else the shipped config)")  # fmt: skip
    p.set_defaults(func=guarded(cmd_list))
