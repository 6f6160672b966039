"""NER runs only where a name could change a category: the same verdicts as NER everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp import config
from dlp.detect.analyzer import Detector
from dlp.model import TextChunk
from dlp.pipeline import Scanner
from tests.conftest import CORPUS, labelled_folders, make_message


@pytest.fixture(scope="module")
def pair() -> tuple[Scanner, Scanner]:
    path = CORPUS / "dev" / "config.yaml"
    settings = config.load(path if path.is_file() else None)
    return (
        Scanner(settings, Detector.from_settings(settings)),
        Scanner(settings, Detector.from_settings(settings, ner_gate=False)),
    )


def _for_folder(folder: Path, pair: tuple[Scanner, Scanner]) -> tuple[Scanner, Scanner]:
    """The same two detectors under the folder's own policy: its district, its name."""
    path = folder / "config.yaml"
    if not path.is_file():
        return pair
    settings = config.load(path)
    return Scanner(settings, pair[0].detector), Scanner(settings, pair[1].detector)


@pytest.mark.corpus
@pytest.mark.parametrize("folder", labelled_folders(), ids=lambda p: p.name)
def test_gated_ner_gives_the_verdicts_of_ner_everywhere(
    folder: Path, pair: tuple[Scanner, Scanner]
) -> None:
    gated, everywhere = _for_folder(folder, pair)
    files = sorted(folder.glob("*.eml"))
    assert files
    for path in files:
        raw = path.read_bytes()
        a, b = gated.scan(raw), everywhere.scan(raw)
        assert (a.categories, a.decision.verdict) == (b.categories, b.decision.verdict), path.name


def test_a_part_without_confidential_information_never_reaches_ner(
    pair: tuple[Scanner, Scanner],
) -> None:
    """The gate reads the findings: a street address next to a name opens it, a lunch menu
    with names does not."""
    gated, _ = pair
    menu = TextChunk("body", "Lunch with Maria Lopez and Tom Baker on Friday: tacos.")
    address = TextChunk("body", "Student Owen Castellano lives at 412 Willow Creek Dr now.")
    found = gated.detector.detect([menu])
    assert not [f for f in found if f.role == "person_name"]
    names = [f for f in gated.detector.detect([address]) if f.role == "person_name"]
    assert names, "a street address is information a name can turn into a student record"


def test_ner_reads_beside_an_email_address_only_on_its_line_and_only_for_a_list(
    pair: tuple[Scanner, Scanner],
) -> None:
    """An address or office phone counts toward a list of people, and a list names each
    person on their line; a lone address far from the record needs no names near it."""
    gated, _ = pair
    filler = "We went over the spring schedule and the new gym floor again. " * 16

    def names(text: str) -> set[str]:
        found = gated.detector.detect([TextChunk("body", text)])
        return {text[f.start : f.end] for f in found if f.role == "person_name"}

    lone = (
        "Jordan Ellery has been seeing the counselor for anxiety this month.\n"
        f"{filler}\nQuestions? Priya Natarajan, priya.natarajan@gmail.com\n"
    )
    found = names(lone)
    assert "Jordan Ellery" in found and "Priya Natarajan" not in found
    parents = ["Maya Okafor", "Liam Brennan", "Sofia Delgado", "Ethan Whitaker", "Ava Lindqvist",
               "Noah Castellano", "Isabella Moreau", "Lucas Fairbanks", "Mia Thornton",
               "Owen Hallorann", "Grace Abernathy"]  # fmt: skip
    rows = "".join(
        f"{p}  {p.split()[0].lower()}.{p.split()[1].lower()}@gmail.com\n" for p in parents
    )
    listed = f"Volunteer drivers for the field trip (anxiety plans on file):\n{filler}\n{rows}"
    assert len(names(listed) & set(parents)) >= 9


def test_a_text_asked_for_again_in_one_batch_is_read_once(pair: tuple[Scanner, Scanner]) -> None:
    """Two messages with the same record, scanned together: spaCy reads the shared text
    once, and each result is the one scanning the message alone gives."""
    gated, _ = pair
    read: list[str] = []
    ner = gated.detector.ner

    def counting(texts: list[str]) -> list[object]:
        read.extend(texts)
        return ner(texts)  # type: ignore[return-value]

    body = "Jordan Ellery has been seeing the counselor for anxiety this month."
    first = make_message(body, subject="Check-in")
    second = make_message(body, subject="Check-in", to="other@gmail.com")
    alone = [gated.scan(first), gated.scan(second)]
    gated.detector.ner = counting  # type: ignore[method-assign]
    try:
        together = gated.scan_many([(first, None), (second, None)])
    finally:
        del gated.detector.ner
    assert read and len(read) == len(set(read))
    for a, b in zip(alone, together, strict=True):
        assert not isinstance(b, Exception)
        assert (a.categories, a.decision, a.findings) == (b.categories, b.decision, b.findings)
