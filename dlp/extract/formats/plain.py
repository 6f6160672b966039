"""Plain text: any blob that decodes as text and no other extractor claimed."""

from __future__ import annotations

from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item
from dlp.extract.decode import decode_text, looks_like_text
from dlp.extract.registry import register
from dlp.extract.table import relabel_text_tables
from dlp.model import NotInspected, TextChunk

_TEXT_TYPES = ("text/", "application/json", "application/xml", "message/delivery-status")


class PlainTextExtractor:
    name = "text"

    def sniff(self, head: bytes) -> bool:
        return False

    def accepts(self, blob: Blob) -> bool:
        declared = blob.content_type.startswith(_TEXT_TYPES) or blob.extension in (
            "txt", "text", "log", "md", "json", "xml", "ics", "vcf",
        )  # fmt: skip
        return declared or (
            blob.content_type in ("", "application/octet-stream")
            and looks_like_text(blob.data[:4096])
        )

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        if not looks_like_text(blob.data[:4096]):
            yield NotInspected(blob.where, "binary data declared as text")
            return
        yield TextChunk(blob.where, relabel_text_tables(decode_text(blob.data)))


register(PlainTextExtractor())
