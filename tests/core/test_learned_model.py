"""The learned second opinion: it catches records no listed word describes, stays quiet on
look-alikes, explains itself, and is reproducible from the repository."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from dlp.config import Settings
from dlp.decide import learned
from dlp.pipeline import Scanner, ScanResult
from tests.conftest import ROOT, make_message

Scan = Callable[..., ScanResult]
FAMILY_IN_A_CAR = (
    "Pastor, le escribo por Mateo Quintanilla Reyes. Desde el incendio la familia duerme en el "
    "carro detrás del Walmart y el niño llega sin desayunar. La mamá no quiere que la escuela lo "
    "sepa. ¿Puede la iglesia ayudar con una noche en el motel?\n\nRosa\n"
)
LOOK_ALIKES = [
    "La señora Marta López, nuestra nueva enfermera escolar, dará una charla sobre el asma y las "
    "alergias para padres el jueves a las 5. No necesita inscribirse.",
    "Cô Trần Thị Hoa sẽ dạy lớp tiếng Việt cho phụ huynh vào thứ Bảy lúc 9 giờ sáng tại thư viện "
    "trường. Xin đăng ký tại văn phòng.",
    "Reminder: PTA meets Tuesday at 6:30 in the library. Karen Holt will present the budget and "
    "the spring fundraiser plan. Childcare provided.",
]


def _trainer() -> ModuleType:
    path = ROOT / "scripts" / "train-record-model"
    loader = importlib.machinery.SourceFileLoader("train_record_model", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_a_record_no_listed_word_describes_is_caught_by_the_learned_model(
    scan: Scan, scanner: Scanner, settings: Settings
) -> None:
    result = scan(FAMILY_IN_A_CAR, to="pastor.lopez@gmail.com", subject="la familia de Mateo")
    assert result.categories == ["student_record"], result.classification.notes
    assert any("learned model" in note for note in result.classification.notes)

    detection = settings.detection.model_copy(update={"record_model": False})
    rules_only = Scanner(settings.model_copy(update={"detection": detection}), scanner.detector)
    raw = make_message(FAMILY_IN_A_CAR, to="pastor.lopez@gmail.com", subject="la familia")
    assert rules_only.scan(raw).categories == []


def test_the_explanation_gives_the_score_and_the_words_that_weighed() -> None:
    score = learned.load().score(FAMILY_IN_A_CAR)
    assert score.probability >= 0.7
    assert score.terms and all(term in learned.fold(FAMILY_IN_A_CAR) for term in score.terms)
    assert f"{score.probability:.2f}" in score.describe()


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_mail_that_names_staff_for_an_event_scores_low(text: str, scan: Scan) -> None:
    assert learned.load().score(text).probability < 0.5
    assert scan(text, to="families@gmail.com", subject="aviso").categories == []


def test_function_words_do_not_count_so_language_alone_decides_nothing() -> None:
    assert learned.tokens("La mamá de la niña y el papá") == ["mama", "nina", "papa"]
    assert learned.features("la de y el que") == {}


def test_the_shipped_model_is_small_and_says_what_it_was_trained_on() -> None:
    assert learned.MODEL_PATH.stat().st_size < 200_000
    model = learned.load()
    assert model.weights.shape == (learned.DIMENSIONS,)
    assert "labelled messages" in model.trained_on


def test_training_is_reproducible_and_learns_the_labels(tmp_path: Path) -> None:
    trainer = _trainer()
    folder = ROOT / "tests" / "fixtures" / "mail" / "blindM"
    rows = trainer.labelled(folder)
    x = trainer.sparse([trainer.message_text(path) for path, _ in rows])
    y = np.array([label for _, label in rows])
    weight = np.ones(len(rows))
    first = trainer.train(x, y, weight)
    second = trainer.train(x, y, weight)
    assert np.array_equal(first[0], second[0]) and first[1] == second[1]
    predicted = trainer.logits(first[0], first[1], x) > 0
    assert 0 < y.sum() < len(y) and np.mean(predicted == (y > 0)) > 0.95
