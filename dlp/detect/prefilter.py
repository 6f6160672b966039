"""One Hyperscan pass over a text: which recognizer patterns could match it at all.

Presidio runs every pattern of every recognizer as its own Python regex over
every text; on ordinary mail nearly all of them find nothing, and that loop
was the largest share of a scan.  Here all patterns (and the deny-list
regexes Presidio builds from term lists) are compiled into one Hyperscan
database in prefilter mode, which promises a superset of the real matches;
a recognizer then runs, with Presidio's own code, only the patterns that hit.
Scores, validators, context and explanations are untouched because the
Python regex still decides every match.  Where a pattern's longest match
and look-ahead are bounded (`pattern_reach`), it runs only in windows
around the hits' end offsets, which gives the same matches as the whole text.

A pattern Hyperscan cannot take (or `prefilter_syntax` cannot widen) is a
fallback: it runs in Python on every text, as before, and `dlp patterns
check` lists it with the reason.
"""

from __future__ import annotations

import codecs
import copy
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import hyperscan
import regex
from presidio_analyzer import Pattern

from dlp import usercache
from dlp.detect import hsdb, pattern_reach, prefilter_syntax
from dlp.detect.pattern_reach import Bounds, bounds
from dlp.detect.prefilter_syntax import FOLDS_TO_ASCII, WILD_BYTE, Untranslatable, to_hyperscan

_FLAGS = {
    regex.IGNORECASE: hyperscan.HS_FLAG_CASELESS,
    regex.MULTILINE: hyperscan.HS_FLAG_MULTILINE,
    regex.DOTALL: hyperscan.HS_FLAG_DOTALL,
}
MAX_ENDS = 64  # more hits than this for one pattern: read the whole text instead
Window = tuple[int, int, int]  # (first start, last start, end of the text a match may read)
Hits = dict[int, list[Window] | None]  # pattern id → windows, or None for the whole text
_ERRORS = "dlp-prefilter-view"
_FOLDING = frozenset(FOLDS_TO_ASCII)


