"""The extraction's email policy reads headers as `policy.default` does, parsing each once."""

from __future__ import annotations

import email
import email.policy
from email.message import Message

import pytest

from dlp.extract import email_policy
from dlp.extract.email_policy import POLICY
from tests.conftest import CORPUS

TRICKY_HEADERS = b"""\
From: =?utf-8?B?TWFyw61hIEdvbnrDoWxleg==?= <maria@westpark.k12.ca.us>
To: "Doe, Jane" <jane@example.com>, bob@example.org (Bob), undisclosed-recipients:;
Cc: <broken@, "unterminated <x@y.z>
Subject: =?iso-8859-1?q?Notas_de_Mar=EDa?= and =?bogus?x?zz?=
Content-Type: (comment) multipart/mixed; boundary*0="a b"; boundary*1=c;
 name*=utf-8''%E2%82%AC%20rates.xlsx; charset="utf-8"
Content-Disposition: attachment; filename="=?utf-8?B?4oKsIHJhdGVzLnhsc3g=?="
Content-Transfer-Encoding: BASE64 (really)
X-Odd: \xe9t\xe9 8-bit value
Date: not a date at all
Message-ID: <<double@angle>>

body
"""
NAMES = ("from", "to", "cc", "subject", "content-type", "content-disposition",
         "content-transfer-encoding", "x-odd", "date", "message-id", "missing")  # fmt: skip


def _reading(msg: Message) -> list[object]:
    """Everything the walk asks of a message's headers."""
    out: list[object] = [
        msg.get_content_type(),
        msg.get_boundary(),
        msg.get_filename(),
        msg.get_param("name"),
        msg.get_content_charset(),
        msg.get_content_disposition(),
    ]
    for name in NAMES:
        try:
            value = msg.get(name)
        except Exception as exc:  # the stdlib raises for some headers; so must the cache
            out.append(type(exc).__name__)
            continue
        defects = [repr(d) for d in getattr(value, "defects", ())]
        out.append((str(value), type(value).__mro__[1].__name__, defects))
    return out


def test_headers_read_the_same_as_with_the_default_policy() -> None:
    cached = email.message_from_bytes(TRICKY_HEADERS, policy=POLICY)
    default = email.message_from_bytes(TRICKY_HEADERS, policy=email.policy.default)
    first = _reading(cached)
    assert first == _reading(default)
    assert first == _reading(cached)  # a second read, now from the cache, is the same


def test_corpus_headers_read_the_same_as_with_the_default_policy() -> None:
    files = sorted((CORPUS / "malformed").rglob("*.eml"))[:150]
    if not files:
        pytest.skip("the shared malformed-mail corpus is not present")
    for path in files:
        raw = path.read_bytes()
        cached = email.message_from_bytes(raw, policy=POLICY)
        default = email.message_from_bytes(raw, policy=email.policy.default)
        pairs = zip(cached.walk(), default.walk(), strict=True)
        for mine, theirs in pairs:
            assert _reading(mine) == _reading(theirs), path


def test_a_header_read_again_is_not_parsed_again() -> None:
    email_policy._parsed.cache_clear()
    msg = email.message_from_bytes(TRICKY_HEADERS, policy=POLICY)
    for _ in range(5):
        msg.get_content_type()
        msg.get_filename()
    info = email_policy._parsed.cache_info()
    assert info.misses == 2  # Content-Type and Content-Disposition, each parsed once
    assert info.hits >= 8


def test_a_very_long_header_is_parsed_each_time_not_kept() -> None:
    email_policy._parsed.cache_clear()
    long_subject = "x" * (email_policy.CACHED_VALUE_CHARS + 1)
    msg = email.message_from_bytes(f"Subject: {long_subject}\n\nbody".encode(), policy=POLICY)
    assert str(msg["subject"]) == long_subject
    assert email_policy._parsed.cache_info().currsize == 0
