"""POLICY.md section 4, rule by rule, and the examples of section 6, end to end."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dlp.config import Settings
from dlp.decide.policy import decide
from dlp.decide.recipients import classify_recipients
from dlp.model import Category, Verdict
from dlp.pipeline import ScanResult

Scan = Callable[..., ScanResult]

IEP = (
    "Hello,\n\nHere is the IEP progress report for Jacob Martinez, grade 5 student at "
    "Sunrise Elementary. Jacob has met two of three reading goals. His 504 accommodations "
    "(extended time, preferential seating) continue this semester.\n\nThanks,\nPat Teacher\n"
)
SSN = "Hi,\nFor the background check, the staff member's SSN is 536-22-8745.\nThanks\n"


@pytest.mark.parametrize(
    ("to", "subject", "verdict"),
    [
        ("parent@gmail.com", "IEP report", Verdict.QUARANTINE),
        ("records@lincoln-usd.k12.ca.us", "IEP report", Verdict.BOUNCE),
        ("records@lincoln-usd.k12.ca.us", "[secure] IEP report", Verdict.PASS),
        ("principal@westpark.k12.ca.us", "IEP report", Verdict.PASS),
        ("principal@hs.westpark.k12.ca.us", "IEP report", Verdict.PASS),
        ("records@LINCOLN-USD.K12.CA.US", "[Encrypt] IEP", Verdict.PASS),
        ("registrar@lincoln-usd.k12.ca.us", "IEP report", Verdict.QUARANTINE),
        ("help@x.sis-vendor.example", "IEP report", Verdict.BOUNCE),
        ("data@cde.ca.gov", "IEP report", Verdict.PASS),  # authorized over mandatory TLS
        ("records@lincoln-usd.k12.ca.us", "[secured] IEP report", Verdict.BOUNCE),
    ],
)
def test_iep_report_verdict_depends_on_recipient_and_encryption(
    scan: Scan, to: str, subject: str, verdict: Verdict
) -> None:
    result = scan(IEP, to=to, subject=subject)
    assert Category.STUDENT_RECORD in result.classification.categories
    assert result.decision.verdict is verdict


def test_limited_identification_praise_passes(scan: Scan) -> None:
    result = scan("Thanks to Maria G. for leading the assembly! Great job, 5th grade.",
                  to="news@westparkherald.com")  # fmt: skip
    assert result.decision.verdict is Verdict.PASS
    assert result.categories == []


def test_staff_agenda_with_work_signature_passes(scan: Scan) -> None:
    body = (
        "Agenda for Thursday's staff meeting:\n1. Bell schedule\n2. Supply orders\n\n"
        "Thanks,\nDana Whitfield\nPrincipal | Sunrise Elementary School\n"
        "Office: (916) 555-0153\ndwhitfield@westpark.k12.ca.us\n"
    )
    result = scan(
        body, to="sales@vendor.com", sender="Dana Whitfield <dwhitfield@westpark.k12.ca.us>"
    )
    assert result.decision.verdict is Verdict.PASS


def test_ssn_to_authorized_tls_recipient_passes(scan: Scan) -> None:
    result = scan(SSN, to="hr@cde.ca.gov")
    assert result.categories == ["high_risk_id"]
    assert result.decision.verdict is Verdict.PASS


def test_ssn_to_unauthorized_recipient_is_quarantined_with_section(scan: Scan) -> None:
    result = scan(SSN, to="someone@gmail.com")
    assert result.decision.verdict is Verdict.QUARANTINE
    reason = result.decision.reasons[0]
    assert (reason.rule, reason.section) == ("unauthorized-external-recipient", "E.2, C.14")
    assert "536-22-8745" not in reason.text


def test_one_unauthorized_among_authorized_quarantines(scan: Scan) -> None:
    result = scan(IEP, to="records@lincoln-usd.k12.ca.us, parent@gmail.com", subject="[secure] IEP")
    assert result.decision.verdict is Verdict.QUARANTINE


def test_internal_plus_unencrypted_authorized_bounces(scan: Scan) -> None:
    result = scan(IEP, to="principal@westpark.k12.ca.us, records@lincoln-usd.k12.ca.us")
    assert result.decision.verdict is Verdict.BOUNCE
    assert "[secure]" in result.decision.reasons[0].text


@pytest.mark.parametrize(
    "domain", ["westpark-k12.ca.us", "westpark.k12.ca.org", "vvestpark.k12.ca.us"]
)
def test_lookalike_domain_is_external_and_named_in_reasons(scan: Scan, domain: str) -> None:
    result = scan(IEP, to=f"principal@{domain}")
    assert result.recipients.external == (f"principal@{domain}",)
    assert result.decision.verdict is Verdict.QUARANTINE
    assert "looks like a district address" in result.decision.reasons[0].text


def test_trailing_dot_and_case_are_internal(settings: Settings) -> None:
    r = classify_recipients(("A@WestPark.K12.CA.US.", "b@hs.westpark.k12.ca.us"), settings)
    assert r.external == () and len(r.internal) == 2


def test_envelope_recipients_override_headers(scan: Scan) -> None:
    result = scan(IEP, rcpt=("principal@westpark.k12.ca.us",), to="parent@gmail.com")
    assert result.decision.verdict is Verdict.PASS


def test_monitor_mode_computes_verdict_but_enforces_pass(settings: Settings) -> None:
    monitor = settings.model_copy(
        update={"policy": settings.policy.model_copy(update={"mode": "monitor"})}
    )
    recipients = classify_recipients(("x@gmail.com",), monitor)
    decision = decide(frozenset({Category.HIGH_RISK_ID}), recipients, False, False, monitor)
    assert decision.verdict is Verdict.QUARANTINE
    assert decision.enforced_verdict is Verdict.PASS
    assert decision.reasons[-1].rule == "monitor-mode"


CATEGORY_SETS = st.frozensets(st.sampled_from(list(Category)))
ADDRESSES = st.sampled_from(
    [
        "a@westpark.k12.ca.us",
        "b@gmail.com",
        "records@lincoln-usd.k12.ca.us",
        "c@cde.ca.gov",
        "d@sis-vendor.example",
        "e@westpark-k12.ca.us",
    ]
)


@hsettings(max_examples=300, deadline=None)
@given(CATEGORY_SETS, st.lists(ADDRESSES, min_size=1, max_size=4), st.booleans(), st.booleans())
def test_adding_an_unauthorized_recipient_never_relaxes_the_verdict(
    settings: Settings, categories: frozenset[Category], rcpts: list[str], enc: bool, tagged: bool
) -> None:
    before = decide(categories, classify_recipients(tuple(rcpts), settings), enc, tagged, settings)
    more = classify_recipients((*rcpts, "stranger@example.org"), settings)
    after = decide(categories, more, enc, tagged, settings)
    if before.verdict is not Verdict.PASS:
        assert after.verdict is not Verdict.PASS
    # with an unauthorized outsider, anything sensitive or unreadable is held (rule 3)
    assert (after.verdict is Verdict.QUARANTINE) == bool(categories)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(ADDRESSES, min_size=1, max_size=4), st.booleans(), st.booleans())
def test_nothing_sensitive_always_passes(
    settings: Settings, rcpts: list[str], enc: bool, tagged: bool
) -> None:
    d = decide(frozenset(), classify_recipients(tuple(rcpts), settings), enc, tagged, settings)
    assert d.verdict is Verdict.PASS
