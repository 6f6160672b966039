"""The MIME walk: every part read, encryption told apart from signing, broken mail survives."""

from __future__ import annotations

import base64
import io
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from dlp.extract.base import Limits
from dlp.extract.mime import walk
from dlp.model import ChunkKind

RECORD = "Jacob Martinez (Student ID 1234567) has an IEP with extended time."


def texts(raw: bytes) -> str:
    return "\n".join(c.text for c in walk(raw).chunks)


def test_rfc2047_subject_is_decoded() -> None:
    raw = b"Subject: =?utf-8?q?Notas_de_Jos=C3=A9?=\r\nFrom: a@b.c\r\n\r\nbody\r\n"
    assert walk(raw).chunks[0].text == "Notas de José"


def test_base64_and_quoted_printable_bodies_in_latin1_are_decoded() -> None:
    msg = MIMEMultipart()
    msg.attach(MIMEText("Ni\xf1o: Jos\xe9 P\xe9rez", "plain", "iso-8859-1"))  # QP
    b64 = MIMEText("", "plain", "utf-8")
    b64.set_payload(base64.b64encode("Grade: B+ (88%) for Zoë".encode()).decode())
    b64.replace_header("Content-Transfer-Encoding", "base64")
    msg.attach(b64)
    out = texts(msg.as_bytes())
    assert "José Pérez" in out and "Zoë" in out


def test_wrong_declared_charset_still_yields_text() -> None:
    raw = "Subject: x\r\nContent-Type: text/plain; charset=klingon\r\n\r\nPérez grade\r\n".encode()
    assert "grade" in texts(raw)


def test_html_is_turned_into_text_without_markup_or_scripts() -> None:
    msg = EmailMessage()
    msg.set_content("<p>Hello <b>Jacob</b></p><script>alert('x')</script>", subtype="html")
    out = texts(msg.as_bytes())
    assert "Hello Jacob" in out and "<b>" not in out and "alert" not in out


def test_html_table_rows_carry_their_headers() -> None:
    html = (
        "<table><tr><th>Name</th><th>Student ID</th></tr>"
        "<tr><td>Ann Lee</td><td>1234567</td></tr><tr><td>Bo Chan</td><td>7654321</td></tr></table>"
    )
    msg = EmailMessage()
    msg.set_content(html, subtype="html")
    assert "Name: Ann Lee | Student ID: 1234567" in texts(msg.as_bytes())


def test_attached_message_is_walked_recursively() -> None:
    inner = EmailMessage()
    inner["Subject"] = "Incident report"
    inner.set_content(RECORD)
    outer = EmailMessage()
    outer["Subject"] = "Fwd: incident"
    outer.set_content("See below")
    outer.add_attachment(inner)
    extraction = walk(outer.as_bytes())
    wheres = [c.where for c in extraction.chunks]
    assert any(w.startswith("attachment:") and w.endswith("body") for w in wheres)
    assert RECORD in texts(outer.as_bytes())


def test_csv_attachment_is_read_as_a_table() -> None:
    msg = EmailMessage()
    msg.set_content("roster attached")
    msg.add_attachment(b"first_name,last_name,student_id\nAnn,Lee,1234567\n", maintype="text",
                       subtype="csv", filename="roster.csv")  # fmt: skip
    table = [c for c in walk(msg.as_bytes()).chunks if c.kind is ChunkKind.TABLE]
    assert table and "Name: Ann Lee | student id: 1234567" in table[0].text


def test_logo_image_is_listed_as_not_inspected() -> None:
    msg = EmailMessage()
    msg.set_content("logo attached")
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(logo, "PNG")
    msg.add_attachment(logo.getvalue(), maintype="image", subtype="png", filename="logo.png")
    extraction = walk(msg.as_bytes())
    assert [n.why for n in extraction.not_inspected] == [
        "image too small to hold a document (120x40 px)"
    ]
    assert extraction.unscannable == ()


def test_smime_enveloped_data_is_encrypted() -> None:
    part = MIMEApplication(
        b"\x30\x82binary", "pkcs7-mime", smime_type="enveloped-data", name="smime.p7m"
    )
    part["Subject"] = "IEP amendment"
    extraction = walk(part.as_bytes())
    assert extraction.encrypted
    assert extraction.unscannable[0].why == "S/MIME encrypted content"


def test_pgp_mime_is_encrypted() -> None:
    msg = MIMEMultipart("encrypted", protocol="application/pgp-encrypted")
    msg.attach(MIMEApplication(b"Version: 1", "pgp-encrypted"))
    msg.attach(
        MIMEApplication(
            b"-----BEGIN PGP MESSAGE-----\nhQEM\n-----END PGP MESSAGE-----", "octet-stream"
        )
    )
    assert walk(msg.as_bytes()).encrypted


def test_inline_pgp_body_is_encrypted() -> None:
    body = "-----BEGIN PGP MESSAGE-----\n\nhQEMA0b1x2\n=abcd\n-----END PGP MESSAGE-----\n"
    msg = EmailMessage()
    msg.set_content(body)
    extraction = walk(msg.as_bytes())
    assert extraction.encrypted and extraction.unscannable[0].why == "inline PGP encrypted message"


def test_fake_pgp_line_inside_normal_text_does_not_make_the_message_encrypted() -> None:
    msg = EmailMessage()
    msg.set_content(f"{RECORD}\n-----BEGIN PGP MESSAGE-----\nnot really\n")
    extraction = walk(msg.as_bytes())
    assert not extraction.encrypted
    assert RECORD in "\n".join(c.text for c in extraction.chunks)


def test_signed_only_message_is_scanned_and_signature_ignored() -> None:
    msg = MIMEMultipart("signed", protocol="application/pkcs7-signature")
    msg.attach(MIMEText(RECORD))
    msg.attach(MIMEApplication(b"\x30\x82sig", "pkcs7-signature", name="smime.p7s"))
    extraction = walk(msg.as_bytes())
    assert not extraction.encrypted and extraction.unscannable == ()
    assert RECORD in extraction.chunks[-1].text


def test_missing_boundary_still_yields_the_text() -> None:
    raw = b"Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nJacob Martinez IEP\r\n"
    assert "Jacob Martinez IEP" in texts(raw)


def test_deeply_nested_attached_mail_stops_at_the_depth_limit() -> None:
    msg = EmailMessage()
    msg.set_content("innermost")
    for _ in range(8):
        outer = EmailMessage()
        outer.set_content("wrapper")
        outer.add_attachment(msg)
        msg = outer
    extraction = walk(msg.as_bytes(), Limits(max_depth=5))
    assert any("nested deeper than 5" in u.why for u in extraction.unscannable)


def test_text_beyond_the_budget_is_cut_off_and_reported() -> None:
    msg = EmailMessage()
    msg.set_content("word " * 5000)
    extraction = walk(msg.as_bytes(), Limits(max_text_chars=1000))
    assert sum(len(c.text) for c in extraction.chunks) <= 1000
    assert any("not scanned" in u.why for u in extraction.unscannable)


def test_thousands_of_parts_are_bounded() -> None:
    msg = MIMEMultipart()
    for i in range(700):
        msg.attach(MIMEText(f"part {i}"))
    extraction = walk(msg.as_bytes())
    assert len(extraction.chunks) < 600
    assert len(extraction.unscannable) == 1


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_an_extraction_never_an_exception(raw: bytes) -> None:
    walk(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + raw)
    walk(raw)
