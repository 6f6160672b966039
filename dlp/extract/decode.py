"""Bytes → str for text whose charset is declared wrongly or not at all."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode with the declared charset when it works, else detect; lines end in LF."""
    return _decode(data, declared).replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, declared: str | None) -> str:
    """Decode with the declared charset when it works, else detect; never raises."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    for charset in (declared, "utf-8"):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("cp1252", errors="replace")


def looks_like_text(head: bytes) -> bool:
    """True for bytes a person would call text: no NULs, few control characters."""
    if not head:
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) < 0.02
