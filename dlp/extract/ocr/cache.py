"""What an image said, by content hash: the same logo in every newsletter is read once.

One cache per process (each scan worker has its own), least recently used
first out, bounded by entries and by the text held.  Keys are SHA-256 digests
of the image bytes plus the page and language set, so a cache hit proves the
same pixels were read the same way; the text is kept only in memory.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

MAX_TEXT_CHARS = 20_000_000  # all cached text together (~tens of MB at most)


def key(data: bytes, page: int, languages: tuple[str, ...]) -> str:
    return f"{hashlib.sha256(data).hexdigest()}:{page}:{'+'.join(languages)}"


class TextCache:
    """A bounded LRU map from image key to the text OCR found."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._items: OrderedDict[str, str] = OrderedDict()
        self._chars = 0
        self.hits = 0
        self.misses = 0

    def get(self, k: str) -> str | None:
        text = self._items.get(k)
        if text is None:
            self.misses += 1
            return None
        self._items.move_to_end(k)
        self.hits += 1
        return text

    def put(self, k: str, text: str) -> None:
        if self.entries <= 0 or len(text) > MAX_TEXT_CHARS:
            return
        old = self._items.pop(k, None)
        self._chars += len(text) - (len(old) if old is not None else 0)
        self._items[k] = text
        while len(self._items) > self.entries or self._chars > MAX_TEXT_CHARS:
            _, dropped = self._items.popitem(last=False)
            self._chars -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)


_CACHE: TextCache | None = None


def shared(entries: int) -> TextCache:
    """This process's cache (rebuilt when the configured size changes)."""
    global _CACHE
    if _CACHE is None or _CACHE.entries != entries:
        _CACHE = TextCache(entries)
    return _CACHE
