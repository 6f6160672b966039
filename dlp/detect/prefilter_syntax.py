"""A Presidio (Python `regex`) pattern → a Hyperscan pattern that matches at least as often.

The prefilter scans a one-byte-per-character view of the text: ASCII stays
itself and every other character becomes the byte 0xFF, a wildcard.  So that
the Hyperscan pattern matches wherever the Python one can, each construct
that could match a non-ASCII character is widened to match 0xFF as well:
`\\w`, `\\d`, `\\s`, Unicode properties, classes holding non-ASCII letters,
negated classes, and non-ASCII literals themselves.  Lookarounds and back
references are left to Hyperscan's prefilter mode, which widens them.  One
character, one byte: offsets in the view are offsets in the text.

Why hand-written: no library translates between the two dialects, and the
translation must only ever widen.  Anything this module does not know how to
widen raises `Untranslatable`, and that pattern runs in Python alone.
"""

from __future__ import annotations

import re

# What every non-ASCII character of the text becomes in the view.  Any byte above ASCII
# would do; with 0x80 in a class beside digits ("[\d\x80]{3}[ .-]...", a phone number)
# Hyperscan scanned at 30 MB/s, with 0xFF at 200 MB/s.
WILD_BYTE = 0xFF
WILD = rf"\x{WILD_BYTE:02x}"
# Non-ASCII characters that case-insensitive Python matching equates with ASCII letters
# (checked against the regex module in the tests): text holding one is read in full.
FOLDS_TO_ASCII = "\u0130\u017f\u212a"  # İ ſ K (Kelvin)
_PROPERTIES = {  # \p{X} as ASCII ranges plus the wildcard; anything else matches any byte
    "l": "A-Za-z", "letter": "A-Za-z", "lu": "A-Z", "uppercase_letter": "A-Z",
    "ll": "a-z", "lowercase_letter": "a-z", "n": "0-9", "nd": "0-9", "number": "0-9",
    "decimal_number": "0-9",
}  # fmt: skip
_ANY = r"\x00-\xff"
_GROUP = re.compile(
    r"\(\?(?:[:=!>]|<[=!]|P?<[A-Za-z_]\w*>|P=[A-Za-z_]\w*\)|#[^)]*\)|[ims]*(?:-[ims]+)?[:)])"
)
_COUNT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_HEX = {"x": 2, "u": 4, "U": 8}
_KEEP_ESCAPES = set("bBAZntrfa")  # same meaning in both dialects (outside a class)
_CLASS_ESCAPES = {"d": True, "w": True, "s": True, "D": False, "W": False, "S": False}


class Untranslatable(ValueError):
    """The pattern uses a construct this translation cannot widen safely."""


def to_hyperscan(pattern: str) -> tuple[str, bool]:
    """The widened, ASCII-only Hyperscan source of a Python `regex` pattern, and whether its
    match ends are the Python pattern's (False when an edge lookaround became text).

    Hyperscan's prefilter mode drops lookarounds, so "a name followed by a
    title" would hit on every capitalised pair.  A lookbehind that opens the
    pattern, or a lookahead that closes it, is kept as ordinary text instead:
    a match in Python means that text is there, right before or after it.
    """
    if any(ch in pattern for ch in FOLDS_TO_ASCII):
        raise Untranslatable("a character that case-folds to ASCII (İ, ſ or the Kelvin sign)")
    out: list[str] = []
    opened: list[int] = []  # indexes in `out` of the groups still open
    exact = True
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            text, i = _escape(pattern, i)
        elif ch == "[":
            text, i = _char_class(pattern, i)
        elif ch == "(":
            m = _GROUP.match(pattern, i) if pattern.startswith("(?", i) else None
            if pattern.startswith("(?", i) and (m is None or "x" in m.group()):
                raise Untranslatable(f"group syntax {pattern[i : i + 6]!r}")
            opened.append(len(out))
            text, i = (m.group(), m.end()) if m else ("(", i + 1)
        elif ch == ")" and opened:
            start = opened.pop()
            if (out[start] == "(?<=" and start == 0) or (
                out[start] == "(?=" and i == len(pattern) - 1 and not opened
            ):
                out[start], exact = "(?:", False
            text, i = ")", i + 1
        elif ch == "{":
            text, i = _count(pattern, i)
        else:
            text, i = (ch if ch.isascii() else WILD), i + 1
        out.append(text)
    return "".join(out), exact


def _count(pattern: str, i: int) -> tuple[str, int]:
    m = _COUNT.match(pattern, i)
    if m is None or not (m.group(1) or m.group(3)):
        raise Untranslatable(f"'{{' that is not a repeat count at {i}")
    low, comma, high = m.groups()
    return "{" + (low or "0") + comma + high + "}", m.end()


