"""The detection engine's speed: this tree against an older one, and each shortcut on and off.

    mkdir /tmp/base && git archive OLD_COMMIT | tar -x -C /tmp/base
    .venv/bin/python bench/prefilter_bench.py --baseline /tmp/base [--per-folder 200]

In one run, on the same messages (the first N of each benign folder, and the
labelled holdout3 set in 4 copies, as bench/process_bench.py picks them):

- `dlp scan --jobs 1` as a whole process, the baseline tree then this one,
  pinned to core 0, in messages per second of CPU time, with stock Presidio's
  analysis of the same messages' text beside them;
- detection alone (the same extracted parts, in one process) with the
  prefilter on and off and the NER gate on and off;
- a cProfile of `Scanner.scan` in each tree over the real messages: the top
  functions by own time, as a share of the total;
- the prefilter's compile time and its fallback count.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_bench import (
    ONE_THREAD,
    PIN,
    ROOT,
    dlp_cmd,
    inputs,
    message_text,
    timed,
)

DEV_CONFIG = ROOT.parent / "shared" / "corpus" / "dev" / "config.yaml"


def whole_process(tree: Path, files: list[Path], extra: list[str]) -> float:
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(tree)}
    run = timed(PIN + dlp_cmd(files, extra, 1), env)
    if run.status != 0 or len(run.stdout.splitlines()) != len(files):
        raise SystemExit(f"dlp scan in {tree} failed (exit {run.status})")
    return len(files) / run.cpu


def stock(files: list[Path], work: Path) -> float:
    texts = work / "texts.json"
    texts.write_text(json.dumps([message_text(p.read_bytes()) for p in files]))
    me = [sys.executable, str(ROOT / "bench" / "process_bench.py")]
    run = timed([*PIN, *me, "--stock-worker", str(texts)], {**os.environ, **ONE_THREAD})
    return len(files) / json.loads(run.stdout)["analysis_cpu"]


def profile_worker(listing: str) -> None:
    """Child process (PYTHONPATH = the tree): profile Scanner.scan, print the top functions."""
    from dlp import config
    from dlp.pipeline import Scanner

    scanner = Scanner(config.load(DEV_CONFIG if DEV_CONFIG.is_file() else None))
    raws = [Path(p).read_bytes() for p in Path(listing).read_text().splitlines()]
    prof = cProfile.Profile()
    start = time.process_time()
    prof.enable()
    for raw in raws:
        scanner.scan(raw)
    prof.disable()
    cpu = time.process_time() - start
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:8]  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{len(raws)} messages, {cpu:.1f} s CPU under the profiler")
    for (file, line, name), (_, _, own, cum, _) in rows:
        where = f"{Path(file).name}:{line}({name})" if line else name
        print(f"| {where} | {100 * own / total:.0f}% | {100 * cum / total:.0f}% |")


def detection_only(files: list[Path]) -> None:
    """Same extracted parts, one process: each shortcut on and off."""
    from dlp import config
    from dlp.detect.analyzer import Detector
    from dlp.extract.mime import read_message

    settings = config.load(DEV_CONFIG if DEV_CONFIG.is_file() else None)
    parts = [read_message(p.read_bytes(), None)[0].chunks for p in files]
    start = time.perf_counter()
    detectors = {"prefilter + gate": Detector.from_settings(settings)}
    print(f"start-up with the prefilter: {time.perf_counter() - start:.1f} s (spaCy included)")
    detectors["no prefilter, gate"] = Detector.from_settings(settings, prefilter=False)
    detectors["prefilter, no gate"] = Detector.from_settings(settings, ner_gate=False)
    prefilter = detectors["prefilter + gate"].prefilter
    assert prefilter is not None
    print(f"prefilter fallbacks: {len(prefilter.fallbacks)}")
    for fallback in prefilter.fallbacks:
        print(f"  {fallback}")
    for name, detector in detectors.items():
        start = time.process_time()
        for chunks in parts:
            detector.detect(chunks)
        print(f"| {name} | {len(files) / (time.process_time() - start):.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="an older source tree to compare with")
    parser.add_argument("--per-folder", type=int, default=200, help="real messages per folder")
    parser.add_argument("--copies", type=int, default=4, help="copies of the labelled set")
    parser.add_argument("--profile-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_worker:
        profile_worker(args.profile_worker)
        return
    sets = inputs(args.per_folder, args.copies)
    trees = ([("before", args.baseline)] if args.baseline else []) + [("after", ROOT)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("| messages | " + " | ".join(f"dlp {n} msg/s" for n, _ in trees) + " | stock |")
        for label, (files, extra) in sets.items():
            rates = [whole_process(tree, files, extra) for _, tree in trees]
            presidio = stock(files, work)
            cells = " | ".join(f"{r:.1f} ({r / presidio:.1f}x)" for r in rates)
            print(f"| {label} | {cells} | {presidio:.1f} |", flush=True)
        real = next(iter(sets.values()))[0]
        listing = work / "files.txt"
        listing.write_text("\n".join(map(str, real)))
        for name, tree in trees:
            print(f"\nprofile, {name}:", flush=True)
            env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(tree)}
            cmd = [*PIN, sys.executable, __file__, "--profile-worker", str(listing)]
            print(subprocess.run(cmd, env=env, capture_output=True, text=True).stdout)
    print("detection alone, messages/s CPU (real messages):")
    detection_only(next(iter(sets.values()))[0])


if __name__ == "__main__":
    main()
