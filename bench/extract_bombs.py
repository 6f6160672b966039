"""Run hostile attachments through extraction and print time and peak memory for each.

Shows that every bomb stops at its limit: within the time limit and far below the
memory it would take to expand.  Run from the repository root:

    .venv/bin/python bench/extract_bombs.py
"""

from __future__ import annotations

import gzip
import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import py7zr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlp.extract.base import MB
from tests.extract import bombs, make
from tests.extract.conftest import run


def seven_zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(bytes(64 * MB), "zeros.bin")
    return buffer.getvalue()


def under_ratio_nested_bomb() -> bytes:
    """Leaves just under the ratio floor: only the 100 MB expanded limit stops it."""
    leaf = make.zip_of({"0.txt": bytes(900 * 1024)})
    level = make.zip_of({f"{i}.zip": leaf for i in range(16)})
    return make.zip_of({f"{i}.zip": level for i in range(16)})


CASES: list[tuple[str, str, Callable[[], bytes]]] = [
    ("42.zip-style nested bomb (3 levels x 16, 8 MB leaves)", "42.zip",
     lambda: bombs.nested_zip_bomb(levels=3)),
    ("nested bomb under the ratio (256 x 900 KB leaves)", "bomb.zip", under_ratio_nested_bomb),
    ("overlapping-entry zip (1000 entries on one file)", "quine.zip",
     lambda: bombs.overlapping_zip(1000)),
    ("gzip bomb (1 GB of zeros)", "zeros.gz", lambda: gzip.compress(bytes(1024 * MB), 9)),
    ("7z bomb (64 MB of zeros)", "zeros.7z", seven_zip_bomb),
    ("deep nesting (50 levels of zip)", "deep.zip", lambda: bombs.deep_zip(50)),
    ("billion laughs in a .docx", "laughs.docx", bombs.billion_laughs_docx),
    ("external entity in a .docx", "xxe.docx", bombs.external_entity_docx),
]  # fmt: skip


def main() -> None:
    print(f"{'input':54} {'size':>9} {'time':>8} {'peak mem':>9}  result")
    for label, name, build in CASES:
        data = build()
        tracemalloc.start()
        started = time.perf_counter()
        out = run(data, name)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        reasons = sorted({u.why for u in out.unscannable})
        summary = f"{len(out.unscannable)} unscannable: {reasons[0]}" if reasons else "readable"
        print(f"{label:54} {len(data):>9,} {elapsed:>7.2f}s {peak / MB:>7.1f}MB  {summary}")


if __name__ == "__main__":
    main()
