"""Dates as reviewers type them: `2024-05-01`, `2024-05-01T08:00`, or `7d` / `12h` ago (UTC)."""

from __future__ import annotations

import calendar
import re
import time

from dlp.quarantine.model import QuarantineError

_AGO = re.compile(r"^(\d+(?:\.\d+)?)([dhm])$")
_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
_UNITS = {"d": 86400, "h": 3600, "m": 60}


def parse_when(text: str | None) -> float | None:
    """Epoch seconds, or None for an empty value; a clear error for anything else."""
    if text is None or not text.strip():
        return None
    value = text.strip().rstrip("Z")
    ago = _AGO.match(value)
    if ago:
        return time.time() - float(ago.group(1)) * _UNITS[ago.group(2)]
    for fmt in _FORMATS:
        try:
            return float(calendar.timegm(time.strptime(value, fmt)))
        except ValueError:
            continue
    raise QuarantineError(f"cannot read the date {text!r}: use YYYY-MM-DD[THH:MM] (UTC) or 7d")


def age(epoch: float, now: float | None = None) -> str:
    """'3d 4h', '25m': how long a message has waited."""
    seconds = max(0, int((now or time.time()) - epoch))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {rest // 60}m"
    return f"{rest // 60}m"
