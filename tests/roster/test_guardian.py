"""The opt-in guardian rule (docs/POLICY-roster.md, rule 2a): positive and negative cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dlp import config
from dlp.config import Settings
from dlp.decide.policy import RULE_GUARDIAN, decide
from dlp.model import Category, Recipients, Verdict
from dlp.pipeline import Scanner, ScanResult
from dlp.roster.importer import ImportSummary
from tests.roster.conftest import message, roster_config

Scan = Callable[..., ScanResult]
REPORT = "Jacob Martinez's reading grade is now a C+ and his IEP goals are on track."
JOSE = "José García-López has a B in math and a detention on Friday."


def _rule(result: ScanResult) -> str:
    return result.decision.reasons[0].rule


@pytest.mark.parametrize(
    ("body", "to"),
    [
        (REPORT, "maria.martinez@gmail.com"),
        (REPORT, "dad.martinez@gmail.com"),  # listed on the duplicate row, merged
        (REPORT, "Maria.Martinez@GMAIL.com"),
        (REPORT, "maria.martinez@gmail.com, dad.martinez@gmail.com"),
        (REPORT, "maria.martinez@gmail.com, principal@westpark.k12.ca.us"),  # internal cc
        (JOSE, "padre@yahoo.com, madre@yahoo.com"),
        ("Student ID 100235: B in math, detention on Friday.", "madre@yahoo.com"),
    ],
)
def test_guardian_on_record_passes(rscan: Scan, body: str, to: str) -> None:
    result = rscan(body, to=to)
    assert result.categories == ["student_record"]
    assert result.decision.verdict is Verdict.PASS
    assert _rule(result) == RULE_GUARDIAN
    assert result.decision.reasons[0].text == "recipient is the student's guardian on record"


@pytest.mark.parametrize(
    ("body", "to"),
    [
        (REPORT, "padre@yahoo.com"),  # guardian of a different student
        (REPORT, "maria.martinez@gmail.com, tutor@gmail.com"),  # plus another recipient
        (REPORT + " Her SSN is 536-22-8745.", "maria.martinez@gmail.com"),  # plus an SSN
        (REPORT + "\n" + JOSE, "maria.martinez@gmail.com"),  # another rostered student
        (
            REPORT + " Peter Parker, a student in his class, also failed.",
            "maria.martinez@gmail.com",
        ),
        (REPORT + " Student ID 987654 is his partner.", "maria.martinez@gmail.com"),
        (REPORT + " Robert Kim received a letter of reprimand.", "maria.martinez@gmail.com"),
    ],
)
def test_guardian_rule_does_not_apply(rscan: Scan, body: str, to: str) -> None:
    result = rscan(body, to=to)
    assert Category.STUDENT_RECORD in result.classification.categories
    assert result.decision.verdict is Verdict.QUARANTINE
    assert _rule(result) != RULE_GUARDIAN


def test_guardian_rule_is_opt_in(
    tmp_path: Path, scanner: Scanner, roster_settings: Settings, imported: ImportSummary
) -> None:
    settings = config.load(roster_config(tmp_path, guardians=False))
    assert settings.roster is not None
    settings = settings.model_copy(update={"roster": roster_settings.roster})
    off = Scanner(settings, detector=scanner.detector)
    result = off.scan(message(REPORT, to="maria.martinez@gmail.com"))
    assert result.decision.verdict is Verdict.QUARANTINE


def test_policy_table_ignores_the_guardian_flag_without_the_setting(settings: Settings) -> None:
    rcpts = Recipients(external=("maria.martinez@gmail.com",))
    cats = frozenset({Category.STUDENT_RECORD})
    assert decide(cats, rcpts, False, False, settings, True).verdict is Verdict.QUARANTINE
    on = settings.model_copy(
        update={
            "recipients": settings.recipients.model_copy(update={"guardians_from_roster": True})
        }
    )
    assert decide(cats, rcpts, False, False, on, True).verdict is Verdict.PASS
    unscannable = cats | {Category.UNSCANNABLE}
    assert decide(unscannable, rcpts, False, False, on, True).verdict is Verdict.QUARANTINE


@given(
    cats=st.frozensets(st.sampled_from(list(Category))),
    external=st.lists(
        st.sampled_from(["a@gmail.com", "records@lincoln-usd.k12.ca.us"]), max_size=2
    ),
    encrypted=st.booleans(),
)
@hsettings(max_examples=200, deadline=None)
def test_the_guardian_flag_only_ever_passes_a_lone_student_record(
    settings: Settings, cats: frozenset[Category], external: list[str], encrypted: bool
) -> None:
    on = settings.model_copy(
        update={
            "recipients": settings.recipients.model_copy(update={"guardians_from_roster": True})
        }
    )
    rcpts = Recipients(
        external=tuple(external), authorized=tuple(a for a in external if "k12" in a)
    )
    without = decide(cats, rcpts, encrypted, False, on, False)
    with_flag = decide(cats, rcpts, encrypted, False, on, True)
    if with_flag.verdict is not without.verdict:
        assert cats == {Category.STUDENT_RECORD}
        assert with_flag.verdict is Verdict.PASS
        assert with_flag.reasons[0].rule == RULE_GUARDIAN
