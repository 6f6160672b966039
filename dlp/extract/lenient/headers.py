"""Header blocks read the forgiving way: every reading a major client might take.

Each function names the rule (see `rules.py`) it applies.  Values come back as
lists of candidates, most client-preferred first, so the caller can read the
part once per candidate instead of betting on one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import decode_header, make_header
from urllib.parse import unquote_to_bytes

# header-space-before-colon: `Content-Type : text/plain` is still a header
_FIELD = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$", re.S)
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_BLANK_LINE = re.compile(rb"(?:^|\n)\r?\n")
_SECTION = re.compile(r"^(.*?)\*(\d+)(\*?)$")


@dataclass(frozen=True)
class Field:
    name: str  # lower case (header-case)
    value: str  # unfolded and trimmed (header-unfold-trim), comments kept


def split_entity(raw: bytes) -> tuple[list[Field], bytes]:
    """Header fields and body of one MIME entity; the body starts at the first empty line."""
    fields: list[tuple[bytes, bytes]] = []
    blank = _BLANK_LINE.search(raw)
    lines = raw[: blank.end() if blank else len(raw)].splitlines(keepends=True)
    at = 0
    if lines and lines[0].startswith(b"From "):  # mbox separator
        at = 1
    offset = sum(len(line) for line in lines[:at])
    while at < len(lines):
        line = lines[at]
        bare = line.rstrip(b"\r\n")
        if not bare:
            offset += len(line)
            break
        match = _FIELD.match(bare)
        if bare[:1] in b" \t" and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + b" " + bare.strip())
        elif match:
            fields.append((match.group(1), match.group(2)))
        else:
            break  # not a header: the body starts here, as in the strict parser
        offset += len(line)
        at += 1
    out = [Field(_text(name).lower(), " ".join(_text(value).split())) for name, value in fields]
    return out, raw[offset:]


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def values(fields: list[Field], name: str) -> list[str]:
    """Every copy of a header (header-duplicates), in message order."""
    return [f.value for f in fields if f.name == name]


def drop_comments(value: str) -> str:
    """header-comments: remove (nested) RFC 822 comments outside quoted strings."""
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
            if not depth:
                out.append(ch)
            continue
        if ch == "\\" and (quoted or depth):
            escaped = True
            if not depth:
                out.append(ch)
        elif ch == '"' and not depth:
            quoted = not quoted
            out.append(ch)
        elif ch == "(" and not quoted:
            depth += 1
        elif ch == ")" and depth and not quoted:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _split_params(value: str) -> list[str]:
    """Split on `;` outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


@dataclass(frozen=True)
class Structured:
    """A Content-Type or Content-Disposition: the token and its raw parameters."""

    token: str  # e.g. "multipart/mixed", "attachment" (lower case, no spaces)
    params: tuple[tuple[str, str], ...]  # (lower-case name, raw value), in order, repeats kept


def structured(value: str) -> Structured:
    """Parse `token; a=b; c*=...` leniently (header-comments, header-case)."""
    pieces = _split_params(drop_comments(value).lstrip(":"))
    token = "".join(pieces[0].split()).lower() if pieces else ""
    token = token.replace("\\", "").strip("\"'")  # `"multipart/mixed"`, `multi\part/mixed`
    params: list[tuple[str, str]] = []
    for piece in pieces[1:]:
        name, eq, raw = piece.partition("=")
        if eq and name.strip():
            params.append(("".join(name.split()).lower(), raw.strip()))
    return Structured(token, tuple(params))


def _decode_2231(value: str, with_charset: bool) -> list[str]:
    """param-rfc2231: charset'lang'%XX value, any charset Python knows (UTF-16 too)."""
    value = _unquote(value)
    charset = ""
    if with_charset and value.count("'") >= 2:
        charset, _, rest = value.split("'", 2)
        value = rest
    data = unquote_to_bytes(value)
    out = []
    for codec in (charset, "utf-8", "latin-1"):
        if not codec:
            continue
        try:
            text = data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
        out.append(text)
        break
    if charset.lower().startswith("utf-16"):  # no BOM: try both byte orders
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                out.append(data.decode(codec))
            except UnicodeDecodeError:
                continue
    return out


def param_values(params: tuple[tuple[str, str], ...], base: str) -> list[str]:
    """Every value a client might take for a parameter (param-every-value), 2231 first."""
    found: list[str] = []
    sections: dict[int, list[tuple[str, bool]]] = {}
    for name, raw in params:
        if name == f"{base}*":
            found.extend(_decode_2231(raw, with_charset=True))
            continue
        section = _SECTION.match(name)
        if section and section.group(1) == base:
            sections.setdefault(int(section.group(2)), []).append((raw, bool(section.group(3))))
    if sections:
        found.extend(_joined_sections(sections))
    for name, raw in params:
        if name == base:
            plain = _unquote(raw)
            if _ENCODED_WORD.search(plain):  # param-rfc2047: every major client decodes it
                with contextlib.suppress(ValueError, LookupError, UnicodeDecodeError):
                    plain = str(make_header(decode_header(plain)))
            found.append(plain)
    return _unique(v for v in found if v)


def _joined_sections(sections: dict[int, list[tuple[str, bool]]]) -> list[str]:
    """`x*0*=...; x*1*=...`: the first and the last copy of each section, joined."""
    out = []
    for pick in (0, -1):
        pieces = [sections[i][pick] for i in sorted(sections)]
        charset = ""
        first_raw, first_encoded = pieces[0]
        if first_encoded and _unquote(first_raw).count("'") >= 2:
            charset = _unquote(first_raw).split("'", 2)[0]
        joined = "".join(_unquote(raw) for raw, _ in pieces)
        if any(enc for _, enc in pieces):
            text = _decode_2231(joined, with_charset=True) if first_encoded else []
            if not text:
                text = _decode_2231(f"{charset}''{joined}", with_charset=True)
            out.extend(text)
        else:
            out.append(joined)
    return out


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def every_value(items: list[str]) -> list[str]:
    """Distinct values, order kept."""
    return _unique(items)
