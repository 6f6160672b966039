"""The one orchestrator: raw message → extract → detect → classify → decide.

`Scanner` is built once per process (it owns the Presidio analyzer, which
loads the spaCy model) and is then read-only: `scan()` is safe to call for
every message.  It never raises for bad input; a message it cannot parse gets
an `unscannable` result and so fails closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from email.utils import getaddresses

from dlp.config import Settings
from dlp.decide.classify import classify
from dlp.decide.policy import decide, is_encrypted_by_subject
from dlp.decide.recipients import classify_recipients
from dlp.detect.analyzer import Detector
from dlp.extract.mime import header_recipients, header_sender, header_text, parse, walk
from dlp.model import Category, Classification, Decision, Envelope, Extraction, Finding, Recipients


@dataclass(frozen=True)
class ScanResult:
    """Everything known about one message's scan; rendered by `dlp.report`."""

    scan_id: str
    envelope: Envelope
    subject: str
    extraction: Extraction
    findings: tuple[Finding, ...]
    classification: Classification
    recipients: Recipients
    decision: Decision
    size: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def categories(self) -> list[str]:
        return [c.value for c in Category if c in self.classification.categories]


class Scanner:
    """Build once (loads patterns and the NLP model), then `scan()` many messages."""

    def __init__(self, settings: Settings, detector: Detector | None = None) -> None:
        self.settings = settings
        self.detector = detector or Detector.from_settings(settings)

    def scan(self, raw: bytes, envelope: Envelope | None = None) -> ScanResult:
        envelope = (
            envelope if envelope and envelope.recipients else self._envelope_from(raw, envelope)
        )
        extraction = walk(raw, self.settings.extraction.limits())
        findings = self.detector.detect(extraction.chunks)
        authors = author_names(raw)
        classification = classify(extraction, findings, self.settings, authors)
        recipients = classify_recipients(envelope.recipients, self.settings)
        subject = next((c.text for c in extraction.chunks if c.where == "subject"), "")
        decision = decide(
            classification.categories,
            recipients,
            extraction.encrypted,
            is_encrypted_by_subject(subject, self.settings),
            self.settings,
        )
        return ScanResult(
            scan_id=uuid.uuid4().hex[:16],
            envelope=envelope,
            subject=subject,
            extraction=extraction,
            findings=tuple(findings),
            classification=classification,
            recipients=recipients,
            decision=decision,
            size=len(raw),
        )

    @staticmethod
    def _envelope_from(raw: bytes, given: Envelope | None) -> Envelope:
        """Recipients from To/Cc/Bcc/Resent-* when no SMTP envelope is known (POLICY.md 1)."""
        try:
            msg = parse(raw)
            rcpts = header_recipients(msg)
            sender = given.sender if given and given.sender else header_sender(msg)
        except Exception:
            return given or Envelope()
        return Envelope(sender=sender, recipients=rcpts)


def author_names(raw: bytes) -> tuple[str, ...]:
    """Display names in From/Sender/Reply-To: the author, whose signature is not a subject."""
    try:
        msg = parse(raw)
    except Exception:
        return ()
    names = []
    for header in ("from", "sender", "reply-to"):
        for name, _ in getaddresses([header_text(msg, header)]):
            if name:
                names.append(name)
    return tuple(names)
