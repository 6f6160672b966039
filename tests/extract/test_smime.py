"""Opaque S/MIME: the CMS content type decides whether a part is read or is encrypted."""

from __future__ import annotations

import base64

from dlp.extract.mime import walk
from dlp.pipeline import Scanner
from tests.extract.smime import detached, envelope, sign

ENTITY = (
    b"Content-Type: text/plain\r\n\r\n"
    b"Student: Jacob Martinez, Student ID 1234567, DOB 03/14/2012. IEP: extended time.\r\n"
)


def smime(der: bytes, label: str) -> bytes:
    return (
        b"From: Pat Teacher <pteacher@westpark.k12.ca.us>\r\nTo: records@cde.ca.gov\r\n"
        b"Subject: record\r\nMIME-Version: 1.0\r\n"
        + f"Content-Type: application/pkcs7-mime; smime-type={label}; name=smime.p7m\r\n".encode()
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(der)
    )


def test_signed_data_labelled_as_encrypted_is_still_unwrapped_and_read() -> None:
    extraction = walk(smime(sign(ENTITY), "enveloped-data"))
    assert not extraction.encrypted
    assert any("1234567" in c.text for c in extraction.chunks)


def test_enveloped_data_labelled_as_signed_is_encrypted() -> None:
    extraction = walk(smime(envelope(ENTITY), "signed-data"))
    assert extraction.encrypted
    assert [u.why for u in extraction.unscannable] == ["S/MIME encrypted content"]


def test_signed_data_to_an_encrypted_route_is_decided_on_its_content(scanner: Scanner) -> None:
    """cde.ca.gov is a TLS route: an encrypted record may pass there, a readable one is judged."""
    result = scanner.scan(smime(sign(ENTITY), "signed-data"))
    assert "student_record" in result.categories
    assert not result.extraction.unscannable


def test_detached_signature_blob_as_opaque_data_is_unscannable() -> None:
    extraction = walk(smime(detached(ENTITY), "signed-data"))
    assert any("no content" in u.why for u in extraction.unscannable)
