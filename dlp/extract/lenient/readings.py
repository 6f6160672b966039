"""Raw message → the clean messages a forgiving client might see in it.

The strict parser's reading of a message is always scanned.  This module reads
the raw bytes again with every rule in `rules.py` and, only when that changes
what some part means (another type, boundary, transfer encoding, file name or
decoded content), writes each client reading out as a plain, well-formed
message (fresh boundaries, base64 leaves) for the same walk to scan.  Where a
rule finds two candidates (two boundaries, two encodings, two file names),
reading *i* takes candidate *i*: client-preferred first, the others after.
What no reading can resolve comes back as `Unscannable` notes.
"""

from __future__ import annotations

import base64
import email
import hashlib
import re
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import quote

from dlp.extract.email_policy import POLICY
from dlp.extract.lenient import transfer
from dlp.extract.lenient.headers import (
    Field,
    Structured,
    every_value,
    param_values,
    split_entity,
    structured,
    values,
)
from dlp.model import Unscannable

MAX_READINGS = 3  # client readings per message beyond the strict one
MAX_LEAF_READINGS = 3  # transfer encodings, and file names, read side by side per leaf
MAX_DEPTH = 30
MAX_PARTS = 500
_MESSAGE_TYPES = ("message/rfc822", "message/global")
_MIME_HEADER = re.compile(rb"^content-(?:type|transfer-encoding)[ \t]*:", re.I | re.M)


@dataclass
class Readings:
    messages: list[bytes] = field(default_factory=list)  # empty: the strict reading is enough
    notes: list[Unscannable] = field(default_factory=list)


def readings(raw: bytes) -> Readings:
    """Every client reading of `raw` that differs from the strict one, and what none resolves."""
    first = _Builder(0)
    text = first.entity(raw, "", 0)
    out = Readings(notes=list(dict.fromkeys(first.notes)))
    if not first.differs and first.choices == 1:
        return out
    out.messages.append(text)
    for variant in range(1, min(first.choices, MAX_READINGS)):
        other = _Builder(variant)
        again = other.entity(raw, "", 0)
        if again not in out.messages:
            out.messages.append(again)
        out.notes.extend(n for n in other.notes if n not in out.notes)
    return out


def _strict(head: bytes) -> Message:
    """The standard parser's view of one header block."""
    return email.message_from_bytes(head, policy=POLICY)


