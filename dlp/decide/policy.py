"""The decision table of POLICY.md section 4, as a pure function.

(categories, recipients, encryption, config) → verdict + reasons.  The first
rule that applies decides; every verdict carries the rule, the policy section
and a sentence a sender or privacy officer can read.
"""

from __future__ import annotations

from dlp.config import Settings
from dlp.decide.recipients import authorized_entry
from dlp.model import SENSITIVE, Category, Decision, Extraction, Reason, Recipients, Verdict

RULE_INTERNAL = "no-external-recipients"
RULE_NOT_SENSITIVE = "nothing-sensitive"
RULE_UNAUTHORIZED = "unauthorized-external-recipient"
RULE_UNENCRYPTED = "unencrypted-sensitive-transmission"
RULE_AUTHORIZED = "authorized-and-secure"
RULE_MONITOR = "monitor-mode"
RULE_GUARDIAN = "guardian-on-record"  # opt-in roster rule, docs/POLICY-roster.md
GUARDIAN_ONLY = frozenset({Category.STUDENT_RECORD})  # all the guardian rule lets through


def is_encrypted_by_subject(subject: str, settings: Settings) -> bool:
    """The subject asks the encryption gateway to encrypt (POLICY.md section 3).

    Without a gateway (`relay.encrypt_next_hop`) a tag encrypts nothing, so it does not count.
    """
    if not settings.relay.encrypt_next_hop:
        return False
    lowered = subject.lower()
    return any(tag.lower() in lowered for tag in settings.encryption.subject_tags)


def _listing(categories: frozenset[Category]) -> str:
    return ", ".join(c.value for c in Category if c in categories) or "none"


def _unencrypted_for(
    recipients: Recipients, message_encrypted: bool, subject_tagged: bool, settings: Settings
) -> list[str]:
    if message_encrypted or subject_tagged:
        return []
    out = []
    for address in recipients.external:
        entry = authorized_entry(address, settings.recipients.authorized)
        if entry is None or entry.encryption != "tls":
            out.append(address)
    return out


def _guardian_rule(categories: frozenset[Category], guardian: bool, settings: Settings) -> bool:
    """Rule 2a (opt-in): a student's record sent only to that student's guardians on record.

    `guardian` comes from the roster (every external recipient is a listed
    guardian of every student identified, and no other student is named); the
    record must be the only thing found: no high_risk_id, bulk_roster,
    staff_record, and nothing unscannable that could hide more.
    """
    return guardian and settings.recipients.guardians_from_roster and categories == GUARDIAN_ONLY


def _rule(
    categories: frozenset[Category],
    recipients: Recipients,
    message_encrypted: bool,
    subject_tagged: bool,
    settings: Settings,
    guardian: bool = False,
) -> tuple[Verdict, Reason]:
    sensitive = bool(categories & SENSITIVE)
    found = _listing(categories)
    if not recipients.external:
        return Verdict.PASS, Reason(RULE_INTERNAL, "", "all recipients are inside the district")
    if not sensitive and Category.UNSCANNABLE not in categories:
        return Verdict.PASS, Reason(
            RULE_NOT_SENSITIVE, "", "nothing sensitive or unscannable found"
        )
    if _guardian_rule(categories, guardian, settings):
        text = "recipient is the student's guardian on record"
        return Verdict.PASS, Reason(RULE_GUARDIAN, "FERPA 34 CFR 99.10", text)
    unauthorized = [a for a in recipients.external if a not in recipients.authorized]
    if unauthorized:
        text = f"{found} sent to {', '.join(unauthorized)}, not an authorized recipient"
        lookalikes = [a for a in unauthorized if a in recipients.lookalike]
        if lookalikes:
            text += (
                f"; {', '.join(lookalikes)} looks like a district address but is not one"
                " (E.3: check the recipient)"
            )
        return Verdict.QUARANTINE, Reason(RULE_UNAUTHORIZED, "E.2, C.14", text)
    plain = _unencrypted_for(recipients, message_encrypted, subject_tagged, settings)
    if sensitive and plain:
        tags = " or ".join(settings.encryption.subject_tags)
        how = (
            f"resend with {tags} in the subject"
            if tags and settings.relay.encrypt_next_hop
            else "send it encrypted (S/MIME or PGP)"
        )
        text = (
            f"{found} sent without encryption to {', '.join(plain)}; "
            f"authorized transmissions outside the district must be secure and encrypted: {how}"
        )
        return Verdict.BOUNCE, Reason(RULE_UNENCRYPTED, "C.14", text)
    text = f"{found} sent only to authorized recipients, encrypted where sensitive"
    return Verdict.PASS, Reason(RULE_AUTHORIZED, "E.2, E.6", text)


def decide(
    categories: frozenset[Category],
    recipients: Recipients,
    message_encrypted: bool,
    subject_tagged: bool,
    settings: Settings,
    guardian: bool = False,
) -> Decision:
    """The verdict; `guardian` is the roster's guardian check (always False without a roster)."""
    verdict, reason = _rule(
        categories, recipients, message_encrypted, subject_tagged, settings, guardian
    )
    reasons = [reason]
    enforced = verdict
    if settings.policy.mode == "monitor" and verdict is not Verdict.PASS:
        enforced = Verdict.PASS
        reasons.append(
            Reason(RULE_MONITOR, "", f"monitor mode: would {verdict.value}, relayed instead")
        )
    return Decision(verdict, tuple(reasons), enforced)


def decide_message(
    categories: frozenset[Category],
    extraction: Extraction,
    recipients: Recipients,
    settings: Settings,
    guardian: bool = False,
) -> Decision:
    """`decide` with the encryption facts read from the message itself."""
    subject = next((c.text for c in extraction.chunks if c.where == "subject"), "")
    tagged = is_encrypted_by_subject(subject, settings)
    return decide(categories, recipients, extraction.encrypted, tagged, settings, guardian)
