"""Held messages for quarantine and review tests, with findings positioned like the relay's.

A real scan needs the spaCy model; these tests are about storage and review,
so `hold()` finds SSNs and student ids with a regex over the real extracted
text and stores them exactly as the relay would (chunk, offsets, masked).
"""

from __future__ import annotations

import email.policy
import re
import time
from email.message import EmailMessage

from dlp.extract.mime import walk
from dlp.quarantine import HeldFinding, HeldMessage, SqlStore
from dlp.report import mask

SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
SENDER = "teacher@westpark.k12.ca.us"
REASON = ("unauthorized-external-recipient", "E.2", "student records to an unauthorized address")


def mail(
    body: str = "Jacob's SSN is 123-45-6789, see you.",
    subject: str = "Records",
    to: str = "parent@gmail.com",
    html: str | None = None,
    sender: str = SENDER,
    attach: tuple[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{time.monotonic_ns()}@westpark.k12.ca.us>"
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if attach is not None:
        name, text = attach
        msg.add_attachment(text.encode(), maintype="text", subtype="csv", filename=name)
    return msg.as_bytes(policy=email.policy.SMTP)


def findings_of(raw: bytes) -> tuple[HeldFinding, ...]:
    out = []
    for i, chunk in enumerate(walk(raw).chunks):
        for m in SSN.finditer(chunk.text):
            out.append(HeldFinding("US_SSN", chunk.where, i, m.start(), m.end(), 0.95,
                                   "high_risk_id", mask(m.group(), "high_risk_id")))  # fmt: skip
    return tuple(out)


STUDENT_ID = re.compile(r"\bS\d{6}\b")
BIRTH_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
STUDENT = {
    "US_SSN": (SSN, "high_risk_id"),
    "ROSTER_STUDENT_ID": (STUDENT_ID, "student_id"),
    "ROSTER_DOB": (BIRTH_DATE, "date_of_birth"),
    "ROSTER_STUDENT_NAME": (NAME, "roster_student"),
}


def student_findings(raw: bytes) -> tuple[HeldFinding, ...]:
    """SSNs, roster IDs (S123456), birth dates and capitalised two-word names, placed."""
    out = []
    for i, chunk in enumerate(walk(raw).chunks):
        if chunk.where == "subject":
            continue
        for entity, (pattern, role) in STUDENT.items():
            for m in pattern.finditer(chunk.text):
                out.append(HeldFinding(entity, chunk.where, i, m.start(), m.end(), 0.95, role,
                                       mask(m.group(), role)))  # fmt: skip
    return tuple(out)


def hold(
    store: SqlStore,
    raw: bytes | None = None,
    sender: str = SENDER,
    recipients: tuple[str, ...] = ("parent@gmail.com",),
    received_at: float | None = None,
    categories: tuple[str, ...] = ("high_risk_id",),
    subject: str | None = None,
    findings: tuple[HeldFinding, ...] | None = None,
) -> str:
    raw = raw if raw is not None else mail()
    if subject is None:
        found = re.search(rb"^Subject: (.*?)\r?$", raw, re.M)
        subject = found.group(1).decode() if found else ""
    held = HeldMessage(
        scan_id=f"scan{time.monotonic_ns()}", verdict="quarantine", reasons=(REASON,),
        categories=categories, sender=sender, recipients=recipients, subject=subject,
        size=len(raw), received_at=received_at or time.time(),
        findings=findings_of(raw) if findings is None else findings,
    )  # fmt: skip
    return store.put(held, raw)
