"""Which of several Python regexes can match a text at all, in one Hyperscan pass.

Some checks search every part of a message for each of a handful of long
alternations ("school-day words", "a classroom", a parent greeted...).  On a
mailing-list digest of a megabyte, a search that finds nothing reads the whole
text, once per pattern, in Python's regex engine: a few such messages cost as
much as scanning hundreds of ordinary ones.  Here the patterns are compiled
into one Hyperscan database in prefilter mode (the same widening translation
as the pattern prefilter, `prefilter_syntax`), which promises a superset of
their matches; a caller then runs only the patterns that may match, and the
Python regex still decides every match, so results are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import hyperscan
import regex

from dlp.detect import hsdb
from dlp.detect.prefilter import hyperscan_flags, unsupported_flags, view
from dlp.detect.prefilter_syntax import Untranslatable, to_hyperscan

# flags that change nothing the translation relies on (str patterns are Unicode anyway)
_HARMLESS = regex.UNICODE | regex.VERSION0


class RegexSet:
    """`candidates(text)`: the indexes of the patterns that may match it (or None: all)."""

    def __init__(self, patterns: Sequence[regex.Pattern[str] | re.Pattern[str]]) -> None:
        self._patterns = tuple(patterns)
        self._always: frozenset[int] = frozenset()  # patterns Hyperscan cannot take
        self._db: hyperscan.Database | None = None
        self._built = False

    def candidates(self, text: str) -> set[int] | None:
        """A superset of the patterns that match somewhere in `text`."""
        if not self._built:
            self._build()
        data = view(text)
        if data is None or self._db is None:
            return None
        found = set(self._always)
        if data:

            def on_match(pattern_id: int, start: int, end: int, flags: int, ctx: object) -> None:
                found.add(pattern_id)

            self._db.scan(data, match_event_handler=on_match)
        return found

    def _build(self) -> None:
        """Compile on first use (a fraction of a second; kept in the user's cache after)."""
        self._built = True
        sources: list[bytes] = []
        flags: list[int] = []
        ids: list[int] = []
        always: set[int] = set()
        for i, rx in enumerate(self._patterns):
            entry = _entry(rx)
            if entry is None:
                always.add(i)
            else:
                sources.append(entry[0])
                flags.append(entry[1])
                ids.append(i)
        self._always = frozenset(always)
        if sources:
            self._db = _database(sources, flags, ids)
        if self._db is None:  # nothing compiled: every pattern runs, as without the set
            self._always = frozenset(range(len(self._patterns)))


def _entry(rx: regex.Pattern[str] | re.Pattern[str]) -> tuple[bytes, int] | None:
    """The widened Hyperscan source and flags of one regex, or None when it has none."""
    flags = rx.flags & ~_HARMLESS
    if unsupported_flags(flags):
        return None
    try:
        source, _ = to_hyperscan(rx.pattern)
    except Untranslatable:
        return None
    one_report = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
    return source.encode("ascii"), one_report | hyperscan_flags(flags)


def _database(sources: list[bytes], flags: list[int], ids: list[int]) -> hyperscan.Database | None:
    name = hsdb.key([b"%d\0%d\0%s" % e for e in zip(ids, flags, sources, strict=True)])
    db = hsdb.load("regexset", name)
    if db is not None:
        return db
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=sources, ids=ids, elements=len(sources), flags=flags)
    except hyperscan.error:
        return None
    hsdb.save("regexset", name, db)
    return db
