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


_CONTROL_OK = frozenset(b"\t\n\r\f\v\x1b")  # ESC: ISO-2022-JP text is full of it


def _control_share(text: str) -> float:
    bad = sum(1 for c in text if (ord(c) < 32 and ord(c) not in _CONTROL_OK) or c == "\ufffd")
    return bad / max(len(text), 1)


def decodes_to_binary(data: bytes, declared: str | None = None) -> bool:
    """True when bytes that claim to be text are binary noise (in any UTF-16/32 reading too).

    A text part whose transfer encoding was undone and left this is a part that
    was encoded some other way than it says: it must not pass as read.
    """
    head = data[:4096]
    if not head:
        return False
    charset = (declared or "").lower()
    if charset.startswith(("utf-16", "utf-32", "ucs")) or head.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        return _control_share(decode_text(head, declared)) > 0.05
    controls = sum(1 for b in head if (b < 32 and b not in _CONTROL_OK) or b == 0x7F)
    if controls / len(head) <= 0.05:
        return False
    if head.count(0) > len(head) // 4:  # undeclared UTF-16 text is half NULs
        for codec in ("utf-16-le", "utf-16-be"):
            if _control_share(head.decode(codec, errors="replace")) <= 0.05:
                return False
    return True