class _Builder:
    """Writes one reading; `differs` says whether it means something the strict one does not."""

    def __init__(self, variant: int) -> None:
        self.variant = variant
        self.choices = 1
        self.differs = False
        self.parts = 0
        self.notes: list[Unscannable] = []

    def pick(self, candidates: list[str]) -> str:
        self.choices = max(self.choices, len(candidates))
        return candidates[min(self.variant, len(candidates) - 1)]

    def entity(self, raw: bytes, where: str, depth: int) -> bytes:
        self.parts += 1
        if depth > MAX_DEPTH or self.parts > MAX_PARTS:
            return b"Content-Type: text/plain\r\n\r\n"  # the strict walk reports the cut
        fields, body = split_entity(raw)
        head = raw[: len(raw) - len(body)]
        strict = _strict(head if head.endswith((b"\n\n", b"\r\n\r\n")) else head + b"\n\n")
        ctypes = [structured(v) for v in values(fields, "content-type")]
        ctypes = [c for c in ctypes if "/" in c.token] or [Structured("text/plain", ())]
        ctypes += [_as_multipart(c) for c in ctypes if _looks_multipart(c, body)]
        ctype = ctypes[min(self.variant, len(ctypes) - 1)]
        self.choices = max(self.choices, len(ctypes))
        if ctype.token != strict.get_content_type():
            self.differs = True
        kept = _kept_headers(fields)
        if ctype.token.startswith("multipart/"):
            return kept + self._multipart(ctype, body, strict, where or "body", depth)
        return kept + self._leaf(fields, ctype, body, raw, strict, where, depth)

    def _multipart(
        self, ctype: Structured, body: bytes, strict: Message, where: str, depth: int
    ) -> bytes:
        found = [b for b in _boundary_candidates(ctype) if _delimiter(b).search(body)]
        if not found and not body.strip():  # an empty multipart hides nothing
            return b"Content-Type: text/plain\r\n\r\n"
        if not found:  # multipart-no-boundary-fails-closed
            self.notes.append(Unscannable(where, "multipart without a usable boundary"))
            self.differs = True
            return b"Content-Type: text/plain\r\n\r\n" + body
        boundary = self.pick(found)
        if boundary != strict.get_boundary():
            self.differs = True
        parts, reopened, epilogue = split_multipart(body, boundary)
        self.differs = self.differs or reopened
        if _MIME_HEADER.search(epilogue):  # multipart-epilogue-fails-closed
            self.notes.append(Unscannable(where, "MIME parts after the end of a multipart"))
        children = [self.entity(part, where, depth + 1) for part in parts]
        token = hashlib.sha256(b"".join(children)).hexdigest()[:16]
        fresh = f"=_dlp_{depth}_{token}".encode()
        out = [b"Content-Type: " + ctype.token.encode() + b'; boundary="' + fresh + b'"\r\n\r\n']
        for child in children:
            out.append(b"--" + fresh + b"\r\n" + child + b"\r\n")
        out.append(b"--" + fresh + b"--\r\n")
        return b"".join(out)

    def _leaf(
        self,
        fields: list[Field],
        ctype: Structured,
        body: bytes,
        raw: bytes,
        strict: Message,
        where: str,
        depth: int,
    ) -> bytes:
        """One leaf; several side by side when its encoding or its file name is ambiguous."""
        dispositions = [structured(v) for v in values(fields, "content-disposition")]
        disposition = (
            dispositions[min(self.variant, len(dispositions) - 1)] if dispositions else None
        )
        names = every_value(
            [n for d in dispositions for n in param_values(d.params, "filename")]
            + param_values(ctype.params, "name")
        ) or [""]  # filename-every-source
        ctes = transfer.candidates(values(fields, "content-transfer-encoding")) or ["7bit"]
        if len(names) > 1 or len(ctes) > 1 or names[0] != (strict.get_filename() or ""):
            self.differs = True
        if ctype.token in _MESSAGE_TYPES:
            name = self.pick(names)
            here = f"attachment:{name}" if name else (where or "body")
            data = self._decoded(self.pick(ctes), body, raw, strict, here)
            if data != body:  # message-transfer-encoded: the strict parser reads the encoding
                self.differs = True
            inner = self.entity(data, here, depth + 1)
            return _leaf_headers("message/rfc822", ctype, disposition, name) + b"\r\n" + inner
        leaves = []
        for cte in ctes[:MAX_LEAF_READINGS]:  # cte-every-value: each decoding side by side
            here = f"attachment:{names[0]}" if names[0] else (where or "body")
            encoded = base64.encodebytes(self._decoded(cte, body, raw, strict, here))
            for name in names[:MAX_LEAF_READINGS]:
                headers = _leaf_headers(ctype.token, ctype, disposition, name)
                leaves.append(
                    headers
                    + b"Content-Transfer-Encoding: base64\r\n\r\n"
                    + encoded.replace(b"\n", b"\r\n")
                )
        return leaves[0] if len(leaves) == 1 else _side_by_side(leaves, depth)

    def _decoded(self, cte: str, body: bytes, raw: bytes, strict: Message, where: str) -> bytes:
        strict_cte = str(strict.get("content-transfer-encoding", "")).lower()
        if cte != strict_cte and not (cte == "7bit" and strict_cte in transfer.IDENTITY):
            self.differs = True
        if not transfer.is_known(cte):
            self.notes.append(Unscannable(where, f"unknown transfer encoding {cte!r}"))
            return body
        try:
            data = transfer.decode(body, cte)
        except ValueError as exc:
            self.notes.append(Unscannable(where, f"{cte} content does not decode ({exc})"))
            return body
        if cte not in transfer.IDENTITY and not self.differs:
            whole = email.message_from_bytes(raw, policy=POLICY)
            if not whole.is_multipart() and whole.get_payload(decode=True) != data:
                self.differs = True
        return data


