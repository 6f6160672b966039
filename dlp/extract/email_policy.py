"""`email.policy.default` with its header parsing done once per distinct header.

The stdlib's modern policy parses a header's full RFC 5322 grammar on every
read (`msg["content-type"]`, `get_content_type()`, `get_filename()`...), and
its header registry builds a new Python class for each of those reads.  The
walk reads the same Content-Type several times per part, and most messages
carry the same few Content-Type values, so on real mail that parsing was the
largest cost of extraction.  This policy gives the same header objects (the
same classes, the same parse) but builds each header class once and keeps
recently parsed headers: the results are those of `policy.default`, only
cheaper.  Header objects are immutable strings, so sharing them is safe.
"""

from __future__ import annotations

from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

CACHED_VALUE_CHARS = 300  # longer values (address lists, hostile ones) are parsed each time
CACHED_HEADERS = 128  # hits level off here on real mail; each entry is a parse tree (~10 KB)


class _Registry(HeaderRegistry):
    """The stdlib registry, with each header class built once instead of per read."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if key not in self.registry:
            key = ""  # every other name gets the same default class
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


class _CachingPolicy(EmailPolicy):
    """`policy.default`, but a header already parsed comes back from the cache."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if type(value) is str and len(value) <= CACHED_VALUE_CHARS:  # not a header object
            return _parsed(self, name, value)
        return super().header_fetch_parse(name, value)


@lru_cache(maxsize=CACHED_HEADERS)
def _parsed(policy: EmailPolicy, name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(policy, name, value)


POLICY = _CachingPolicy(header_factory=_Registry())
