"""Text in legacy Excel (BIFF8) records that xlrd does not read.

xlrd reads cell values; a record can also sit in a text box or a cell
comment (TXO records, text in the CONTINUE record after them), in the print
header or footer (HEADER/FOOTER), or in a chart's titles and labels
(SeriesText).  Those records are walked directly in the Workbook stream
(MS-XLS 2.4.329 TxO, 2.4.136 Header, 2.4.252 SeriesText): a short loop, since
no maintained library reads them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item
from dlp.extract.registry import register
from dlp.model import TextChunk

_TXO, _CONTINUE, _HEADER, _FOOTER, _SERIES_TEXT = 0x01B6, 0x003C, 0x0014, 0x0015, 0x100D


def _chars(data: bytes, count: int) -> str:
    """An XLUnicodeString body: a flag byte (1 = UTF-16), then `count` characters."""
    if not data:
        return ""
    if data[0] & 0x01:
        return data[1 : 1 + 2 * count].decode("utf-16-le", errors="replace")
    return data[1 : 1 + count].decode("cp1252", errors="replace")


def has_worksheet(stream: bytes) -> bool:
    """True when a BIFF8 stream holds a worksheet (not only charts): cells to read."""
    pos = 0
    while pos + 8 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        if kind == 0x0809 and struct.unpack_from("<H", stream, pos + 6)[0] == 0x0010:
            return True
        pos += 4 + size
    return False


def biff_text(stream: bytes) -> str:
    """Text boxes, comments, print headers/footers and chart text of a BIFF8 stream."""
    lines: list[str] = []
    pos, pending_txo = 0, 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _TXO and len(body) >= 12:
            pending_txo = struct.unpack_from("<H", body, 10)[0]
        elif kind == _CONTINUE and pending_txo:
            lines.append(_chars(body, pending_txo))
            pending_txo = 0
        elif kind in (_HEADER, _FOOTER) and len(body) >= 3:
            count = struct.unpack_from("<H", body, 0)[0]
            lines.append(_chars(body[2:], count))
        elif kind == _SERIES_TEXT and len(body) >= 4:
            lines.append(_chars(body[3:], body[2]))
        elif kind != _CONTINUE:
            pending_txo = 0
    text = "\n".join(line.strip() for line in lines if line.strip())
    return text.replace("&L", " ").replace("&C", " ").replace("&R", " ")


class OldExcelExtractor:
    """Excel 2.x-4.0 workbooks: a bare BIFF stream, not in an OLE file (xlrd reads them)."""

    name = "Excel workbook (BIFF2-4)"

    def sniff(self, head: bytes) -> bool:
        # a BOF record (BIFF2 0x0009, BIFF3 0x0209, BIFF4 0x0409), its length, then the kind
        # of substream
        return head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04") and head[2:4] in (
            b"\x04\x00", b"\x06\x00",
        ) and head[6:8] in (b"\x10\x00", b"\x20\x00", b"\x40\x00", b"\x00\x01")  # fmt: skip

    def accepts(self, blob: Blob) -> bool:
        return False  # .xls names go to the OLE reader; this format is told by content only

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        from dlp.extract.formats.excel import read_xls  # xlrd loads with the first workbook

        yield from read_xls(blob, ctx)
        extra = biff_text(blob.data)
        if extra:
            yield TextChunk(f"{blob.where}#objects", extra)


register(OldExcelExtractor())
