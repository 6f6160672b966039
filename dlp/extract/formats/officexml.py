"""Office 2003 XML documents: WordML (.xml saved by Word 2003) and SpreadsheetML 2003.

One XML file holds the whole document; it is checked for entity declarations
like any OOXML part, then its runs (WordML `w:t`) or cells (`ss:Data`) are
read with lxml, entities off.  Without this, a WordML file fell to the plain
text reader, which saw markup and base64 pictures rather than the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.formats.ooxml import element_text, local, parse
from dlp.extract.formats.safexml import refuse_dtd
from dlp.extract.registry import register
from dlp.model import TextChunk

_PROGID = re.compile(rb'<\?mso-application\s+progid="(Word\.Document|Excel\.Sheet)"\?>')
_WORDML = b"schemas.microsoft.com/office/word/2003/wordml"


def _kind(head: bytes) -> str | None:
    match = _PROGID.search(head)
    if match:
        return "word" if match.group(1).startswith(b"Word") else "excel"
    return "word" if _WORDML in head else None


def _sheet_lines(root: object) -> str:
    lines = []
    for row in root.iter():  # type: ignore[attr-defined]
        if local(row.tag) == "Row":
            cells = [" ".join(el.itertext()) for el in row.iter() if local(el.tag) == "Data"]
            lines.append(" | ".join(c.strip() for c in cells))
    return "\n".join(line for line in lines if line.strip())


class OfficeXmlExtractor:
    name = "Office 2003 XML document"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip().startswith((b"<?xml", b"\xef\xbb\xbf<?xml")) and bool(_kind(head))

    def accepts(self, blob: Blob) -> bool:
        return False  # only by content: most .xml files are something else

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        kind = _kind(blob.data[:4096])
        refuse_dtd(blob.data, self.name)
        ctx.check_time()
        root = parse(blob.data)
        if root is None:
            raise UnscannableError(f"corrupt or unreadable {self.name}")
        for el in root.iter():
            if local(el.tag) == "binData":  # base64 pictures: not text
                el.text = None
        text = element_text(root) if kind == "word" else _sheet_lines(root)
        if text.strip():
            yield TextChunk(blob.where, text)


register(OfficeXmlExtractor())
