"""A plain smtplib client that reports every reply instead of raising on the first refusal."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Replies:
    mail: tuple[int, bytes]
    rcpts: list[tuple[int, bytes]]
    data: tuple[int, bytes] | None

    @property
    def final(self) -> tuple[int, str]:
        code, text = self.data or self.rcpts[-1] if self.rcpts else self.mail
        return code, text.decode("utf-8", "replace")


def message(subject: str = "Lunch", body: str = "See you at noon.", extra: str = "") -> bytes:
    return (
        "From: teacher@westpark.k12.ca.us\r\nTo: friend@gmail.com\r\n"
        f"Subject: {subject}\r\nMessage-ID: <t1@westpark.k12.ca.us>\r\n{extra}\r\n{body}\r\n"
    ).encode()


def send(
    port: int,
    data: bytes,
    sender: str = "teacher@westpark.k12.ca.us",
    rcpts: Sequence[str] = ("friend@gmail.com",),
    mail_options: Sequence[str] = (),
    rcpt_options: Sequence[str] = (),
    timeout: float = 120,
) -> Replies:
    with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as smtp:
        smtp.ehlo("client.test")
        mail = smtp.mail(sender, list(mail_options))
        rcpt_replies = [smtp.rcpt(r, list(rcpt_options)) for r in rcpts]
        result: tuple[int, bytes] | None = None
        if mail[0] == 250 and any(c == 250 for c, _ in rcpt_replies):
            result = smtp.data(data)
        return Replies(mail, rcpt_replies, result)
