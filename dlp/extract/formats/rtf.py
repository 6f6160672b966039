"""Rich Text Format with striprtf (BSD, pure Python, no external processes).

RTF is 7-bit text with escapes for everything else; bytes are read as cp1252,
the code page Word writes (`\\ansicpg1252`), and striprtf decodes the `\\'xx`
and `\\u` escapes.  Embedded pictures and objects are skipped as binary.
"""

from __future__ import annotations

from collections.abc import Iterator

from striprtf.striprtf import rtf_to_text

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.registry import register
from dlp.model import TextChunk


class RtfExtractor:
    name = "RTF document"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip().startswith(b"{\\rtf")

    def accepts(self, blob: Blob) -> bool:
        return blob.extension == "rtf" or blob.content_type in ("application/rtf", "text/rtf")

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        source = blob.data.decode("cp1252", errors="replace")
        if not source.lstrip().startswith("{\\rtf"):
            raise UnscannableError("corrupt or unreadable RTF document")
        ctx.check_time()
        text = rtf_to_text(source, errors="replace")
        ctx.check_time()
        if text.strip():
            yield TextChunk(blob.where, text)


register(RtfExtractor())
