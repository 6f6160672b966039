"""Run one attachment through the extraction registry and collect what comes out."""

from __future__ import annotations

from dataclasses import dataclass

import dlp.extract.formats  # noqa: F401  (registers the format plug-ins)
from dlp.extract.base import Blob, Budget, Context, Limits
from dlp.extract.registry import extract_blob
from dlp.model import NotInspected, TextChunk, Unscannable


@dataclass
class Out:
    chunks: list[TextChunk]
    unscannable: list[Unscannable]
    not_inspected: list[NotInspected]

    @property
    def text(self) -> str:
        return "\n".join(c.text for c in self.chunks)

    @property
    def reasons(self) -> str:
        return " / ".join(u.why for u in self.unscannable)


def run(
    data: bytes, filename: str = "", content_type: str = "", limits: Limits | None = None
) -> Out:
    """Extract one attachment as the MIME walker would, with fresh limits."""
    blob = Blob(f"attachment:{filename or 'file'}", data, filename, content_type)
    results = list(extract_blob(blob, Context(Budget(limits or Limits()))))
    return Out(
        [r for r in results if isinstance(r, TextChunk)],
        [r for r in results if isinstance(r, Unscannable)],
        [r for r in results if isinstance(r, NotInspected)],
    )
