"""PDF text layer with pypdf (BSD, maintained, pure Python, bounded inflation).

A PDF encrypted only with an owner password (print/copy restrictions) opens
with the empty user password and is read; one that needs a user password is
unscannable.  A PDF without `%%EOF` at its end was cut off in transit or by
the sender's tool: whatever text is readable is still scanned, and the part is
also reported unscannable, because the missing pages may hold anything.
A PDF with pages but no text at all is a scan (an image): not inspected.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.registry import register
from dlp.model import NotInspected, TextChunk, Unscannable

# pypdf logs every repair of a malformed file; a mail filter sees many, and says so itself.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UnscannableError("corrupt or truncated PDF") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (NotImplementedError, PdfReadError) as exc:
            raise UnscannableError("password-protected PDF (unsupported encryption)") from exc
        if not opened:
            raise UnscannableError("password-protected PDF")
    return reader


class PdfExtractor:
    name = "PDF"

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]  # the spec tolerates junk before the header

    def accepts(self, blob: Blob) -> bool:
        return blob.extension == "pdf" or blob.content_type in (
            "application/pdf",
            "application/x-pdf",
        )

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        reader = _open(blob.data)
        truncated = b"%%EOF" not in blob.data[-2048:]
        try:
            pages = list(reader.pages)
        except (FileNotDecryptedError, PdfReadError) as exc:
            raise UnscannableError("password-protected PDF") from exc
        except Exception as exc:
            raise UnscannableError("corrupt or truncated PDF") from exc
        failed = 0
        texts: list[str] = []
        for page in pages:
            ctx.check_time()
            try:
                texts.append(page.extract_text() or "")
            except Exception:  # one broken page must not hide the others
                failed += 1
        text = "\n".join(t for t in texts if t.strip())
        if text:
            yield TextChunk(blob.where, text)
        if truncated or not pages or failed:
            yield Unscannable(blob.where, "corrupt or truncated PDF")
        elif not text:
            yield NotInspected(blob.where, "PDF without a text layer (scanned image)")


register(PdfExtractor())
