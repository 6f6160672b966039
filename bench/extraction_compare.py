"""Compare dlp's extraction with reference extractors over third-party test documents.

Other projects' test suites (Apache Tika, oletools, odfpy, py-pdf sample-files,
python-docx, python-pptx, xlrd...) hold the odd files real mail brings.  Put
their documents, flat, in one folder (never in this repository) and run:

    .venv/bin/python bench/extraction_compare.py /tmp/dlp-thirdparty

For each format it reports: files read, unscannable (with reasons), not
inspected, silent misses (the reference reads words, dlp reads nothing and
says nothing: must be 0), unscannable where the reference reads text (each to
judge: encrypted or corrupt files are rightly unscannable), word coverage
(share of the reference's words dlp also found), and time against the
reference.  Formats or references that are absent are skipped.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.extract.conftest import run

# format → reference command (the file path is appended); None: no reference installed
REFERENCES: dict[str, list[str]] = {
    "pdf": ["pdftotext", "-q", "{}", "-"],
    "doc": ["antiword", "{}"],
    "xls": ["xls2csv", "{}"],
    "ppt": ["catppt", "{}"],
    "rtf": ["unrtf", "--text", "{}"],
    "docx": ["docx2txt", "{}", "-"],
    "xlsx": ["xlsx2csv", "--all", "{}"],
    "odt": ["odt2txt", "{}"],
    "ods": ["odt2txt", "{}"],
    "odp": ["odt2txt", "{}"],
}
FORMAT_OF = {"docm": "docx", "dotx": "docx", "dotm": "docx", "xlsm": "xlsx", "xltx": "xlsx",
             "pptm": "pptx", "potx": "pptx", "ppsx": "pptx", "ott": "odt"}  # fmt: skip
_WORD = re.compile(r"[A-Za-z]{4,}")
MIN_WORDS = 5  # a reference that reads fewer words read nothing worth comparing


@dataclass
class Row:
    files: int = 0
    read: int = 0
    unscannable: Counter[str] = field(default_factory=Counter)
    not_inspected: int = 0
    silent: list[str] = field(default_factory=list)
    unscannable_vs_ref: list[str] = field(default_factory=list)
    coverage: list[float] = field(default_factory=list)
    seconds: float = 0.0
    ref_seconds: float = 0.0
    slowest: tuple[float, str] = (0.0, "")


def reference_text(fmt: str, path: Path) -> tuple[str | None, float]:
    command = REFERENCES.get(fmt)
    if not command or not shutil.which(command[0]):
        return None, 0.0
    started = time.monotonic()
    try:
        done = subprocess.run(
            [part.replace("{}", str(path)) for part in command],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return "", 60.0
    text = done.stdout.decode("utf-8", "replace")
    # unrtf prefixes its own banner and statistics with ###: not the document's words
    text = "\n".join(line for line in text.splitlines() if not line.startswith("###"))
    return text, time.monotonic() - started


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def measure(folder: Path) -> dict[str, Row]:
    rows: dict[str, Row] = defaultdict(Row)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        ext = path.suffix.lower().lstrip(".")
        fmt = FORMAT_OF.get(ext, ext)
        if not ext:
            continue
        row = rows[fmt]
        row.files += 1
        started = time.monotonic()
        out = run(path.read_bytes(), path.name)
        took = time.monotonic() - started
        row.seconds += took
        row.slowest = max(row.slowest, (took, path.name))
        ref, ref_took = reference_text(fmt, path)
        row.ref_seconds += ref_took
        ours = words(out.text)
        if out.text.strip():
            row.read += 1
        for item in out.unscannable:
            row.unscannable[item.why] += 1
        if out.not_inspected and not out.text.strip():
            row.not_inspected += 1
        theirs = words(ref or "")
        if len(theirs) >= MIN_WORDS:
            row.coverage.append(len(theirs & ours) / len(theirs))
            if not out.text.strip() and not out.unscannable:
                row.silent.append(path.name)
            elif out.unscannable and not out.text.strip():
                row.unscannable_vs_ref.append(f"{path.name} ({out.reasons})")
    return rows


def report(rows: dict[str, Row]) -> str:
    lines = [
        "| format | files | read | unscannable | not inspected | silent misses | "
        "unscannable, reference reads text | median word coverage | dlp s | reference s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fmt in sorted(rows):
        r = rows[fmt]
        cover = f"{statistics.median(r.coverage):.0%}" if r.coverage else "n/a"
        ref = f"{r.ref_seconds:.1f}" if fmt in REFERENCES else "no reference"
        lines.append(
            f"| {fmt} | {r.files} | {r.read} | {sum(r.unscannable.values())} | "
            f"{r.not_inspected} | {len(r.silent)} | {len(r.unscannable_vs_ref)} | {cover} | "
            f"{r.seconds:.1f} | {ref} |"
        )
    lines.append("")
    for fmt in sorted(rows):
        r = rows[fmt]
        if r.unscannable:
            reasons = "; ".join(f"{why} ×{n}" for why, n in r.unscannable.most_common())
            lines.append(f"- {fmt} unscannable: {reasons}")
        for name in r.silent:
            lines.append(f"- {fmt} SILENT MISS: {name}")
        for item in r.unscannable_vs_ref:
            lines.append(f"- {fmt} unscannable where the reference reads text: {item}")
        if r.slowest[0] > 1:
            lines.append(f"- {fmt} slowest: {r.slowest[1]} {r.slowest[0]:.2f} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of third-party documents")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"skipped: {args.corpus} is not present", file=sys.stderr)
        return 0
    print(report(measure(args.corpus)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
