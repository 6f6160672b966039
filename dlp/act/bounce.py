"""RFC 3464 delivery status notifications for messages the policy bounces (after-queue).

The DSN goes from the null sender `<>` (so it can never bounce back) to the
envelope sender. It explains in plain words what was found (masked), which
policy section applies and how to resend securely, and attaches the original
headers only (`text/rfc822-headers`), never the sensitive body.
"""

from __future__ import annotations

import email.utils
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.header import Header

MAX_HEADER_BYTES = 64 * 1024  # headers attached to the DSN; real headers are far smaller


@dataclass(frozen=True)
class BounceInfo:
    sender: str
    recipients: Sequence[str]
    original_recipients: Sequence[str | None]  # ORCPT per recipient, when given
    envid: str | None
    findings: Sequence[tuple[str, str]]  # (entity, masked excerpt)
    reasons: Sequence[tuple[str, str, str]]  # (rule, section, text)
    subject_tag: str | None  # None without an encryption gateway: a tag would not help
    scan_id: str
    reporting_mta: str
    district: str


def original_headers(raw: bytes) -> bytes:
    """The header block of a raw message (up to the first empty line), CRLF-terminated."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(sep)
        if end != -1:
            return (
                raw[: min(end, MAX_HEADER_BYTES)].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                + b"\r\n"
            )
    return raw[:MAX_HEADER_BYTES].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n"


def explanation(info: BounceInfo) -> str:
    """The human-readable part: what, why (section), and how to send it properly."""
    lines = [
        f"Your message was not delivered. {info.district}'s data-loss-prevention filter",
        "found confidential information in it that may only leave the district",
        "encrypted, and returned it to you.",
        "",
        "Recipients: " + ", ".join(info.recipients),
        "",
        "What was found (values are masked):",
    ]
    lines += [f"  - {entity}: {excerpt}" for entity, excerpt in info.findings] or ["  - (none)"]
    lines += ["", "Why:"]
    lines += [f"  - Policy section {sec}: {text}" for _rule, sec, text in info.reasons]
    lines += ["", *_how_to_resend(info.subject_tag)]
    lines += [
        "If the recipient should not receive this information at all, please do not",
        "resend it.",
        "",
        f"Reference (for the privacy office): scan {info.scan_id}",
    ]
    return "\r\n".join(lines) + "\r\n"


def _how_to_resend(tag: str | None) -> list[str]:
    if tag:
        return [
            "How to send it securely: resend the message with",
            f"{tag} at the start of the subject line; the district's encryption",
            "gateway will then encrypt it for the recipient.",
        ]
    return [
        "How to send it securely: send it encrypted (S/MIME or PGP) to a recipient",
        "who can decrypt it, or ask the privacy office how to share it.",
    ]


def delivery_status(info: BounceInfo, arrival: str) -> str:
    fields = [f"Reporting-MTA: dns; {info.reporting_mta}"]
    if info.envid:
        fields.append(f"Original-Envelope-Id: {info.envid}")
    fields.append(f"Arrival-Date: {arrival}")
    blocks = ["\r\n".join(fields)]
    for i, rcpt in enumerate(info.recipients):
        orcpt = info.original_recipients[i] if i < len(info.original_recipients) else None
        rfields = []
        if orcpt:
            rfields.append(f"Original-Recipient: {orcpt}")
        rfields += [
            f"Final-Recipient: rfc822; {rcpt}",
            "Action: failed",
            "Status: 5.7.1",
            "Diagnostic-Code: smtp; 550 5.7.1 Refused by data-loss-prevention policy",
        ]
        blocks.append("\r\n".join(rfields))
    return "\r\n\r\n".join(blocks) + "\r\n"


def build_dsn(info: BounceInfo, raw: bytes) -> bytes:
    """The complete DSN message as bytes (CRLF line ends), ready for DATA."""
    boundary = f"dlp-dsn-{uuid.uuid4().hex}"
    now = email.utils.formatdate(localtime=False)
    subject = Header("Undelivered Mail Returned to Sender: sensitive data", "utf-8").encode()
    head = [
        f"From: Mail Delivery System <MAILER-DAEMON@{info.reporting_mta}>",
        f"To: <{info.sender}>",
        f"Subject: {subject}",
        f"Date: {now}",
        f"Message-ID: <{uuid.uuid4().hex}@{info.reporting_mta}>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
    ]
    parts = [
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + explanation(info),
        "Content-Type: message/delivery-status\r\n\r\n" + delivery_status(info, now),
    ]
    out = "\r\n".join(head).encode() + b"\r\n\r\nThis is a delivery status notification.\r\n"
    for part in parts:
        out += f"\r\n--{boundary}\r\n".encode() + part.encode("utf-8")
    out += f"\r\n--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n".encode()
    out += original_headers(raw)
    out += f"\r\n--{boundary}--\r\n".encode()
    return out
