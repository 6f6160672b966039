"""HTML → text with inscriptis, which keeps table rows on one line each."""

from __future__ import annotations

from collections.abc import Iterator

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

from dlp.extract.base import Blob, Context, Item
from dlp.extract.decode import decode_text
from dlp.extract.registry import register
from dlp.model import TextChunk

_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False, display_images=False)
_HTML_HEADS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<div", b"<p>")


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document; scripts and styles dropped, never executed."""
    if not markup.strip():
        return ""
    return get_text(markup, _CONFIG)


class HtmlExtractor:
    name = "HTML"

    def sniff(self, head: bytes) -> bool:
        start = head.lstrip()[:64].lower()
        return start.startswith(_HTML_HEADS)

    def accepts(self, blob: Blob) -> bool:
        return blob.content_type in ("text/html", "application/xhtml+xml") or blob.extension in (
            "html",
            "htm",
            "xhtml",
        )

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        yield TextChunk(blob.where, html_to_text(decode_text(blob.data)))


register(HtmlExtractor())
