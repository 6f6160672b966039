"""A message saved as a file (.eml, or mail sent as application/octet-stream)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item
from dlp.extract.registry import register

_HEADER = re.compile(
    rb"^(?:Return-Path|Received|From|To|Subject|Date|Message-ID|MIME-Version|Delivered-To"
    rb"|X-[\w-]+):[ \t]",
    re.I,
)


class EmailFileExtractor:
    name = "attached mail"

    def sniff(self, head: bytes) -> bool:
        lines = head.lstrip().split(b"\n", 3)[:3]
        return len(lines) >= 2 and all(
            _HEADER.match(line) or line[:1] in b" \t" for line in lines[:2]
        )

    def accepts(self, blob: Blob) -> bool:
        return blob.extension in ("eml", "mht", "mhtml") or blob.content_type in (
            "message/rfc822", "message/global", "multipart/related",
        )  # fmt: skip

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        from dlp.extract.mime import walk_attached  # the walker imports this package

        before = ctx.budget.text_chars
        results = walk_attached(blob.data, blob.where, ctx.nested())
        # the inner walk counted its text; the registry counts it again as it passes
        ctx.budget.text_chars = before
        yield from results


register(EmailFileExtractor())
