"""Content-Transfer-Encoding read the forgiving way, and refused when unknown.

Hand-written on purpose: the standard decoders are strict where mail clients
are not (base64 stops at the first `=`, uuencode needs its begin line, yEnc
is not there at all), and the difference is exactly what an evasion uses.
Each decoder names the rule (see `rules.py`) it applies.
"""

from __future__ import annotations

import binascii
import quopri
import re

from dlp.extract.lenient.headers import drop_comments

# cte-identity-spellings
IDENTITY = frozenset({"", "7bit", "8bit", "binary", "7-bit", "8-bit", "7bits", "8bits", "none"})
BASE64 = "base64"
QP = "quoted-printable"
UU = frozenset({"x-uuencode", "uuencode", "x-uue", "uue"})
YENC = frozenset({"x-yencode", "yencode", "x-yenc", "yenc"})

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")
_PADDING = re.compile(rb"=+")
_QP_SOFT_BREAK = re.compile(rb"=[ \t]+(\r?\n|\Z)")


class UndecodableError(ValueError):
    """The body does not decode in the encoding it declares."""


def candidates(header_values: list[str]) -> list[str]:
    """Every encoding the header values name (cte-every-value), normalised (header-case)."""
    out: list[str] = []
    for value in header_values:
        value = drop_comments(value).lower().strip()
        if "".join(value.split()) in IDENTITY:
            out.append("7bit")
            continue
        for token in re.split(r"[,;\s]+", value):
            token = token.strip().strip("\"'")
            if token:
                out.append("7bit" if token in IDENTITY else token)
    return list(dict.fromkeys(out))


def is_known(cte: str) -> bool:
    return cte in IDENTITY or cte in (BASE64, QP) or cte in UU or cte in YENC


def decode(body: bytes, cte: str) -> bytes:
    """The body decoded; UndecodableError when it cannot be, ValueError when `cte` is unknown."""
    if cte in IDENTITY:
        return body
    if cte == BASE64:
        return base64_lenient(body)
    if cte == QP:
        return qp_lenient(body)
    if cte in UU:
        return uudecode(body)
    if cte in YENC:
        return ydecode(body)
    raise ValueError(f"unknown transfer encoding {cte!r}")  # cte-unknown-fails-closed


def base64_lenient(body: bytes) -> bytes:
    """base64-skip-junk and base64-mid-padding: each `=`-terminated chunk decodes on its own."""
    lines = body.lstrip().splitlines()
    if lines and lines[0].startswith(b"begin-base64"):
        lines = lines[1:]
    clean = _NOT_BASE64.sub(b"", b"".join(lines))
    out = bytearray()
    for chunk in _PADDING.split(clean):
        whole = len(chunk) - len(chunk) % 4
        if whole:
            out += binascii.a2b_base64(chunk[:whole])
        rest = chunk[whole:]
        if len(rest) >= 2:
            out += binascii.a2b_base64(rest + b"=" * (4 - len(rest)))
    return bytes(out)


def qp_lenient(body: bytes) -> bytes:
    """qp-soft-break-whitespace (and qp-lowercase-hex, which quopri already accepts)."""
    return quopri.decodestring(_QP_SOFT_BREAK.sub(lambda m: b"=" + m.group(1), body))


def uudecode(body: bytes) -> bytes:
    """uuencode: from the `begin` line when there is one, else from the first line."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(b"begin ") or line.strip() == b"begin":
            lines = lines[i + 1 :]
            break
    out = bytearray()
    for line in lines:
        if line.strip() == b"end":
            break
        if not line.strip() or line.strip() == b"`":
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            length = (((line[0] - 32) & 63) * 4 + 5) // 3  # encoders that add trailing junk
            try:
                out += binascii.a2b_uu(line[:length])
            except binascii.Error as exc:
                raise UndecodableError("uuencoded data is corrupt") from exc
    return bytes(out)


def ydecode(body: bytes) -> bytes:
    """yenc: bytes shifted by 42, `=` escapes a byte shifted by a further 64."""
    out = bytearray()
    started = b"=ybegin" not in body
    for line in body.splitlines():
        if line.startswith(b"=ybegin"):
            started = True
            continue
        if line.startswith(b"=ypart"):
            continue
        if line.startswith(b"=yend"):
            break
        if not started:
            continue
        escaped = False
        for byte in line:
            if escaped:
                out.append((byte - 106) % 256)
                escaped = False
            elif byte == 0x3D:
                escaped = True
            else:
                out.append((byte - 42) % 256)
    return bytes(out)


_INLINE = re.compile(
    rb"^begin[ \t]+[0-7]{3,4}[ \t]+([^\r\n]+)\r?\n(.*?)^end[ \t]*\r?$"
    rb"|^=ybegin[^\r\n]*?name=([^\r\n]+)\r?\n(.*?)^=yend[^\r\n]*\r?$",
    re.M | re.S,
)


def inline_attachments(text: bytes) -> list[tuple[str, bytes]]:
    """inline-uuencode-yenc: blocks in a text body that clients show as attachments.

    Each block's (file name, decoded bytes); the text itself is still read as it is.
    """
    if b"begin" not in text:
        return []
    found = []
    for match in _INLINE.finditer(text):
        if match.group(1) is not None:
            name, data = match.group(1), uudecode(match.group(2))
        else:
            name, data = match.group(3), ydecode(b"=ybegin\n" + match.group(4))
        found.append((name.strip().decode("utf-8", "replace"), data))
    return found
