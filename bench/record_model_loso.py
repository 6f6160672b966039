"""The learned second opinion on authors it never saw: leave one labelled set out.

    .venv/bin/python bench/record_model_loso.py [--benign ../shared/corpus/benign] [--threshold 0.7]

For each labelled set under tests/fixtures/mail/ (each by a different author), train
on every other set plus half of the benign mail, exactly as
`scripts/train-record-model` does, and score the held-out set and the other half
of the benign mail.  Prints, per held-out set: its records about a person and how
many the model alone scores at or above the threshold, its benign look-alikes
(labelled with no category) and how many the model scores that high, and the
held-out benign messages that score that high.  The model alone: in a scan it
also needs a person named in full and only speaks where the rules found nothing.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "fixtures" / "mail"


def trainer() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader(
        "train_record_model", str(ROOT / "scripts" / "train-record-model")
    )
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def look_alikes(folder: Path) -> set[str]:
    names = set()
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip() and not json.loads(line).get("categories"):
            names.add(json.loads(line)["file"])
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--benign", type=Path, default=ROOT.parent / "shared/corpus/benign")
    parser.add_argument("--benign-count", type=int, default=1500)
    parser.add_argument("--threshold", type=float, default=0.7)
    args = parser.parse_args()
    t = trainer()
    folders = sorted(p.parent for p in SETS.glob("*/labels.jsonl"))
    rows = [(f.name, path, label) for f in folders for path, label in t.labelled(f)]
    benign = t.benign(args.benign, args.benign_count) if args.benign.is_dir() else []
    rows += [("benign", path, 0.0) for path in benign]
    texts = [t.message_text(path) for _, path, _ in rows]
    x_all = [t.sparse([text]) for text in texts]
    y = np.array([label for _, _, label in rows])
    benign_rows = [i for i, (s, _, _) in enumerate(rows) if s == "benign"]
    held_benign = set(benign_rows[1::2])

    def stack(indices: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = [x_all[i] for i in indices]
        bounds = np.concatenate([[0], np.cumsum([len(p[0]) for p in parts])])
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), bounds

    print(f"threshold {args.threshold}; {len(benign)} benign messages, half held out each time")
    print(
        "| held-out set | records | scored as records | look-alikes | scored as records "
        "| benign held out, scored as records |"
    )
    print("|---|---|---|---|---|---|")
    for folder in folders:
        train_rows = [
            i for i, (s, _, _) in enumerate(rows) if s != folder.name and i not in held_benign
        ]
        weight = np.array([t.BENIGN_WEIGHT if rows[i][0] == "benign" else 1.0 for i in train_rows])
        w, b = t.train(stack(train_rows), y[train_rows], weight)
        test = [i for i, (s, _, _) in enumerate(rows) if s == folder.name]
        p = 1 / (1 + np.exp(-t.logits(w, b, stack(test))))
        flagged = {rows[i][1].name for i, pi in zip(test, p, strict=True) if pi >= args.threshold}
        records = [rows[i][1].name for i in test if y[i] > 0]
        alikes = look_alikes(folder) & {rows[i][1].name for i in test}
        hb = sorted(held_benign)
        pb = 1 / (1 + np.exp(-t.logits(w, b, stack(hb)))) if hb else np.array([])
        print(
            f"| {folder.name} | {len(records)} | {len(flagged & set(records))} | {len(alikes)} "
            f"| {len(flagged & alikes)} | {int((pb >= args.threshold).sum())} of {len(hb)} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
