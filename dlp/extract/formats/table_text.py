"""CSV and TSV attachments, read as tables (headers are context for their cells)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item
from dlp.extract.decode import decode_text
from dlp.extract.registry import register
from dlp.extract.table import table_chunk

csv.field_size_limit(10_000_000)


class DelimitedExtractor:
    name = "CSV"

    def sniff(self, head: bytes) -> bool:
        return False  # CSV has no magic; decided by declared type or name

    def accepts(self, blob: Blob) -> bool:
        return blob.content_type in (
            "text/csv",
            "text/tab-separated-values",
            "application/csv",
            "text/comma-separated-values",
        ) or blob.extension in ("csv", "tsv", "tab")

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        text = decode_text(blob.data)
        delimiter = "\t" if blob.extension in ("tsv", "tab") or _mostly_tabs(text) else ","
        if delimiter == ",":
            try:
                delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        yield table_chunk(blob.where, rows)


def _mostly_tabs(text: str) -> bool:
    head = text[:4096]
    return head.count("\t") > head.count(",")


register(DelimitedExtractor())
