"""Each rule for broken MIME (dlp/extract/lenient/rules.py), one at a time, on the walk.

A test names its rule with `@rule(...)`; the last test checks that no rule in
the list goes untested.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

from dlp.extract.lenient.rules import NAMES
from dlp.extract.mime import read_message, walk
from dlp.model import Extraction
from tests.extract.evasion import uu, yenc

SECRET = b"Student ID 7654321 for Maria Gonzalez"
TESTED: set[str] = set()


def rule(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    assert name in NAMES, name
    TESTED.add(name)
    return lambda test: test


def msg(headers: str, body: bytes) -> bytes:
    return b"From: a@westpark.k12.ca.us\r\n" + headers.encode() + b"\r\n\r\n" + body


def text(extraction: Extraction) -> str:
    return "\n".join(c.text for c in extraction.chunks)


def reasons(extraction: Extraction) -> list[str]:
    return [u.why for u in extraction.unscannable]


B64 = base64.encodebytes(SECRET)


def two_parts(ctype_line: str, boundary: str = "xx", part: bytes = b"") -> bytes:
    inner = part or (b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + B64)
    body = f"--{boundary}\r\n".encode() + inner + f"\r\n--{boundary}--\r\n".encode()
    return msg(ctype_line, body)


@rule("header-space-before-colon")
def test_a_header_with_a_space_before_the_colon_is_a_header() -> None:
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding : base64", B64))
    assert SECRET.decode() in text(out)


def test_recipient_headers_with_a_space_before_the_colon_still_name_the_recipients() -> None:
    raw = msg("To : parent@gmail.com\r\nCc: aide@westpark.k12.ca.us", b"hello")
    assert read_message(raw)[1].recipients == ("parent@gmail.com", "aide@westpark.k12.ca.us")


@rule("header-unfold-trim")
def test_a_folded_transfer_encoding_is_unfolded() -> None:
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding:\r\n   base64", B64))
    assert SECRET.decode() in text(out)


@rule("header-comments")
def test_a_comment_in_the_transfer_encoding_is_dropped() -> None:
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64 (hidden)", B64))
    assert SECRET.decode() in text(out)


@rule("header-case")
def test_type_encoding_and_parameter_names_ignore_case() -> None:
    out = walk(two_parts('CONTENT-TYPE: Multipart/Mixed; BOUNDARY="xx"'))
    assert SECRET.decode() in text(out)


@rule("header-duplicates")
def test_a_second_content_type_header_is_also_read() -> None:
    out = walk(two_parts("Content-Type: text/plain\r\nContent-Type: multipart/mixed; boundary=xx"))
    assert SECRET.decode() in text(out)


@rule("param-rfc2231")
def test_an_rfc2231_utf16_boundary_is_decoded() -> None:
    encoded = "".join(f"{c}%00" for c in "xx")  # UTF-16LE without a BOM
    out = walk(two_parts(f"Content-Type: multipart/mixed; boundary*=UTF-16''{encoded}"))
    assert SECRET.decode() in text(out)


@rule("param-rfc2047")
def test_an_encoded_word_file_name_is_decoded() -> None:
    part = (
        b'Content-Type: application/octet-stream; name="=?utf-8?B?bm90ZXMudHh0?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + B64
    )
    out = walk(two_parts("Content-Type: multipart/mixed; boundary=xx", part=part))
    assert any(c.where == "attachment:notes.txt" for c in out.chunks)


@rule("param-every-value")
def test_both_of_two_boundary_parameters_are_read() -> None:
    decoy = b"--decoy\r\nContent-Type: text/plain\r\n\r\nnothing\r\n--decoy--\r\n"
    raw = two_parts("Content-Type: multipart/mixed; boundary=decoy; boundary=xx")
    raw = raw.replace(b"\r\n\r\n--xx", b"\r\n\r\n" + decoy + b"--xx", 1)
    assert SECRET.decode() in text(walk(raw))
    reordered = raw.replace(b"boundary=decoy; boundary=xx", b"boundary=xx; boundary=decoy")
    assert SECRET.decode() in text(walk(reordered))


@rule("filename-every-source")
def test_every_file_name_a_client_might_show_is_a_reading() -> None:
    part = (
        b'Content-Type: application/octet-stream; name="roster.csv"\r\n'
        b'Content-Disposition: attachment; filename="notes.bin"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(b"Name,Student ID\r\nMaria Gonzalez,7654321\r\n")
    )
    out = walk(two_parts("Content-Type: multipart/mixed; boundary=xx", part=part))
    places = {c.where for c in out.chunks}
    assert {"attachment:notes.bin", "attachment:roster.csv"} <= places


@rule("cte-every-value")
def test_each_of_two_transfer_encodings_is_a_reading() -> None:
    headers = "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable, base64"
    assert SECRET.decode() in text(walk(msg(headers, B64)))


@rule("cte-identity-spellings")
def test_spelled_out_identity_encodings_are_no_encoding() -> None:
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: 8-bit", SECRET))
    assert SECRET.decode() in text(out) and out.unscannable == ()


@rule("cte-unknown-fails-closed")
def test_an_unknown_transfer_encoding_is_unscannable() -> None:
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: x-rot13", B64))
    assert "unknown transfer encoding 'x-rot13'" in reasons(out)


@rule("base64-skip-junk")
def test_junk_between_base64_characters_is_skipped() -> None:
    junk = b"#".join(B64[i : i + 1] for i in range(len(B64.strip())))
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64", junk))
    assert SECRET.decode() in text(out)


@rule("base64-mid-padding")
def test_padding_in_the_middle_of_base64_does_not_end_it() -> None:
    body = base64.b64encode(SECRET[:10]) + base64.b64encode(SECRET[10:])
    assert b"=" in body[:-4]
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64", body))
    assert SECRET.decode() in text(out)


@rule("qp-soft-break-whitespace")
def test_spaces_after_a_quoted_printable_soft_break_still_join_the_lines() -> None:
    body = SECRET[:12] + b"= \t\r\n" + SECRET[12:]
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable", body))
    assert SECRET.decode() in text(out)


@rule("qp-lowercase-hex")
def test_lowercase_quoted_printable_escapes_decode() -> None:
    body = b"".join(b"=%02x" % b for b in SECRET)
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable", body))
    assert SECRET.decode() in text(out)


@rule("uuencode")
def test_uuencode_without_a_begin_line_is_decoded() -> None:
    headers = "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uue"
    out = walk(msg(headers, uu(SECRET, begin=False)))
    assert SECRET.decode() in text(out)


@rule("yenc")
def test_yenc_is_decoded() -> None:
    headers = "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-yencode"
    out = walk(msg(headers, yenc(SECRET)))
    assert SECRET.decode() in text(out)


@rule("inline-uuencode-yenc")
def test_uuencoded_and_yenc_blocks_in_a_text_body_are_read_as_attachments() -> None:
    csv = b"Name,Student ID\r\nMaria Gonzalez,7654321\r\n"
    body = b"Hi,\r\n" + uu(csv).replace(b"payload", b"a.csv") + b"\r\nand\r\n" + yenc(csv)
    out = walk(msg("Content-Type: text/plain", body))
    places = {c.where for c in out.chunks if "7654321" in c.text}
    assert places == {"attachment:a.csv", "attachment:payload"}


@rule("text-noise-fails-closed")
def test_a_text_part_that_decodes_to_binary_is_unscannable() -> None:
    noise = base64.encodebytes(bytes(range(256)) * 4)
    out = walk(msg("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64", noise))
    assert "text/plain part decodes to binary data" in reasons(out)


def test_utf16_text_and_iso_2022_jp_text_are_not_noise() -> None:
    utf16 = base64.encodebytes(SECRET.decode().encode("utf-16"))
    b64 = "\r\nContent-Transfer-Encoding: base64"
    out = walk(msg("Content-Type: text/plain; charset=utf-16" + b64, utf16))
    assert SECRET.decode() in text(out) and out.unscannable == ()
    jis = base64.encodebytes("学生の記録です。".encode("iso-2022-jp") * 20)
    out = walk(msg("Content-Type: text/plain; charset=iso-2022-jp" + b64, jis))
    assert "学生" in text(out) and out.unscannable == ()


@rule("multipart-every-boundary")
def test_a_comment_before_the_type_does_not_hide_the_multipart() -> None:
    out = walk(two_parts('Content-Type: () multipart/mixed; boundary="xx"'))
    assert SECRET.decode() in text(out)


@rule("multipart-past-close")
def test_parts_after_the_close_delimiter_are_read() -> None:
    raw = two_parts("Content-Type: multipart/mixed; boundary=xx", part=b"Content-Type: text/plain")
    raw = raw.replace(b"\r\n\r\n--xx", b"\r\n\r\n--xx\r\n\r\nhello\r\n--xx--\r\n", 1)
    hidden = b"--xx\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    assert SECRET.decode() in text(walk(raw + hidden + B64 + b"--xx--\r\n"))


@rule("multipart-epilogue-fails-closed")
def test_mime_parts_after_the_close_delimiter_are_unscannable() -> None:
    raw = two_parts("Content-Type: multipart/mixed; boundary=xx", part=b"Content-Type: text/plain")
    hidden = b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + B64
    assert "MIME parts after the end of a multipart" in reasons(walk(raw + hidden))


@rule("multipart-no-boundary-fails-closed")
def test_multipart_without_a_boundary_is_unscannable() -> None:
    out = walk(two_parts("Content-Type: multipart/mixed"))
    assert "multipart without a usable boundary" in reasons(out)


@rule("message-transfer-encoded")
def test_an_attached_message_in_base64_is_decoded_and_walked() -> None:
    inner = msg("Subject: fwd\r\nContent-Type: text/plain", SECRET)
    part = (
        b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(inner)
    )
    out = walk(two_parts("Content-Type: multipart/mixed; boundary=xx", part=part))
    assert SECRET.decode() in text(out)


@rule("smime-signed-unwrap")
def test_opaque_signed_data_is_unwrapped_and_read() -> None:
    from tests.extract.smime import sign

    der = sign(b"Content-Type: text/plain\r\n\r\n" + SECRET + b"\r\n")
    headers = "Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: base64"
    out = walk(msg(headers, base64.encodebytes(der)))
    assert SECRET.decode() in text(out) and not out.encrypted and out.unscannable == ()


def test_every_rule_has_its_own_test() -> None:
    assert TESTED == NAMES


def test_an_empty_multipart_hides_nothing_and_is_not_unscannable() -> None:
    out = walk(msg("Subject: returned headers\r\nContent-Type: multipart/mixed", b"\r\n\r\n"))
    assert out.unscannable == ()


def test_an_image_declared_as_text_is_an_image_not_noise() -> None:
    from PIL import Image  # a real picture: a corrupt one would be unscannable, rightly

    picture = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(picture, "JPEG")
    jpeg = base64.encodebytes(picture.getvalue())
    out = walk(msg("Content-Type: ; name=face.jpg\r\nContent-Transfer-Encoding: base64", jpeg))
    assert out.unscannable == ()
    assert [n.why.split(" (")[0] for n in out.not_inspected] == [
        "image too small to hold a document"
    ]


def test_an_encoded_word_file_name_the_strict_parser_also_decodes_needs_no_second_reading() -> None:
    from dlp.extract.lenient.readings import readings

    raw = msg(
        'Content-Type: application/pdf; name="=?utf-8?B?w6lsw6h2ZS5wZGY=?="\r\n'
        'Content-Disposition: attachment; filename="=?utf-8?B?w6lsw6h2ZS5wZGY=?="\r\n'
        "Content-Transfer-Encoding: base64",
        base64.encodebytes(b"%PDF-1.4\n"),
    )
    assert readings(raw).messages == []
