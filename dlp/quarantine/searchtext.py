"""The text a reviewer's search looks through, made once when a message is held.

Search covers subject, sender, recipients, attachment names and the
extracted text. The first three are columns already; the rest is built here
from the stored bytes with the same extractor the review page uses, so a
search finds what a reviewer would see. It is kept lower-cased and cut at
`MAX_SEARCH_CHARS` (a search that needs a 10 MB spreadsheet's last row is
rare; the bound keeps one huge message from bloating the database), and it
is dropped with the message (delete, purge).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dlp.extract.base import Limits
from dlp.extract.ocr.limits import OcrSettings

if TYPE_CHECKING:
    from dlp.model import Extraction

MAX_SEARCH_CHARS = 256_000
# Text only: OCR would run Tesseract a second time in the relay's own process while
# the sender's mail server waits; the scan already read the pictures for the verdict.
SEARCH_LIMITS = Limits(ocr=OcrSettings(enabled=False))


def search_text(raw: bytes) -> str:
    """The search text of stored bytes, for holds that did not come with the scan's own."""
    from dlp.extract.mime import walk  # the extractors load on first use, not with the CLI

    try:
        extraction = walk(raw, SEARCH_LIMITS)
    except Exception:  # extraction never raises by contract; a search is not worth a 4xx
        return ""
    return search_text_of(extraction)


def search_text_of(extraction: Extraction) -> str:
    """Attachment names and every readable part, folded, space-normalised, bounded."""
    names = sorted({c.where for c in extraction.chunks if c.where != "subject"})
    pieces = [*names, *(c.text for c in extraction.chunks)]
    text = " ".join(" ".join(pieces).split()).lower()
    return text[:MAX_SEARCH_CHARS]
