"""Checksum and range validators that pattern files name with `validator:`.

A regex finds the shape of a number; a validator says whether a real one
could have that value (Luhn for cards, the ABA checksum for routing numbers,
SSA's never-issued ranges for SSNs).  Each takes the matched text and returns
True when the value is plausible.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

_DIGITS = re.compile(r"\D")

# Numbers published as examples or used in advertising; never a real person's.
KNOWN_DUMMY_SSNS = frozenset({"078051120", "219099999", "123456789", "111111111", "987654320"})


def digits(text: str) -> str:
    return _DIGITS.sub("", text)


def luhn(text: str) -> bool:
    """Payment card numbers: 13-19 digits, Luhn checksum, a card-issuer first digit."""
    d = digits(text)
    if not 13 <= len(d) <= 19 or d[0] not in "3456" or len(set(d)) == 1:
        return False
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def aba_routing(text: str) -> bool:
    """US bank routing transit numbers: 9 digits, 3-7-1 weighted checksum, valid prefix."""
    d = digits(text)
    if len(d) != 9 or len(set(d)) == 1:
        return False
    prefix = int(d[:2])
    if not (0 <= prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return False
    weights = (3, 7, 1) * 3
    return sum(int(c) * w for c, w in zip(d, weights, strict=True)) % 10 == 0


def us_ssn(text: str) -> bool:
    """SSNs as the SSA issues them: area not 000/666/9xx, group not 00, serial not 0000."""
    d = digits(text)
    if len(d) != 9 or d in KNOWN_DUMMY_SSNS or len(set(d)) == 1:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    if area in ("000", "666") or area[0] == "9":
        return False
    return group != "00" and serial != "0000"


def us_itin(text: str) -> bool:
    """ITINs: 9xx-GG-xxxx with group 50-65, 70-88, 90-92 or 94-99."""
    d = digits(text)
    if len(d) != 9 or d[0] != "9":
        return False
    group = int(d[3:5])
    return 50 <= group <= 65 or 70 <= group <= 88 or 90 <= group <= 92 or 94 <= group <= 99


_DATE = re.compile(
    r"(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})[-/.](?P<y2>\d{2,4})"
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january", "enero"),
            ("feb", "february", "febrero"),
            ("mar", "march", "marzo"),
            ("apr", "april", "abril"),
            ("may", "mayo"),
            ("jun", "june", "junio"),
            ("jul", "july", "julio"),
            ("aug", "august", "agosto"),
            ("sep", "sept", "september", "septiembre"),
            ("oct", "october", "octubre"),
            ("nov", "november", "noviembre"),
            ("dec", "december", "diciembre"),
        ),
        start=1,
    )
    for m in names
}


def birth_date(text: str) -> bool:
    """A calendar date a living person could be born on (1900 up to today)."""
    parsed = parse_date(text)
    return parsed is not None and date(1900, 1, 1) <= parsed <= date.today()


def parse_date(text: str) -> date | None:
    """A written date (numeric, either day order, or with a month's name), if it is one."""
    m = _DATE.search(text)
    try:
        if m and m.group("y1"):
            return date(int(m["y1"]), int(m["m1"]), int(m["d1"]))
        if m:
            year = int(m["y2"])
            year += (1900 if year > date.today().year % 100 else 2000) if year < 100 else 0
            month, day = int(m["m2"]), int(m["d2"])
            if month > 12 >= day:  # 14/02/2013: written day first, as Spanish and Vietnamese do
                month, day = day, month
            return date(year, month, day)
        return _parse_worded(text)
    except ValueError:
        return None


def _parse_worded(text: str) -> date | None:
    words = re.findall(r"[A-Za-z]+|\d+", text.lower())
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    year = next((n for n in numbers if n > 31), None)
    day = next((n for n in numbers if 1 <= n <= 31), None)
    if month is None or year is None or day is None:
        return None
    return date(year, month, day)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "aba_routing": aba_routing,
    "us_ssn": us_ssn,
    "us_itin": us_itin,
    "birth_date": birth_date,
}
