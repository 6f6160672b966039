"""spaCy's networks multiply with numpy's OpenBLAS, on one thread, and find the same.

thinc's bundled BLIS ran NER at about half the speed on the machines dlp is
measured on; the switch must not change a single entity or tag.
"""

from __future__ import annotations

import os
import subprocess
import sys

import spacy
from thinc.api import NumpyOps

from dlp.detect.spacy_model import UNUSED_COMPONENTS
from dlp.pipeline import Scanner
from tests.conftest import ROOT

SAMPLES = [
    "Hi Mrs. Okafor, Tyler Okafor missed the algebra test on Tuesday; his IEP allows a retake.",
    "Estimada Sra. Ramírez: Valentina Morales Ruiz tuvo fiebre en la enfermería hoy.",
    "Thu gửi phụ huynh: học sinh Trần Minh Khoa lớp 3 vắng mặt hai ngày.",
    "Reminder: the PTA bake sale is Friday in the gym. Contact Dana Whitfield at 555-0142.",
    "NGUYEN, KEVIN (ID 318842, grade 10) - ISS 3 days\nHinojosa, Kevin - detention",
]


def _ops(model: spacy.Language) -> list[NumpyOps]:
    """The ops of every layer the pipeline runs through thinc.

    NER's output layer ("upper") is left out: spaCy's transition loop multiplies
    with it in compiled code, through BLIS whatever the layer's ops say."""
    upper = model.get_pipe("ner").model.get_ref("upper")  # type: ignore[attr-defined]
    return [
        node.ops
        for _, pipe in model.pipeline
        for node in pipe.model.walk()  # type: ignore[attr-defined]
        if node is not upper
    ]


def test_the_scanners_spacy_model_multiplies_with_numpy_not_blis(scanner: Scanner) -> None:
    nlp = scanner.detector.engine.nlp_engine.nlp["en"]  # type: ignore[attr-defined]
    ops = _ops(nlp)
    assert len(ops) > 50
    assert all(isinstance(o, NumpyOps) and o.use_blis is False for o in ops)


def test_numpy_and_blis_find_the_same_entities_and_tags(scanner: Scanner) -> None:
    ours = scanner.detector.engine.nlp_engine.nlp["en"]  # type: ignore[attr-defined]
    name = scanner.settings.detection.spacy_model
    reference = spacy.load(name, exclude=UNUSED_COMPONENTS)  # thinc's default: BLIS
    assert all(o.use_blis for o in _ops(reference))
    for a, b in zip(ours.pipe(SAMPLES), reference.pipe(SAMPLES), strict=True):
        assert [(e.start_char, e.end_char, e.label_) for e in a.ents] == [
            (e.start_char, e.end_char, e.label_) for e in b.ents
        ]
        assert [t.tag_ for t in a] == [t.tag_ for t in b]
    assert any(e.label_ == "PERSON" for d in ours.pipe(SAMPLES) for e in d.ents)


def test_importing_dlp_limits_blas_to_one_thread_unless_the_environment_says_otherwise() -> None:
    probe = "import os, dlp; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    run = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True)
    assert run.stdout.decode().strip() == "1"
    env["OPENBLAS_NUM_THREADS"] = "4"
    run = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True)
    assert run.stdout.decode().strip() == "4"
