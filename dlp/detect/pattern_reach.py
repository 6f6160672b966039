"""How far a Python `regex` pattern can reach: the longest match, and the furthest character
a match attempt may look at beyond where it starts (lookaheads and boundaries included).

With both bounded, a pattern only ever needs the text near the prefilter's
hits: a match ending at offset e starts no earlier than e - width, and
whether and how it matches at a start p depends on no character past
p + reach.  Anything this module does not recognise is unbounded, which
means "read the whole text": always safe.

It reads the parse tree of the `regex` package (a private module); a change
there makes every pattern unbounded, never wrong.
"""

from __future__ import annotations

import math
from functools import cache

import regex

Bounds = tuple[int, int]  # (longest match, furthest character looked at) in characters


@cache
def bounds(pattern: str, flags: int) -> Bounds | None:
    """(width, reach) of a pattern, or None when either is unbounded or unknown."""
    try:
        from regex import _regex_core as core

        source = core.Source(pattern)
        info = core.Info(flags, source.char_type, {})
        tree = core._parse_pattern(source, info)
        if not source.at_end():
            return None
        width = tree.max_width()
        reach = _reach(tree, core)
    except Exception:  # an unscoped flag, a new node type: read the whole text
        return None
    if width >= core.UNLIMITED or math.isinf(reach):
        return None
    return int(width), int(reach)


def _reach(node: object, core: object) -> float:
    """Characters past a node's start that matching it may inspect."""
    kind = type(node).__name__
    if kind == "Sequence":
        done, furthest = 0.0, 0.0
        for item in node.items:  # type: ignore[attr-defined]
            furthest = max(furthest, done + _reach(item, core))
            done += _width(item, core)
        return max(furthest, done)
    if kind == "Branch":
        return max((_reach(b, core) for b in node.branches), default=0.0)  # type: ignore[attr-defined]
    if kind in ("Group", "Atomic"):
        return _reach(node.subpattern, core)  # type: ignore[attr-defined]
    if kind == "LookAround":
        return 1.0 if node.behind else _reach(node.subpattern, core)  # type: ignore[attr-defined]
    if kind in ("GreedyRepeat", "LazyRepeat", "PossessiveRepeat"):
        high = node.max_count  # type: ignore[attr-defined]
        if high is None:
            return math.inf
        if high == 0:
            return 0.0
        sub = node.subpattern  # type: ignore[attr-defined]
        return (high - 1) * _width(sub, core) + _reach(sub, core)
    if any(hasattr(node, a) for a in ("subpattern", "items", "branches", "yes_item")):
        return math.inf  # a composite this module does not know
    return _width(node, core) + 1  # a leaf; +1 for the character a boundary or $ looks at


def _width(node: object, core: object) -> float:
    width = node.max_width()  # type: ignore[attr-defined]
    return math.inf if width >= core.UNLIMITED else float(width)  # type: ignore[attr-defined]


__all__ = ["bounds", "regex"]
