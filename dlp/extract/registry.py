"""Choose the extractor for a blob and recurse into containers, within limits.

Content decides first (a renamed spreadsheet is still a spreadsheet), then the
declared type, then the file name.  A failing extractor turns only its own part
into `Unscannable`; it never takes down the scan of the rest of the message.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import replace

from dlp.extract.base import Blob, Context, Extractor, LimitExceeded, UnscannableError
from dlp.model import NotInspected, TextChunk, Unscannable

log = logging.getLogger(__name__)

Result = TextChunk | Unscannable | NotInspected

_EXTRACTORS: list[Extractor] = []

SNIFF_BYTES = 4096

# Declared types with no text to read: listed as not inspected (POLICY.md section 2).
_MEDIA_PREFIXES = ("image/", "audio/", "video/", "font/")
_MEDIA_EXTENSIONS = {
    "png": "image", "jpg": "image", "jpeg": "image", "gif": "image", "bmp": "image",
    "tif": "image", "tiff": "image", "webp": "image", "heic": "image", "svg": "image",
    "ico": "image", "emz": "image", "wmz": "image",
    "mp3": "audio", "wav": "audio", "m4a": "audio", "ogg": "audio",
    "mp4": "video", "mov": "video", "avi": "video", "webm": "video",
    "ttf": "font", "otf": "font", "woff": "font", "woff2": "font",
}  # fmt: skip
_MEDIA_MAGIC = (
    (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
    (b"BM", "image"), (b"II*\x00", "image"), (b"MM\x00*", "image"),
    (b"ID3", "audio"), (b"OggS", "audio"), (b"fLaC", "audio"), (b"\xd7\xcd\xc6\x9a", "image"),
)  # fmt: skip


def register(extractor: Extractor) -> Extractor:
    """Add a format plug-in; later registrations are tried after earlier ones."""
    _EXTRACTORS.append(extractor)
    return extractor


def choose(blob: Blob) -> Extractor | None:
    head = blob.data[:SNIFF_BYTES]
    for ex in _EXTRACTORS:
        if ex.sniff(head):
            return ex
    for ex in _EXTRACTORS:
        if ex.accepts(blob):
            return ex
    return None


def media_kind(blob: Blob) -> str | None:
    """'image', 'audio', ... when the blob is media we do not read; else None."""
    for magic, kind in _MEDIA_MAGIC:
        if blob.data.startswith(magic):
            return kind
    if blob.data[40:44] == b" EMF":  # Windows enhanced metafile (Office picture previews)
        return "image"
    if blob.data[8:12] in (b"WEBP", b"AVI ", b"WAVE") or blob.data[4:8] == b"ftyp":
        return "image" if blob.data[8:12] == b"WEBP" else "media"
    for prefix in _MEDIA_PREFIXES:
        if blob.content_type.startswith(prefix):
            return prefix.rstrip("/")
    return _MEDIA_EXTENSIONS.get(blob.extension)


def extract_blob(blob: Blob, ctx: Context) -> Iterator[Result]:
    """Yield the text of a blob and of everything inside it, depth first."""
    if not ctx.deadline:
        ctx = Context(
            ctx.budget, ctx.depth, ctx.budget.clock() + ctx.budget.limits.attachment_seconds
        )
    extractor = choose(blob)
    if extractor is None:
        kind = media_kind(blob)
        yield NotInspected(blob.where, kind or "unknown binary type")
        return
    pending: list[Result] = []
    try:
        with _library_output_to_log():
            _run(extractor, blob, ctx, pending)
    except (UnscannableError, LimitExceeded) as exc:
        pending.append(Unscannable(blob.where, str(exc)))
    except (MemoryError, RecursionError):
        pending.append(Unscannable(blob.where, f"{extractor.name} too large or deep to read"))
    except Exception as exc:  # a corrupt file must not crash the scan of the message
        log.info("extractor %s failed on %s: %s", extractor.name, blob.where, type(exc).__name__)
        pending.append(Unscannable(blob.where, f"corrupt or unreadable {extractor.name}"))
    yield from pending


def _run(extractor: Extractor, blob: Blob, ctx: Context, pending: list[Result]) -> None:
    """Collect the extractor's items into `pending` (kept if it then fails), members
    recursed into and text counted."""
    for item in extractor.extract(blob, ctx):
        ctx.check_time()
        if isinstance(item, Blob):
            ctx.budget.add_member()
            pending.extend(_member(item, ctx))
        elif isinstance(item, TextChunk):
            pending.extend(_counted(item, ctx))
        else:
            pending.append(item)


class _LogStream(io.TextIOBase):
    """Where a library's print() goes during extraction: the debug log, never stdout."""

    def write(self, text: str) -> int:
        if text.strip():
            log.debug("library output: %s", text.rstrip())
        return len(text)


@contextlib.contextmanager
def _library_output_to_log() -> Iterator[None]:
    """Keep stdout clean (`dlp scan --json` writes there) while libraries run.

    sys.stdout is process-wide, so it is swapped only on the main thread
    (the CLI, and each relay worker process); other threads leave it alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with contextlib.redirect_stdout(_LogStream()):
        yield


def _member(blob: Blob, ctx: Context) -> list[Result]:
    """A container's member, one level down; too deep makes only that member unscannable."""
    try:
        inner = ctx.nested()
    except LimitExceeded as exc:
        return [Unscannable(blob.where, str(exc))]
    return list(extract_blob(blob, inner))


def _counted(chunk: TextChunk, ctx: Context) -> list[Result]:
    """Count a chunk against the message's text limit; cut it (and say so) past it."""
    fits = ctx.budget.add_text(len(chunk.text))
    if fits == len(chunk.text):
        return [chunk]
    limit = ctx.budget.limits.max_text_chars
    cut: list[Result] = [replace(chunk, text=chunk.text[:fits])] if fits else []
    why = f"text cut off by size limit ({limit:,} characters per message)"
    return [*cut, Unscannable(chunk.where, why)]
