"""Evasion variants: one student record hidden by one MIME trick at a time.

Each trick writes a whole message by hand (the `email` package would repair
most of them) around a payload: the record in the body, a 15-student roster
as a CSV attachment, or that CSV inside a zip.  `resolvable` says whether a
mail client shows the payload; if it does, the filter must find the record
itself, not only call the message unscannable.
"""

from __future__ import annotations

import base64
import binascii
import io
import quopri
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

HEAD = (
    "From: Pat Teacher <pteacher@westpark.k12.ca.us>\r\n"
    "To: friend@gmail.com\r\n"
    "Subject: notes\r\n"
    "Date: Tue, 01 Dec 2026 09:00:00 +0000\r\n"
    "Message-ID: <evasion@westpark.k12.ca.us>\r\n"
    "MIME-Version: 1.0\r\n"
)
RECORD = (
    "Student: Jacob Martinez, Student ID 1234567, DOB 03/14/2012. "
    "IEP accommodations: extended time and preferential seating.\r\n"
)
_FIRST = ["Ava", "Liam", "Mia", "Noah", "Emma", "Ethan", "Sofia", "Lucas", "Chloe", "Mason",
          "Isabella", "Logan", "Harper", "Elijah", "Amelia"]  # fmt: skip
_LAST = ["Nguyen", "Patel", "Garcia", "Kim", "Johnson", "Okafor", "Rossi", "Silva", "Cohen",
         "Murphy", "Hernandez", "Schmidt", "Tanaka", "Brown", "Lopez"]  # fmt: skip


def roster_csv() -> bytes:
    rows = ["Student Name,Student ID,Date of Birth,Grade,Accommodation"]
    for i, (first, last) in enumerate(zip(_FIRST, _LAST, strict=True)):
        rows.append(f"{first} {last},{2301100 + 37 * i},0{1 + i % 9}/1{i % 9}/2013,5,IEP")
    return ("\r\n".join(rows) + "\r\n").encode()


def roster_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("roster.csv", roster_csv())
    return out.getvalue()


@dataclass(frozen=True)
class Payload:
    kind: str  # body | csv | zip
    ctype: str
    filename: str
    data: bytes
    categories: frozenset[str]


PAYLOADS = {
    "body": Payload("body", "text/plain", "", RECORD.encode(), frozenset({"student_record"})),
    "csv": Payload("csv", "text/csv", "roster.csv", roster_csv(), frozenset({"bulk_roster"})),
    "zip": Payload(
        "zip", "application/zip", "roster.zip", roster_zip(), frozenset({"bulk_roster"})
    ),
}


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _type(p: Payload, **extra: str) -> str:
    params = "".join(f"; {k}={v}" for k, v in extra.items())
    if p.kind == "body":
        return f"Content-Type: text/plain; charset=utf-8{params}\r\n"
    return f'Content-Type: {p.ctype}; name="{p.filename}"{params}\r\n'


def _disposition(p: Payload) -> str:
    if p.kind == "body":
        return ""
    return f'Content-Disposition: attachment; filename="{p.filename}"\r\n'


def part(p: Payload, cte: str = "base64", body: bytes | None = None, type_line: str = "") -> bytes:
    """The payload part: its headers (with `cte` as written) and its encoded body."""
    head = (type_line or _type(p)) + _disposition(p)
    if cte:
        head += f"Content-Transfer-Encoding{cte}\r\n"
    return head.encode() + b"\r\n" + (b64(p.data) if body is None else body)


def mixed(inner: bytes, boundary: str = "b1", ctype_line: str = "") -> bytes:
    """A message: a cover note and the payload part, in multipart/mixed."""
    line = ctype_line or f'Content-Type: multipart/mixed; boundary="{boundary}"'
    cover = b"Content-Type: text/plain\r\n\r\nPlease see below.\r\n"
    sep = f"--{boundary}\r\n".encode()
    return (
        (HEAD + line + "\r\n\r\n").encode()
        + sep
        + cover
        + sep
        + inner
        + f"\r\n--{boundary}--\r\n".encode()
    )


def single(p: Payload, cte: str, body: bytes) -> bytes:
    """The payload as the whole message (no multipart around it)."""
    return (HEAD).encode() + part(p, cte, body)


# --- encoders the tricks need (the standard library has no yEnc, no broken base64) ---


def uu(data: bytes, begin: bool = True) -> bytes:
    lines = [binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45)]
    body = b"".join(lines) + b"`\n"
    return (b"begin 644 payload\n" + body + b"end\n") if begin else body


def yenc(data: bytes) -> bytes:
    out = bytearray(b"=ybegin line=128 size=%d name=payload\r\n" % len(data))
    column = 0
    for byte in data:
        value = (byte + 42) % 256
        if value in (0, 10, 13, 61):
            out += bytes([61, (value + 64) % 256])
            column += 2
        else:
            out.append(value)
            column += 1
        if column >= 128:
            out += b"\r\n"
            column = 0
    return bytes(out) + b"\r\n=yend size=%d\r\n" % len(data)


