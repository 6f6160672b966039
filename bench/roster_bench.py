"""Roster bench: import time, store size, per-worker memory, added scan cost per message.

Generates a synthetic district (default 50,000 students, 5,000 staff) with
accented, hyphenated and two-part surnames, imports it with the real
importer, then scans the same messages with and without the roster (one
shared Detector, so the difference is the roster stage alone).

    .venv/bin/python bench/roster_bench.py [--students 50000] [--staff 5000] [--messages 200]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

from dlp import config
from dlp.model import Envelope
from dlp.pipeline import Scanner
from dlp.roster.importer import run_import
from dlp.roster.scan import load_matcher

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Jacob", "Sofía", "Liam", "Ana María", "Wei", "Olivia", "José", "Aaliyah", "Noah",
         "Siobhán", "Mateo", "Chloé", "Ethan", "Priya", "Lucas", "Zoë", "Diego"]  # fmt: skip
LAST = ["Martinez", "García-López", "Nguyen", "de la Cruz", "Smith Jones", "O'Neil", "Chen",
        "Okafor", "Müller", "Johnson", "Pérez Ruiz", "Kim", "Patel", "Van Buren"]  # fmt: skip
LETTER = (
    "Hello,\n\nQuick update on {name}: the reading assessment came back and the grade is "
    "a C+. We will keep the accommodations in place.\n\nThanks,\nPat Teacher\n"
)
NEWS = "Hi all,\n\nThe book fair opens Monday in the library. Volunteers sign up at the office.\n"


def _name(rng: random.Random, i: int) -> tuple[str, str]:
    """A common surname for a third of the rows (shared names), a made-up one otherwise."""
    if i % 3 == 0:
        return rng.choice(FIRST), rng.choice(LAST)
    made_up = "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
    if i % 3 == 1:
        made_up += "-" + rng.choice(LAST)  # hyphenated
    return rng.choice(FIRST), made_up.capitalize()


def write_roster(folder: Path, students: int, staff: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    spath, tpath = folder / "students.csv", folder / "staff.csv"
    with spath.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Student ID", "Last Name", "First Name", "SSID", "DOB", "Guardian Email"])
        for i in range(students):
            first, last = _name(rng, i)
            dob = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2007, 2019)}"
            writer.writerow([100000 + i, last, first, 6000000000 + i, dob, f"g{i}@example.com"])
    with tpath.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Employee ID", "Name", "Personal Email", "Cell Phone"])
        for i in range(staff):
            first, last = _name(rng, i)
            writer.writerow([f"E-{20000 + i}", f"{last}, {first}", f"s{i}@example.net",
                             f"555-{rng.randint(200, 999)}-{i % 10000:04d}"])  # fmt: skip
    return spath, tpath


def messages(spath: Path, count: int) -> list[bytes]:
    """Half letters naming a rostered student, a quarter news, a quarter with a CSV roster."""
    rows = list(csv.reader(spath.open(encoding="utf-8")))[1:]
    rng = random.Random(3)
    out = []
    for i in range(count):
        msg = EmailMessage()
        msg["From"] = "Pat Teacher <pteacher@westpark.k12.ca.us>"
        msg["To"] = f"g{i}@example.com"
        msg["Subject"] = "Update"
        row = rng.choice(rows)
        if i % 4 == 3:
            msg.set_content("Attached.")
            table = "Student ID,First Name,Last Name\n" + "".join(
                f"{r[0]},{r[2]},{r[1]}\n" for r in rng.sample(rows, 30)
            )
            msg.add_attachment(table.encode(), maintype="text", subtype="csv", filename="c.csv")
        else:
            msg.set_content(NEWS if i % 4 == 2 else LETTER.format(name=f"{row[2]} {row[1]}"))
        out.append(msg.as_bytes())
    return out


def _time_scans(scanner: Scanner, raws: list[bytes]) -> list[float]:
    times = []
    for raw in raws:
        started = time.perf_counter()
        scanner.scan(raw, Envelope("pteacher@westpark.k12.ca.us", ("x@example.com",)))
        times.append(time.perf_counter() - started)
    return times


def run(students: int, staff: int, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cfg = folder / "config.yaml"
        cfg.write_text(
            "district:\n  domains: [westpark.k12.ca.us]\n"
            f"patterns: {ROOT / 'patterns'}\n"
            "roster:\n  store: roster.db\n  key_file: k/roster.key\n"
        )
        settings = config.load(cfg)
        assert settings.roster is not None
        spath, tpath = write_roster(folder, students, staff)
        summary = run_import(settings.roster, spath, tpath)
        print(f"import: {students} students + {staff} staff in {summary.seconds:.1f} s "
              f"({len(summary.problems())} problems)")  # fmt: skip
        print(f"store: {summary.store_bytes / 1e6:.2f} MB on disk")
        tracemalloc.start()
        matcher = load_matcher(settings.roster.store_path(), settings.roster.key_path())
        current, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"memory per worker: {current / 1e6:.2f} MB traced "
              f"({matcher.data.nbytes() / 1e6:.2f} MB of digest arrays)")  # fmt: skip
        plain = Scanner(settings.model_copy(update={"roster": None}))
        rostered = Scanner(settings, detector=plain.detector)
        raws = messages(spath, count)
        _time_scans(plain, raws[:10])  # warm up spaCy
        base, with_roster = _time_scans(plain, raws), _time_scans(rostered, raws)
        added = [b - a for a, b in zip(base, with_roster, strict=True)]
        print(f"scan without roster: median {statistics.median(base) * 1e3:.2f} ms/message")
        print(f"scan with roster:    median {statistics.median(with_roster) * 1e3:.2f} ms/message")
        print(f"added by the roster: median {statistics.median(added) * 1e3:.2f} ms/message, "
              f"mean {statistics.mean(added) * 1e3:.2f} ms")  # fmt: skip
        _match_only(rostered, raws)


def _match_only(scanner: Scanner, raws: list[bytes]) -> None:
    """The roster stage alone (hashing and lookups), without the noise of the whole scan."""
    from dlp.extract.mime import read_message

    assert scanner.roster is not None
    matcher = scanner.roster.matcher()
    chunks = [read_message(raw, scanner.settings.extraction.limits())[0].chunks for raw in raws]
    started = time.perf_counter()
    hits = sum(len(matcher.match(c).findings) for c in chunks)
    elapsed = time.perf_counter() - started
    print(f"roster matching alone: {elapsed / len(raws) * 1e3:.3f} ms/message ({hits} hits)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--staff", type=int, default=5_000)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args(argv)
    run(args.students, args.staff, args.messages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
