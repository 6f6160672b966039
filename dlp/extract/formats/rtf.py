"""Rich Text Format, read by walking its groups (hand-written; see below why).

striprtf, the small maintained reader, hard-codes a list of destinations it
drops, and that list holds headers, footers, footnotes, comments
(annotations), text boxes (shape text) and the document's properties, all
places where a record can sit; it also leaves UTF-16 surrogate halves
unpaired.  No maintained permissive library reads those parts as text
(rtfparse decapsulates HTML only; unrtf is a GPL program), so the group walk
is done here: it is small because RTF is: control words, groups, escapes.

Everything that is text to a reader is kept: the body, headers and footers of
every kind, footnotes and endnotes, annotations, shape text, field results,
and the document information (title, subject, author, keywords, comments).
Formatting tables, pictures, binary object data and field codes are skipped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.registry import register
from dlp.model import TextChunk

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, its argument
    rb"|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])"  # hex byte, control symbol
    rb"|([{}])|([^\\{}\r\n]+)|[\r\n]+"  # group, plain text, line ends (not text)
)
# Destinations with no text a reader sees (formatting tables, binary data, codes).
_SKIPPED = {
    b"fonttbl", b"colortbl", b"stylesheet", b"listtable", b"listoverridetable", b"rsidtbl",
    b"generator", b"pict", b"themedata", b"colorschememapping", b"datastore", b"latentstyles",
    b"xmlnstbl", b"mmathPr", b"objdata", b"fldinst", b"bkmkstart", b"bkmkend", b"sp",
    b"creatim", b"revtim", b"printim", b"buptim", b"filetbl", b"revtbl", b"pgdsctbl",
    b"wgrffmtfilter", b"atnid", b"atnauthor", b"atndate", b"atnref", b"protusertbl",
    b"pnseclvl", b"listtext", b"passwordhash", b"shppict", b"nonshppict", b"blipuid",
}  # fmt: skip
# Destinations marked optional (\*) that still hold text a person wrote.
_OPTIONAL_TEXT = {b"annotation", b"shpinst", b"shptxt", b"userprops", b"company",
                  b"manager", b"category", b"footnote", b"fldrslt"}  # fmt: skip
_BREAKS = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"row": "\n",
           b"cell": "\t", b"tab": "\t", b"emdash": "\u2014", b"endash": "\u2013",
           b"lquote": "\u2018", b"rquote": "\u2019", b"ldblquote": "\u201c",
           b"rdblquote": "\u201d", b"bullet": "\u2022", b"emspace": " ", b"enspace": " ",
           b"qmspace": " ", b"~": "\u00a0", b"_": "-"}  # fmt: skip
# Groups that start a separate story: set off from the text around them.
_STORIES = {b"header", b"headerl", b"headerr", b"headerf", b"footer", b"footerl", b"footerr",
            b"footerf", b"footnote", b"annotation", b"shptxt", b"title", b"subject",
            b"author", b"keywords", b"doccomm", b"operator", b"company", b"manager",
            b"category"}  # fmt: skip
MAX_DEPTH = 500  # real documents nest tens of groups


@dataclass(frozen=True)
class _Group:
    skip: bool = False
    uc: int = 1  # characters of fallback after a \u escape
    optional: bool = False  # just opened with \*: an unknown destination is skipped
    codepage: str = ""  # of the current font (\fcharset), else the document's


class _Walker:
    def __init__(self, codepage: str, fonts: dict[bytes, str]) -> None:
        self.out: list[str] = []
        self.pending = bytearray()  # \'hh bytes, decoded together (multi-byte code pages)
        self.codepage = self.default = codepage
        self.fonts = fonts
        self.high = 0  # a high surrogate waiting for its low half
        self.fallback = 0  # characters still to drop after a \u escape

    def flush(self) -> None:
        if self.pending:
            self.out.append(bytes(self.pending).decode(self.codepage, errors="replace"))
            self.pending.clear()

    def text(self, value: str) -> None:
        self.flush()
        if self.high:
            self.out.append("\ufffd")
            self.high = 0
        self.out.append(value)

    def unicode(self, code: int) -> None:
        code = code + 65536 if code < 0 else code
        self.flush()
        if 0xD800 <= code < 0xDC00:
            self.high = code
            return
        if 0xDC00 <= code < 0xE000:
            pair = 0x10000 + ((self.high - 0xD800) << 10) + (code - 0xDC00) if self.high else 0
            self.out.append(chr(pair) if pair else "\ufffd")
            self.high = 0
            return
        self.text(chr(code))


# \fcharset → code page, for fonts that say their script (Cyrillic, Central European...)
_CHARSETS = {128: "cp932", 129: "cp949", 134: "gbk", 136: "cp950", 161: "cp1253",
             162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
             204: "cp1251", 222: "cp874", 238: "cp1250"}  # fmt: skip
_FONT = re.compile(rb"\{\\f(\d+)(?:\\[a-z]+-?\d* ?)*?\\fcharset(\d+)")


def _font_codepages(data: bytes) -> dict[bytes, str]:
    """Font number → code page, from the font table's \fcharset entries."""
    table = data[:65536]  # the font table comes first; body groups never say \fcharset
    return {
        number: _CHARSETS[int(charset)]
        for number, charset in _FONT.findall(table)
        if int(charset) in _CHARSETS
    }