def _code_point(pattern: str, i: int) -> tuple[int, int] | None:
    """A character given by escape at pattern[i] == '\\' (hex, octal), or None."""
    kind = pattern[i + 1 : i + 2]
    if kind in _HEX:
        if pattern.startswith("{", i + 2):
            end = pattern.find("}", i + 3)
            digits, after = pattern[i + 3 : end], end + 1
        else:
            digits, after = pattern[i + 2 : i + 2 + _HEX[kind]], i + 2 + _HEX[kind]
        if end_ok := re.fullmatch(r"[0-9A-Fa-f]+", digits or "-"):
            return int(end_ok.group(), 16), after
        raise Untranslatable(f"escape {pattern[i : i + 4]!r}")
    octal = re.compile(r"0[0-7]{0,2}|[0-7]{3}").match(pattern, i + 1)
    if octal:
        return int(octal.group(), 8), octal.end()
    return None


def _char(cp: int) -> str:
    return f"\\x{cp:02x}" if cp < 0x80 else WILD


def _property(pattern: str, i: int) -> tuple[str, int]:
    """\\p{X} / \\P{X} at i → ASCII ranges (with the wildcard) for a class body."""
    negated = pattern[i + 1] == "P"
    if pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        if end < 0:
            raise Untranslatable("unclosed \\p{")
        name, after = pattern[i + 3 : end], end + 1
    else:
        name, after = pattern[i + 2 : i + 3], i + 3
    name = name.lower().replace(" ", "_")
    ranges = _PROPERTIES.get(name.removeprefix("is"))
    if negated or name.startswith("^") or ranges is None:
        return _ANY, after
    return ranges + WILD, after


def _escape(pattern: str, i: int) -> tuple[str, int]:
    """One escape outside a character class."""
    kind = pattern[i + 1 : i + 2]
    if not kind:
        raise Untranslatable("trailing backslash")
    if kind in _CLASS_ESCAPES:
        return (f"[\\{kind}{WILD}]" if _CLASS_ESCAPES[kind] else f"\\{kind}"), i + 2
    if kind in "pP":
        body, after = _property(pattern, i)
        return f"[{body}]", after
    if kind in _KEEP_ESCAPES:
        return pattern[i : i + 2], i + 2
    if kind == "v":
        return r"\x0b", i + 2
    char = _code_point(pattern, i)
    if char is not None:
        return _char(char[0]), char[1]
    backref = re.compile(r"[1-9]\d?").match(pattern, i + 1)
    if backref:
        return f"\\{backref.group()}", backref.end()
    if not kind.isascii():
        return WILD, i + 2
    if kind.isalnum() or kind == "_":
        raise Untranslatable(f"escape \\{kind}")
    return pattern[i : i + 2], i + 2


def _class_item(pattern: str, i: int) -> tuple[int | None, str, int]:
    """One member of a class at i: (code point or None for a set, its source, next index)."""
    ch = pattern[i]
    if ch == "[" and pattern.startswith("[:", i):
        end = pattern.find(":]", i + 2)
        if end < 0:
            raise Untranslatable("unclosed [: in a class")
        return None, pattern[i : end + 2] + WILD, end + 2
    if ch != "\\":
        return ord(ch), (("\\" + ch if ch in "[]^-" else ch) if ch.isascii() else ""), i + 1
    kind = pattern[i + 1 : i + 2]
    if kind in _CLASS_ESCAPES:
        return None, f"\\{kind}" + (WILD if _CLASS_ESCAPES[kind] else ""), i + 2
    if kind in "pP":
        body, after = _property(pattern, i)
        return None, body, after
    if kind == "b":
        return 8, r"\x08", i + 2
    if kind == "v":
        return 11, r"\x0b", i + 2
    if kind in "ntrfa":
        return (
            ord({"n": "\n", "t": "\t", "r": "\r", "f": "\f", "a": "\a"}[kind]),
            "\\" + kind,
            i + 2,
        )
    char = _code_point(pattern, i)
    if char is not None:
        return char[0], (_char(char[0]) if char[0] < 0x80 else ""), char[1]
    if not kind or (kind.isascii() and (kind.isalnum() or kind == "_")):
        raise Untranslatable(f"escape \\{kind} in a class")
    return ord(kind), (pattern[i : i + 2] if kind.isascii() else ""), i + 2


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """[...] → an ASCII class that also matches the wildcard wherever Python's could."""
    j = i + 1
    negated = pattern.startswith("^", j)
    j += negated
    parts: list[str] = []
    wild = False
    first = True
    while True:
        if j >= len(pattern):
            raise Untranslatable("unclosed [")
        if pattern[j] == "]" and not first:
            j += 1
            break
        first = False
        low, text, j = _class_item(pattern, j)
        if low is not None and pattern.startswith("-", j) and not pattern.startswith("-]", j):
            high, high_text, j = _class_item(pattern, j + 1)
            if high is None:
                raise Untranslatable("a range ending in a set")
            if high >= 0x80:
                wild = True
                text = f"{text}-\\x7f" if low < 0x80 else ""
            else:
                text = f"{text}-{high_text}"
        elif low is not None and low >= 0x80:
            wild = True
        parts.append(text)
    body = "".join(parts)
    if negated:  # Python's [^...] may match any non-ASCII character: keep the wildcard in
        return (f"(?:[^{body}]|{WILD})" if body else f"[{_ANY}]"), j
    if wild and WILD not in body:
        body += WILD
    if not body:
        raise Untranslatable("an empty class")
    return f"[{body}]", j
