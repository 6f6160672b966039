"""How many broken-MIME variants hide their payload from the walk: found, unscannable, missed.

Point it at a folder of variants that all carry the same payload, and at a
string the payload's text contains.  For the public "mime-is-broken" toolkit's
hide-content maildir (its payload is the EICAR test zip):

    .venv/bin/python bench/mime_evasion.py hide-content.d/new --marker EICAR-STANDARD

"missed" is the figure that matters: the payload was neither read nor flagged.
With --list, each missed variant's X-Payload-Id (or file name) is printed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlp.extract.mime import walk

_ID = re.compile(rb"^X-Payload-Id: (\S+) \w+\((\d)\)", re.M)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--marker", required=True, help="text the payload contains")
    parser.add_argument("--list", action="store_true", help="print each missed variant")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.is_file())
    if not files:
        print(f"{args.folder}: no files", file=sys.stderr)
        return 1
    counts: Counter[str] = Counter()
    missed = []
    start = time.perf_counter()
    for path in files:
        raw = path.read_bytes()
        extraction = walk(raw)
        if any(args.marker in chunk.text for chunk in extraction.chunks):
            counts["found"] += 1
        elif extraction.unscannable:
            counts["unscannable"] += 1
        else:
            counts["missed"] += 1
            match = _ID.search(raw)
            missed.append(f"{match.group(1).decode()} (validity {match.group(2).decode()})"
                          if match else path.name)  # fmt: skip
    took = time.perf_counter() - start
    print(f"{len(files)} variants in {took:.1f} s: found {counts['found']}, "
          f"unscannable {counts['unscannable']}, missed {counts['missed']}")  # fmt: skip
    if args.list:
        print("\n".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