def rtf_text(data: bytes, ctx: Context) -> str:
    """The text of an RTF document, every story included."""
    match = re.search(rb"\\ansicpg(\d+)", data[:2048])
    codepage = f"cp{match.group(1).decode()}" if match else "cp1252"
    try:
        codecs.lookup(codepage)
    except LookupError:
        codepage = "cp1252"
    walker = _Walker(codepage, _font_codepages(data))
    stack: list[_Group] = []
    group = _Group()
    pos = 0
    for count, token in enumerate(_TOKEN.finditer(data)):
        if count % 20000 == 0:
            ctx.check_time()
        if token.start() < pos:
            continue  # inside \bin data already skipped
        word, arg, hexbyte, symbol, brace, plain = token.groups()
        if brace == b"{":
            if len(stack) >= MAX_DEPTH:
                raise UnscannableError("RTF document nested too deeply")
            stack.append(group)
            group = replace(group, optional=False)
        elif brace == b"}":
            group = stack.pop() if stack else _Group()
            walker.text("")
        elif group.skip:
            if word == b"bin" and arg:
                pos = token.end() + max(0, int(arg))
        elif word is not None:
            group = _control(walker, group, word, arg)
            if word == b"bin" and arg:
                pos = token.end() + max(0, int(arg))
        elif hexbyte is not None:
            if walker.fallback:
                walker.fallback -= 1
            else:
                codepage = group.codepage or walker.default
                if codepage != walker.codepage:
                    walker.flush()
                    walker.codepage = codepage
                walker.pending.append(int(hexbyte, 16))
        elif symbol is not None:
            if symbol == b"*":
                group = replace(group, optional=True)
            elif symbol in _BREAKS:
                walker.text(_BREAKS[symbol])
            elif symbol in b"\\{}":
                walker.text(symbol.decode())
        elif plain is not None:
            value = plain.decode(group.codepage or walker.default, errors="replace")
            if walker.fallback:
                dropped = min(walker.fallback, len(value))
                value, walker.fallback = value[dropped:], walker.fallback - dropped
            if value:
                walker.text(value)
    walker.flush()
    return "".join(walker.out)


def _control(walker: _Walker, group: _Group, word: bytes, arg: bytes | None) -> _Group:
    """Apply one control word; returns the (possibly changed) current group state."""
    if word in _SKIPPED or (group.optional and word not in _OPTIONAL_TEXT):
        return replace(group, skip=True)
    if word == b"f" and arg is not None:
        return replace(group, codepage=walker.fonts.get(arg, ""), optional=False)
    if word == b"uc" and arg is not None:
        return replace(group, uc=max(0, int(arg)), optional=False)
    if word == b"u" and arg is not None:
        walker.unicode(int(arg))
        walker.fallback = group.uc
    elif word in _BREAKS:
        walker.text(_BREAKS[word])
    elif word in _STORIES:
        walker.text("\n")
    return replace(group, optional=False)


class RtfExtractor:
    name = "RTF document"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip().startswith(b"{\\rtf")

    def accepts(self, blob: Blob) -> bool:
        return blob.extension == "rtf" or blob.content_type in ("application/rtf", "text/rtf")

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        if not blob.data.lstrip().startswith(b"{\\rtf"):
            raise UnscannableError("corrupt or unreadable RTF document")
        text = rtf_text(blob.data, ctx)
        text = re.sub(r"[ \t]*\n\s*\n+", "\n", text)
        if text.strip():
            yield TextChunk(blob.where, text)


register(RtfExtractor())