def b64_mid_padding(data: bytes) -> bytes:
    """Chunks of 7 bytes, each padded: `=` all through the stream."""
    return b"\r\n".join(base64.b64encode(data[i : i + 7]) for i in range(0, len(data), 7)) + b"\r\n"


def b64_junk(data: bytes) -> bytes:
    return b"\r\n".join(b"#".join(line[i : i + 1] for i in range(len(line)))
                        for line in b64(data).split(b"\r\n"))  # fmt: skip


def qp_soft_break_spaces(data: bytes) -> bytes:
    """Every 5 characters a soft break followed by spaces and a tab."""
    encoded = quopri.encodestring(data).replace(b"=\n", b"")
    pieces = [encoded[i : i + 5] for i in range(0, len(encoded), 5)]
    fixed = []
    for piece in pieces:  # never cut an =XX escape in two
        if fixed and b"=" in fixed[-1][-2:]:
            fixed[-1] += piece
        else:
            fixed.append(piece)
    return b"= \t\r\n".join(fixed) + b"\r\n"


# --- the tricks: each returns the whole message for a payload ---


def _folded_cte(p: Payload) -> bytes:
    return mixed(part(p, ":\r\n base64"))


def _cte_comment(p: Payload) -> bytes:
    return mixed(part(p, ": base64 (x)"))


def _cte_space_colon(p: Payload) -> bytes:
    return mixed(part(p, " : base64"))


def _cte_two_values(p: Payload) -> bytes:
    return mixed(part(p, ": base64,quoted-printable"))


def _cte_case(p: Payload) -> bytes:
    line = _type(p).replace("Content-Type", "CONTENT-TYPE")
    return mixed(part(p, ": BaSe64", type_line=line))


def _qp_soft_break_ws(p: Payload) -> bytes:
    return mixed(part(p, ": quoted-printable", qp_soft_break_spaces(p.data)))


def _b64_mid_padding(p: Payload) -> bytes:
    return mixed(part(p, ": base64", b64_mid_padding(p.data)))


def _b64_junk(p: Payload) -> bytes:
    return mixed(part(p, ": base64", b64_junk(p.data)))


def _uu_no_begin(p: Payload) -> bytes:
    return mixed(part(p, ": x-uuencode", uu(p.data, begin=False)))


def _uu_begin(p: Payload) -> bytes:
    return mixed(part(p, ": uuencode", uu(p.data)))


def _x_uue(p: Payload) -> bytes:
    return mixed(part(p, ": x-uue", uu(p.data, begin=False)))


def _yenc(p: Payload) -> bytes:
    return mixed(part(p, ": x-yencode", yenc(p.data)))


def _ct_comment_before_type(p: Payload) -> bytes:
    return mixed(part(p, ": base64"), ctype_line='Content-Type: () multipart/mixed; boundary="b1"')


def _ct_space_colon(p: Payload) -> bytes:
    return mixed(part(p, ": base64"), ctype_line='Content-Type : multipart/mixed; boundary="b1"')


def _dup_boundary(rfc2231_real: bool, cte: str = ": base64") -> Callable[[Payload], bytes]:
    """Two boundary parameters; the payload sits behind the one named second or first."""

    def build(p: Payload) -> bytes:
        decoy = b"--decoy\r\nContent-Type: text/plain\r\n\r\nnothing here\r\n--decoy--\r\n"
        real = "b1"
        fake = "decoy"
        first, second = (real, fake) if rfc2231_real else (fake, real)
        line = f"Content-Type: multipart/mixed; boundary*=''{first}; boundary={second}"
        msg = mixed(part(p, cte), boundary=real, ctype_line=line)
        return msg.replace(b"\r\n\r\n--b1", b"\r\n\r\n" + decoy + b"--b1", 1)

    return build


