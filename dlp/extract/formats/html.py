"""HTML → text: inscriptis for the layout, data tables rendered as labelled rows.

A data table (a roster, a grade list) is turned into the same "Header: value"
lines as a spreadsheet before inscriptis lays out the rest, so a column's
header is context for every cell under it.  Layout tables (newsletters nest
tables for columns) are left to inscriptis.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
from inscriptis import Inscriptis, get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from lxml import etree

from dlp.extract.base import Blob, Context, Item
from dlp.extract.decode import decode_text
from dlp.extract.registry import register
from dlp.extract.table import render_table
from dlp.model import TextChunk

_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False, display_images=False)
_HTML_HEADS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<div", b"<p>")


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document; scripts and styles dropped, never executed."""
    if not markup.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return get_text(markup, _CONFIG)
    for table in root.iter("table"):
        _render_data_table(table)
    return Inscriptis(root, _CONFIG).get_text()  # the tree as it is: no second parse


def _render_data_table(table: lxml.html.HtmlElement) -> None:
    """Replace a leaf table of two or more rows with its labelled-row text."""
    if table.find(".//table") is not None:
        return
    rows = [
        [" ".join(cell.text_content().split()) for cell in tr if cell.tag in ("td", "th")]
        for tr in table.iter("tr")
    ]
    rows = [r for r in rows if any(r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return
    pre = lxml.html.Element("pre")
    pre.text = "\n" + render_table(rows) + "\n"
    pre.tail = table.tail
    parent = table.getparent()
    if parent is not None:
        parent.replace(table, pre)


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