def _side_by_side(leaves: list[bytes], depth: int) -> bytes:
    """Readings of one leaf as parts of a multipart/mixed, so the walk reads each."""
    token = hashlib.sha256(b"".join(leaves)).hexdigest()[:16]
    fresh = f"=_dlp_leaf_{depth}_{token}".encode()
    out = [b'Content-Type: multipart/mixed; boundary="' + fresh + b'"\r\n\r\n']
    out += [b"--" + fresh + b"\r\n" + leaf + b"\r\n" for leaf in leaves]
    return b"".join([*out, b"--" + fresh + b"--\r\n"])


def _looks_multipart(ctype: Structured, body: bytes) -> bool:
    """An unknown type (`x-multipart/mixed`) whose boundary is in the body: read it as multipart."""
    known = ("text/", "multipart/", "message/", "application/", "image/", "audio/", "video/")
    if ctype.token.startswith(known):
        return False
    return any(_delimiter(b).search(body) for b in _boundary_candidates(ctype))


def _as_multipart(ctype: Structured) -> Structured:
    return Structured("multipart/mixed", ctype.params)


def _boundary_candidates(ctype: Structured) -> list[str]:
    """multipart-every-boundary: every value, as written and with spaces or quotes trimmed."""
    out: list[str] = []
    for value in param_values(ctype.params, "boundary"):
        out.extend((value, value.strip(), value.strip().strip("'\"")))
    return every_value([v for v in out if v])


def _delimiter(boundary: str) -> re.Pattern[bytes]:
    encoded = boundary.encode("utf-8", "surrogateescape")
    return re.compile(rb"^--" + re.escape(encoded) + rb"(--)?[ \t]*\r?$", re.M)


def split_multipart(
    body: bytes, boundary: str, limit: int = MAX_PARTS + 1
) -> tuple[list[bytes], bool, bytes]:
    """The parts between delimiter lines, whether parts follow the close, and the epilogue.

    The preamble is dropped and no close is needed; multipart-past-close: a
    delimiter after the close starts a part again, since some clients read on.
    """
    parts: list[bytes] = []
    start = None
    closed = reopened = False
    epilogue = b""
    for match in _delimiter(boundary).finditer(body):
        if len(parts) >= limit:
            return parts, reopened, b""
        if start is not None:
            chunk = body[start : match.start()]
            parts.append(chunk[:-2] if chunk.endswith(b"\r\n") else chunk.removesuffix(b"\n"))
        if match.group(1):
            if not closed:
                epilogue = body[match.end() :]
            start = None
            closed = True
            continue
        reopened = reopened or closed
        start = match.end() + (2 if body[match.end() : match.end() + 2] == b"\r\n" else 1)
    if start is not None:
        parts.append(body[start:])
    return parts, reopened, epilogue


def _kept_headers(fields: list[Field]) -> bytes:
    """Every header but the MIME ones, one line each (header-space-before-colon normalised)."""
    lines = [
        f"{f.name}: {f.value}\r\n"
        for f in fields
        if not f.name.startswith("content-") and f.name != "mime-version"
    ]
    return "".join(lines).encode("utf-8", "surrogateescape")


def _param(name: str, value: str) -> str:
    if value.isascii() and value.isprintable():
        return f'; {name}="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"; {name}*=utf-8''" + quote(value, safe="")


def _leaf_headers(
    token: str, ctype: Structured, disposition: Structured | None, name: str
) -> bytes:
    line = f"Content-Type: {token}"
    charsets = param_values(ctype.params, "charset")
    if charsets:
        line += _param("charset", charsets[0])
    if name:
        line += _param("name", name)
    out = line + "\r\n"
    if disposition is not None or name:
        kind = disposition.token if disposition is not None and disposition.token else "attachment"
        out += f"Content-Disposition: {kind}" + (_param("filename", name) if name else "") + "\r\n"
    return out.encode("utf-8", "surrogateescape")
