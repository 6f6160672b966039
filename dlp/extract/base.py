"""The extraction plug-in contract: a blob goes in, text or a reason comes out.

Each format is a small module with one `Extractor`.  The registry (see
`registry.py`) picks the extractor by content first (magic bytes), then by the
declared MIME type, then by file name, and recurses into what a container
(archive, attached mail) yields, within the `Limits` below.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from dlp.extract.ocr.limits import OcrSettings
from dlp.model import NotInspected, TextChunk, Unscannable

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Safety limits for one message. Each is configurable under `extraction:`."""

    max_depth: int = 5  # archives in archives / mail in mail: real mail rarely nests past 3
    max_members: int = 1000  # archive members per message: a roster export is a handful
    max_expanded_bytes: int = 100 * MB  # total decompressed bytes per message
    max_ratio: float = 100.0  # decompressed/compressed: text zips ~10x, bombs ~1000x+
    attachment_seconds: float = 10.0  # wall time per attachment
    max_text_chars: int = 5_000_000  # text handed to detection per message
    # The ratio check applies only past this size: a small, very repetitive part
    # (an XML style sheet, a column of blanks) compresses far past 100:1 legitimately.
    ratio_min_bytes: int = 1 * MB
    ocr: OcrSettings = field(default_factory=OcrSettings)  # images, scans: own time caps


class LimitExceeded(Exception):
    """A safety limit was reached; the part becomes unscannable with this reason."""


class UnscannableError(Exception):
    """The extractor knows the content cannot be read (encrypted, corrupt): say why."""


@dataclass(frozen=True)
class Blob:
    """One attachment or archive member, before its format is known."""

    where: str  # "attachment:report.zip/inner.csv"
    data: bytes
    filename: str = ""
    content_type: str = ""  # as declared, lower-case; may be wrong

    @property
    def extension(self) -> str:
        name = self.filename.lower()
        return name.rsplit(".", 1)[-1] if "." in name else ""


@dataclass
class Budget:
    """What the message has used so far of its limits; shared by every part."""

    limits: Limits = field(default_factory=Limits)
    expanded_bytes: int = 0
    members: int = 0
    text_chars: int = 0
    ocr_seconds: float = 0.0  # spent on OCR; capped by `limits.ocr`, not `attachment_seconds`

    def clock(self) -> float:
        """Seconds of parsing work: OCR time is left out (it has its own, larger caps)."""
        return time.monotonic() - self.ocr_seconds

    def add_expanded(self, n: int) -> None:
        self.expanded_bytes += n
        if self.expanded_bytes > self.limits.max_expanded_bytes:
            raise LimitExceeded(
                f"expanded size over the {self.limits.max_expanded_bytes // MB} MB limit"
            )

    def add_text(self, n: int) -> int:
        """Count `n` characters of text; return how many of them fit in the limit."""
        room = max(0, self.limits.max_text_chars - self.text_chars)
        self.text_chars += min(n, room)
        return min(n, room)

    def check_ratio(self, expanded: int, compressed: int, what: str) -> None:
        """Refuse a stream that expands far beyond its compressed size (a bomb)."""
        limits = self.limits
        if expanded > limits.ratio_min_bytes and expanded > limits.max_ratio * max(compressed, 1):
            raise LimitExceeded(
                f"{what} expands more than {limits.max_ratio:g}:1 (compression bomb)"
            )

    def add_member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise LimitExceeded(f"more than {self.limits.max_members} archive members")


@dataclass
class Context:
    """Passed to every extractor: the shared budget, the nesting depth, the deadline."""

    budget: Budget
    depth: int = 0
    deadline: float = 0.0  # a `budget.clock()` value; 0 means none

    def check_time(self) -> None:
        if self.deadline and self.budget.clock() > self.deadline:
            raise LimitExceeded(
                f"extraction took longer than {self.budget.limits.attachment_seconds:g} s"
            )

    def nested(self) -> Context:
        if self.depth + 1 > self.budget.limits.max_depth:
            raise LimitExceeded(f"nested deeper than {self.budget.limits.max_depth} levels")
        return Context(self.budget, self.depth + 1, self.deadline)


# What an extractor yields: text, a verdict on a part, or a member blob to recurse into.
Item = TextChunk | Unscannable | NotInspected | Blob


class Extractor(Protocol):
    """A format plug-in. `sniff` decides by content; `accepts` by declared type/name."""

    name: str

    def sniff(self, head: bytes) -> bool:
        """True when the first bytes prove this format (magic bytes)."""
        ...

    def accepts(self, blob: Blob) -> bool:
        """True when the declared MIME type or file name says this format."""
        ...

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        """Yield chunks and members; raise UnscannableError/LimitExceeded to refuse."""
        ...