def _wildcards(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return bytes([WILD_BYTE]) * (error.end - error.start), error.end


codecs.register_error(_ERRORS, _wildcards)


def view(text: str) -> bytes | None:
    """The one-byte-per-character view Hyperscan reads, or None when the text must be
    read in full (it holds a character Python's case folding equates with ASCII)."""
    if text.isascii():
        return text.encode("ascii")
    if not _FOLDING.isdisjoint(text):
        return None
    return text.encode("ascii", errors=_ERRORS)


@dataclass(frozen=True)
class Fallback:
    """A pattern that runs in Python on every text, and why."""

    recognizer: str
    pattern: str
    reason: str

    def __str__(self) -> str:
        return f"{self.recognizer} / {self.pattern}: {self.reason}"


@dataclass(frozen=True)
class _Entry:
    recognizer: str
    index: int  # position in the recognizer's `patterns` (deny-list pattern included)
    source: bytes
    flags: int
    bounds: Bounds | None  # None: the pattern reads the whole text when it hits


class Prefilter:
    """All patterns of some Presidio pattern recognizers, compiled into one database."""

    def __init__(self, recognizers: Sequence[Any]) -> None:
        """`recognizers`: Presidio `PatternRecognizer`s (their `patterns` and flags)."""
        entries, self.fallbacks = _analysed(recognizers)
        self._entries, self._db = self._compile(entries, recognizers)
        self._last: tuple[str, Hits | None] | None = None

    def _compile(
        self, entries: list[_Entry], recognizers: Sequence[Any]
    ) -> tuple[list[_Entry], hyperscan.Database | None]:
        """One database; a pattern Hyperscan rejects becomes a fallback and the rest compile."""
        names = {(r.name, i): p.name for r in recognizers for i, p in enumerate(r.patterns)}
        cached = _load(entries)
        if cached is not None:
            return entries, cached
        first = list(entries)
        while entries:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            try:
                db.compile(
                    expressions=[e.source for e in entries],
                    ids=list(range(len(entries))),
                    elements=len(entries),
                    flags=[e.flags for e in entries],
                )
                if entries == first:  # with no fallback the entries alone name the database
                    _save(entries, db)
                return entries, db
            except hyperscan.error as exc:
                bad, message = _failed_index(exc, entries)
                entry = entries.pop(bad)
                reason = f"Hyperscan: {message}"
                self.fallbacks.append(
                    Fallback(entry.recognizer, names[(entry.recognizer, entry.index)], reason)
                )
        return [], None

    def patterns_hit(self, text: str) -> Hits | None:
        """The patterns that may match `text`, with where; None: run every pattern in full."""
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        hits = self._scan(text)
        self._last = (text, hits)
        return hits

    def _scan(self, text: str) -> Hits | None:
        data = view(text)
        if data is None:
            return None
        if self._db is None or not data:
            return {}
        ends: dict[int, list[int]] = {}

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            ends.setdefault(pattern_id, []).append(end)

        self._db.scan(data, match_event_handler=on_match)
        return {i: self._windows(i, found, len(text)) for i, found in ends.items()}

    def _windows(self, pattern_id: int, ends: list[int], size: int) -> list[Window] | None:
        """Merged ranges of possible match starts, from the ends Hyperscan reported."""
        limits = self._entries[pattern_id].bounds
        if limits is None or len(ends) > MAX_ENDS:
            return None
        width, reach = limits
        out: list[Window] = []
        for end in sorted(ends):
            low, high = max(0, end - width), end - 1
            if out and low <= out[-1][1] + 1:
                low = out.pop()[0]
            out.append((low, high, min(size, high + reach + 1)))
        return out

    def ids_of(self, recognizer: str) -> dict[int, int]:
        """Pattern position in a recognizer → its id in the database (fallbacks absent)."""
        return {e.index: i for i, e in enumerate(self._entries) if e.recognizer == recognizer}


def _analysed(recognizers: Sequence[Any]) -> tuple[list[_Entry], list[Fallback]]:
    """Each pattern's database entry, or why it cannot have one.

    Translating and bounding every pattern is 0.12 s of every start, so the
    result is kept in the user's cache (`dlp.usercache`), named by the patterns,
    their flags, the libraries' versions and this code.
    """
    patterns = [
        (rec, index, pattern) for rec in recognizers for index, pattern in enumerate(rec.patterns)
    ]
    key = _analysis_key(patterns)
    cached = usercache.read("pattern-analysis", key)
    if cached is not None:
        try:
            return _decoded(cached)
        except (ValueError, TypeError, KeyError):
            pass
    entries: list[_Entry] = []
    fallbacks: list[Fallback] = []
    for rec, index, pattern in patterns:
        entry = _entry(rec, index, pattern.regex)
        if isinstance(entry, str):
            fallbacks.append(Fallback(rec.name, pattern.name, entry))
        else:
            entries.append(entry)
    usercache.write("pattern-analysis", key, _encoded(entries, fallbacks))
    return entries, fallbacks


def _analysis_key(patterns: list[tuple[Any, int, Pattern]]) -> str:
    digest = hashlib.sha256()
    for library in ("regex", "hyperscan"):
        digest.update(f"{library} {metadata.version(library)}\n".encode())
    for module in (__file__, prefilter_syntax.__file__, pattern_reach.__file__):
        digest.update(Path(module).read_bytes())
    for rec, index, pattern in patterns:
        flags = int(rec.global_regex_flags or 0)
        line = f"{rec.name}\0{index}\0{pattern.name}\0{flags}\0{pattern.regex}\n"
        digest.update(line.encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()[:32] + ".json"


def _encoded(entries: list[_Entry], fallbacks: list[Fallback]) -> bytes:
    return json.dumps(
        {
            "entries": [
                [e.recognizer, e.index, e.source.decode("ascii"), e.flags, e.bounds]
                for e in entries
            ],
            "fallbacks": [[f.recognizer, f.pattern, f.reason] for f in fallbacks],
        }
    ).encode()


def _decoded(data: bytes) -> tuple[list[_Entry], list[Fallback]]:
    doc = json.loads(data)
    entries = [
        _Entry(rec, index, source.encode("ascii"), flags, None if b is None else tuple(b))
        for rec, index, source, flags, b in doc["entries"]
    ]
    return entries, [Fallback(*f) for f in doc["fallbacks"]]


def unsupported_flags(flags: int) -> int:
    """The regex flags among `flags` that have no Hyperscan equivalent here."""
    return flags & ~sum(_FLAGS)


def hyperscan_flags(flags: int) -> int:
    """Hyperscan's flags for the regex flags among `flags` that have an equivalent."""
    out = 0
    for flag, hs_flag in _FLAGS.items():
        if flags & flag:
            out |= hs_flag
    return out


def _entry(rec: Any, index: int, source: str) -> _Entry | str:
    """The database entry for one pattern, or the reason it cannot have one."""
    flags = rec.global_regex_flags or 0
    unknown = unsupported_flags(flags)
    if unknown:
        return f"regex flags {regex.RegexFlag(unknown)!r} have no Hyperscan equivalent here"
    try:
        translated, exact_ends = to_hyperscan(source)
    except Untranslatable as exc:
        return str(exc)
    limits = bounds(source, flags) if exact_ends else None
    hs_flags = hyperscan.HS_FLAG_PREFILTER | hyperscan_flags(flags)
    if limits is None:  # only "does it hit at all" matters: one report is enough
        hs_flags |= hyperscan.HS_FLAG_SINGLEMATCH
    return _Entry(rec.name, index, translated.encode("ascii"), hs_flags, limits)


def _cache_key(entries: list[_Entry]) -> str:
    """Compiling takes seconds; the database for the same patterns is kept in the user's
    cache (`dlp.usercache`), named by what went into it."""
    return hsdb.key([b"%d\0%s" % (e.flags, e.source) for e in entries])


def _load(entries: list[_Entry]) -> hyperscan.Database | None:
    return hsdb.load("prefilter", _cache_key(entries))


def _save(entries: list[_Entry], db: hyperscan.Database) -> None:
    hsdb.save("prefilter", _cache_key(entries), db)


def _failed_index(exc: Exception, entries: list[_Entry]) -> tuple[int, str]:
    """Which expression fails to compile, and Hyperscan's message about it alone."""
    for i, entry in enumerate(entries):
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            db.compile(expressions=[entry.source], ids=[0], elements=1, flags=[entry.flags])
        except hyperscan.error as alone:
            return i, str(alone.args[0] if alone.args else alone).strip()
    raise exc  # the set fails while each member compiles: nothing to single out


class _Windowed:
    """A compiled regex whose `finditer` reads only the windows, with the whole text's result.

    Each window starts where the full scan's previous match ended at the
    latest (windows are disjoint and hold every match), `pos` lets
    lookbehinds and `\\b` see the text before, and `endpos` lies past all
    that a match starting in the window may look at.
    """

    def __init__(self, compiled: Any, windows: list[Window]) -> None:
        self.compiled = compiled
        self.windows = windows

    def finditer(self, text: str, timeout: float | None = None) -> Iterator[Any]:
        for low, high, endpos in self.windows:
            for match in self.compiled.finditer(text, low, endpos, timeout=timeout):
                if match.start() > high:
                    break
                yield match


def windowed(pattern: Pattern, flags: int, windows: list[Window]) -> Pattern:
    """A copy of a Presidio pattern that Presidio's own loop runs in the windows only."""
    loose: Any = pattern  # Presidio declares these attributes as None only
    if not loose.compiled_regex or loose.compiled_with_flags != flags:
        loose.compiled_with_flags = flags  # what Presidio's loop would store itself
        loose.compiled_regex = regex.compile(pattern.regex, flags=flags)
    out: Any = copy.copy(pattern)
    out.compiled_regex = _Windowed(loose.compiled_regex, windows)
    return cast(Pattern, out)
