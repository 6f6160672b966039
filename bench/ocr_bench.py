"""OCR benchmark: seconds per page, its cost on ordinary mail, peak memory per worker.

    .venv/bin/python bench/ocr_bench.py [--benign 600] [--rounds 2]

1. OCR seconds per page (preprocessing + Tesseract, cache off) over pages made
   like the OCR tests make them: typed records and notices, clean scans, phone
   photos, Group 4 faxes and low-resolution copies.  Median and p95.
2. The benign corpus (../shared/corpus/benign when present: all of
   spamassassin-hard-ham, the HTML newsletters where the images are, then
   speakup in name order up to --benign messages) scanned with OCR on and off
   in the same process, alternating `--rounds` times; the fastest round of
   each counts.  Time includes Tesseract's processes (wall time and CPU time
   of this process plus its children).
3. Peak memory of one scan worker: a fresh process that builds the Scanner and
   scans the OCR holdout (tests/fixtures/mail/ocr-holdout) with OCR on, against
   one that scans the same mail with OCR off; and Tesseract's own peak.

Figures, not assertions: the machines are shared, compare within one run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlp import config  # noqa: E402
from dlp.extract.base import Budget, Context, Limits  # noqa: E402
from dlp.extract.ocr.limits import OcrSettings  # noqa: E402
from dlp.extract.ocr.reader import read_image  # noqa: E402
from dlp.pipeline import Scanner  # noqa: E402

BENIGN = ROOT.parent / "shared" / "corpus" / "benign"
HOLDOUT = ROOT / "tests" / "fixtures" / "mail" / "ocr-holdout"


def pages() -> list[tuple[str, bytes]]:
    from tests.ocr import documents, scans

    out: list[tuple[str, bytes]] = []
    for name in ("IEP", "CLASS_LIST", "NURSE_ES", "LETTER_VI", "MENU"):
        page = scans.page(getattr(documents, name))
        out.append((f"{name} clean png", scans.png(page)))
        out.append((f"{name} phone jpeg", scans.jpeg(scans.photographed(page))))
        out.append((f"{name} fax tiff", scans.fax_tiff([scans.turned(page, 1.5)])))
        out.append((f"{name} half-size png", scans.png(scans.shrunk(page, 0.5))))
    return out


def ocr_seconds_per_page() -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds per page; CPU counts this process and Tesseract's."""
    limits = Limits(ocr=replace(OcrSettings(), cache_entries=0, image_seconds=300,
                                message_seconds=10_000))  # fmt: skip
    walls, cpus = [], []
    for label, data in pages():
        ctx = Context(Budget(limits))
        wall, cpu = time.monotonic(), _cpu()
        found = list(read_image(data, label, ctx))
        walls.append(time.monotonic() - wall)
        cpus.append(_cpu() - cpu)
        print(f"  {label:32s} {walls[-1]:5.2f} s wall {cpus[-1]:5.2f} s CPU "
              f"{len(found)} item(s)", file=sys.stderr)  # fmt: skip
    return walls, cpus


def benign_files(limit: int) -> list[Path]:
    hard = sorted((BENIGN / "spamassassin-hard-ham").glob("*.eml"))
    rest = sorted((BENIGN / "speakup").glob("*.eml"))
    return (hard + rest)[:limit]


def _cpu() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def benign_on_off(limit: int, rounds: int) -> dict[str, tuple[float, float]]:
    settings = config.load(ROOT / "tests" / "fixtures" / "mail" / "holdout3" / "config.yaml")
    on = Scanner(settings)
    off_settings = settings.model_copy(
        update={
            "extraction": settings.extraction.model_copy(
                update={"ocr": settings.extraction.ocr.model_copy(update={"enabled": False})}
            )
        }
    )
    off = Scanner(off_settings, on.detector)
    raws = [p.read_bytes() for p in benign_files(limit)]
    for raw in raws[:20]:
        off.scan(raw)  # warm up spaCy
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        for name, scanner in (("off", off), ("on", on)):
            wall, cpu = time.monotonic(), _cpu()
            for raw in raws:
                scanner.scan(raw)
            took = (time.monotonic() - wall, _cpu() - cpu)
            best[name] = min(best.get(name, took), took)
    best["messages"] = (float(len(raws)), 0.0)
    return best


def _worker_peak(enabled: bool, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    settings = config.load(HOLDOUT / "config.yaml")
    if not enabled:
        ocr = settings.extraction.ocr.model_copy(update={"enabled": False})
        settings = settings.model_copy(update={"extraction": settings.extraction.model_copy(
            update={"ocr": ocr})})  # fmt: skip
    scanner = Scanner(settings)
    for path in sorted(HOLDOUT.glob("*.eml")):
        scanner.scan(path.read_bytes())
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queue.put((me, kids))


def worker_peaks() -> dict[str, tuple[float, float]]:
    ctx = mp.get_context("spawn")
    out = {}
    for enabled in (False, True):
        queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        proc = ctx.Process(target=_worker_peak, args=(enabled, queue))
        proc.start()
        out["on" if enabled else "off"] = queue.get()
        proc.join()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--benign", type=int, default=600, help="benign messages (default 600)")
    ap.add_argument("--rounds", type=int, default=1, help="on/off rounds (default 1)")
    args = ap.parse_args()

    for what, times in zip(("wall", "CPU"), ocr_seconds_per_page(), strict=True):
        times = sorted(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        median = statistics.median(times)
        print(f"OCR per page ({what}): {len(times)} pages, median {median:.2f} s, "
              f"p95 {p95:.2f} s, max {times[-1]:.2f} s")  # fmt: skip

    if BENIGN.is_dir():
        best = benign_on_off(args.benign, args.rounds)
        (off_wall, off_cpu), (on_wall, on_cpu) = best["off"], best["on"]
        print(f"benign corpus, {int(best['messages'][0])} messages: "
              f"OCR off {off_wall:.1f} s wall / {off_cpu:.1f} s CPU, "
              f"OCR on {on_wall:.1f} s wall / {on_cpu:.1f} s CPU "
              f"(+{100 * (on_wall / off_wall - 1):.1f}% wall, "
              f"+{100 * (on_cpu / off_cpu - 1):.1f}% CPU)")  # fmt: skip
    else:
        print(f"benign corpus: {BENIGN} is not present; skipped")

    peaks = worker_peaks()
    print(f"worker peak RSS scanning the OCR holdout: OCR off {peaks['off'][0]:.0f} MB, "
          f"OCR on {peaks['on'][0]:.0f} MB; Tesseract peak {peaks['on'][1]:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
