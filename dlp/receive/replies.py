"""Every SMTP reply `dlp serve` sends, each with its RFC 3463 enhanced status code.

One list, so that no exception text or matched value can ever reach a peer: the
handler picks a reply from here, and the server rewrites aiosmtpd's stock
answers (which lack enhanced codes, or are a permanent 500 on a bug) through
`translate_stock`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    code: int
    status: str  # RFC 3463 enhanced status code, e.g. "4.3.0"
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.status} {self.text}"

    @property
    def accepted(self) -> bool:
        return 200 <= self.code < 300

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500


def relayed(scan_id: str) -> Reply:
    return Reply(250, "2.0.0", f"Ok: relayed, scan {scan_id}")


def held(scan_id: str) -> Reply:
    return Reply(250, "2.0.0", f"Ok: held for review, scan {scan_id}")


def bounced(scan_id: str) -> Reply:
    return Reply(250, "2.0.0", f"Ok: refused by policy, sender notified, scan {scan_id}")


def policy_reject(section: str, tag: str | None) -> Reply:
    """Before-queue bounce: the client tells the sender; short and free of sensitive data.

    `tag` is the subject tag to suggest, None when no encryption gateway would act on it.
    """
    where = f" (policy section {section})" if section else ""
    how = f"resend with {tag} in the subject" if tag else "send it encrypted (S/MIME or PGP)"
    return Reply(
        550, "5.7.1", f"Message refused: sensitive data to outside recipients{where}; {how}"
    )


def downstream(code: int, text: str) -> Reply:
    """The next hop's own answer, passed back (its enhanced code kept when it gave one)."""
    first = " ".join(text.split())[:300]
    parts = first.split(" ", 1)
    if parts and _looks_enhanced(parts[0]):
        return Reply(code, parts[0], parts[1] if len(parts) > 1 else "")
    default = "5.0.0" if code >= 500 else "4.0.0"
    return Reply(code, default, first or "next hop refused the message")


def _looks_enhanced(token: str) -> bool:
    bits = token.split(".")
    return len(bits) == 3 and all(b.isdigit() for b in bits) and bits[0] in "245"


NEXT_HOP_DOWN = Reply(451, "4.4.1", "Next hop not reachable, try again later")
NEXT_HOP_TIMEOUT = Reply(451, "4.4.2", "Next hop too slow, try again later")
NEXT_HOP_LOST = Reply(451, "4.4.2", "Next hop dropped the connection, try again later")
NEXT_HOP_PARTIAL = Reply(451, "4.4.0", "Next hop refused some recipients, try again later")
SCAN_FAILED = Reply(451, "4.3.0", "Message could not be scanned, try again later")
SCAN_TIMEOUT = Reply(451, "4.3.0", "Scanning timed out, try again later")
STORE_FAILED = Reply(451, "4.3.0", "Quarantine unavailable, try again later")
INTERNAL_ERROR = Reply(451, "4.3.0", "Internal error, try again later")
SHUTTING_DOWN = Reply(421, "4.3.2", "Service shutting down, try again later")
TOO_BUSY = Reply(421, "4.3.2", "Too many connections, try again later")
TOO_MANY_FROM_CLIENT = Reply(421, "4.7.0", "Too many connections from your host, try again later")
IDLE_TIMEOUT = Reply(421, "4.4.2", "Error: timeout exceeded")
INFLIGHT_FULL = Reply(452, "4.3.1", "Insufficient system resources for that size now, try later")
INFLIGHT_FULL_DROP = Reply(421, "4.3.1", "Insufficient system resources, try again later")
TOO_MANY_RCPTS = Reply(452, "4.5.3", "Too many recipients")
BAD_SENDER_SYNTAX = Reply(501, "5.1.7", "Bad sender address syntax")
BAD_RCPT_SYNTAX = Reply(501, "5.1.3", "Bad recipient address syntax")
LOOP = Reply(554, "5.4.6", "Mail loop detected: message already scanned too often")
TOO_BIG = Reply(552, "5.3.4", "Message size exceeds fixed maximum message size")
BAD_PARAM = Reply(501, "5.5.4", "Invalid DSN parameter")
OK = Reply(250, "2.0.0", "Ok")
SENDER_OK = Reply(250, "2.1.0", "Sender ok")
RCPT_OK = Reply(250, "2.1.5", "Recipient ok")

_STOCK: dict[str, Reply] = {
    "552 Error: message size exceeds fixed maximum message size": TOO_BIG,
    "552 Error: Too much mail data": TOO_BIG,
    "500 Line too long (see RFC5321 4.5.3.1.6)": Reply(500, "5.5.2", "Line too long"),
    "503 Error: nested MAIL command": Reply(503, "5.5.1", "Nested MAIL command"),
    "503 Error: need MAIL command": Reply(503, "5.5.1", "Need MAIL command"),
    "503 Error: need RCPT command": Reply(503, "5.5.1", "Need RCPT command"),
    "501 Error: SMTPUTF8 takes no arguments": Reply(501, "5.5.4", "SMTPUTF8 takes no arguments"),
    "501 Error: BODY can only be one of 7BIT, 8BITMIME": Reply(501, "5.5.4", "Invalid BODY"),
}


def translate_stock(status: str) -> str:
    """aiosmtpd's built-in answer → ours (with an enhanced code); others unchanged."""
    mapped = _STOCK.get(status)
    if mapped is not None:
        return str(mapped)
    if status.startswith("500 Error: ("):  # the library's answer to an unhandled exception
        return str(INTERNAL_ERROR)
    return status