def _message_global_b64(p: Payload) -> bytes:
    inner = mixed(part(p, ": base64"))
    return (HEAD + "Content-Type: message/global\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            ).encode() + b64(inner)  # fmt: skip


def _forwarded(cte: str) -> Callable[[Payload], bytes]:
    def build(p: Payload) -> bytes:
        inner = mixed(part(p, ": base64"), boundary="fwd")  # QP leaves boundary lines readable
        body = b64(inner) if cte == "base64" else quopri.encodestring(inner)
        forwarded = (
            b'Content-Type: message/rfc822; name="fwd.eml"\r\n'
            b'Content-Disposition: attachment; filename="fwd.eml"\r\n'
            b"Content-Transfer-Encoding: " + cte.encode() + b"\r\n\r\n" + body
        )
        return mixed(forwarded)

    return build


def _utf16_boundary(p: Payload) -> bytes:
    encoded = "".join(f"%00{c}" for c in "b1")  # UTF-16BE, no BOM
    line = f"Content-Type: multipart/mixed; boundary*=utf-16''{encoded}"
    return mixed(part(p, ": base64"), ctype_line=line)


def _conflicting_names(p: Payload) -> bytes:
    """filename says .txt, name says the real one; RFC 2231 filename* a third."""
    if p.kind == "body":
        line = 'Content-Type: text/plain; charset=utf-8; name="a.txt"\r\n'
        return mixed(part(p, ": base64", type_line=line))
    head = (
        f"Content-Type: {p.ctype}; name=\"{p.filename}\"; name*=utf-8''notes.txt\r\n"
        f'Content-Disposition: attachment; filename="notes.txt"; '
        f"filename*=utf-8''{quote(p.filename)}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    return mixed(head.encode() + b64(p.data))


def _header_case(p: Payload) -> bytes:
    line = 'content-type: MULTIPART/MIXED; BOUNDARY="b1"'
    return mixed(part(p, ": base64"), ctype_line=line)


def _smime_signed(content_type: str, smime_type: bool) -> Callable[[Payload], bytes]:
    def build(p: Payload) -> bytes:
        from tests.extract.smime import sign

        inner = mixed(part(p, ": base64"))
        entity = inner[inner.index(b"Content-Type: multipart") :]
        der = sign(entity)
        param = "; smime-type=signed-data" if smime_type else ""
        head = (
            f'Content-Type: {content_type}{param}; name="smime.p7m"\r\n'
            'Content-Disposition: attachment; filename="smime.p7m"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        )
        return HEAD.encode() + head.encode() + b64(der)

    return build


def _nested_quirks(p: Payload) -> bytes:
    """A folded CTE inside a multipart whose type carries a comment, inside another one."""
    inner = (
        b'Content-Type: (x) multipart/mixed; boundary="in"\r\n\r\n--in\r\n'
        + part(p, ":\r\n\tbase64 (y)")
        + b"\r\n--in--\r\n"
    )
    return mixed(inner)


# Tricks whose payload a common client displays: the record must be found.
TRICKS: dict[str, Callable[[Payload], bytes]] = {
    "cte-folded": _folded_cte,
    "cte-comment": _cte_comment,
    "cte-space-before-colon": _cte_space_colon,
    "cte-two-values": _cte_two_values,
    "cte-case": _cte_case,
    "qp-soft-break-whitespace": _qp_soft_break_ws,
    "base64-mid-padding": _b64_mid_padding,
    "base64-junk": _b64_junk,
    "x-uuencode-no-begin": _uu_no_begin,
    "uuencode-begin": _uu_begin,
    "x-uue": _x_uue,
    "x-yencode": _yenc,
    "ct-comment-before-type": _ct_comment_before_type,
    "ct-space-before-colon": _ct_space_colon,
    "boundary-rfc2231-first-is-real": _dup_boundary(True),
    "boundary-plain-second-is-real": _dup_boundary(False),
    "boundary-decoy-and-two-encodings": _dup_boundary(True, ": 7bit, base64"),
    "message-global-base64": _message_global_b64,
    "forwarded-rfc822-base64": _forwarded("base64"),
    "forwarded-rfc822-quoted-printable": _forwarded("quoted-printable"),
    "boundary-utf16-rfc2231": _utf16_boundary,
    "conflicting-file-names": _conflicting_names,
    "header-case": _header_case,
    "smime-signed-data": _smime_signed("application/pkcs7-mime", True),
    "smime-x-pkcs7-signed-data": _smime_signed("application/x-pkcs7-mime", True),
    "smime-signed-data-by-oid": _smime_signed("application/pkcs7-mime", False),
    "nested-quirks": _nested_quirks,
}


def _unknown_cte(p: Payload) -> bytes:
    return mixed(part(p, ": x-secret"))


def _no_boundary(p: Payload) -> bytes:
    return mixed(part(p, ": base64"), ctype_line="Content-Type: multipart/mixed")


def _noise_as_text(p: Payload) -> bytes:
    """Raw deflate (no header a sniffer knows) declared as text: nothing shows the record."""
    import zlib

    line = 'Content-Type: text/plain; charset=utf-8; name="notes.txt"\r\n'
    return mixed(part(p, ": base64", b64(zlib.compress(p.data * 3)[2:-4]), type_line=line))


# Tricks no client resolves either: unscannable is the right answer.
UNRESOLVABLE: dict[str, Callable[[Payload], bytes]] = {
    "cte-unknown": _unknown_cte,
    "multipart-without-boundary": _no_boundary,
    "text-decodes-to-binary": _noise_as_text,
}
