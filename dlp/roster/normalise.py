"""One canonical form per roster value, shared by the importer and the matcher.

Import and matching must agree byte for byte: the store holds only keyed
hashes, so "José García-López" in the SIS export and "Jose Garcia Lopez" in a
message match only if both fold to the same string before hashing.  Names fold
case, accents and punctuation and come in every form people write them
(preferred first name, first part of a two-part surname); IDs keep letters and
digits only; dates of birth become ISO dates whatever format the export used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

MAX_NAME_TOKENS = 5  # the matcher hashes windows of up to 5 words ("Ana María de la Cruz")
MIN_ID_CHARS = 5  # shorter IDs collide with room numbers, counts and years
# Surname particles: "de la Cruz" is one surname, never split into "de" + "la Cruz".
PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "van", "von",
     "der", "den", "le", "st", "san", "bin", "ibn", "al", "el", "y", "e"}
)  # fmt: skip
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_APOSTROPHES = "'’`´"
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "january", "ene", "enero"), ("feb", "february", "febrero"),
         ("mar", "march", "marzo"), ("apr", "april", "abr", "abril"), ("may", "mayo"),
         ("jun", "june", "junio"), ("jul", "july", "julio"), ("aug", "august", "ago", "agosto"),
         ("sep", "sept", "september", "septiembre"), ("oct", "october", "octubre"),
         ("nov", "november", "noviembre"), ("dec", "december", "dic", "diciembre")]
    )
    for m in names
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_US = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:\s.*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WORDED = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_WORDED_DMY = re.compile(r"^(\d{1,2})\s+(?:de\s+)?([a-z]+)\.?,?\s+(?:de\s+)?(\d{4})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def fold(text: str) -> str:
    """Lower case without accents: 'José' and 'JOSE' are the same name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_words(text: str) -> list[str]:
    """Folded words of a name; apostrophes vanish (O'Neil = ONeil), other punctuation splits."""
    folded = fold(text)
    for mark in _APOSTROPHES:
        folded = folded.replace(mark, "")
    return re.findall(r"[^\W\d_]+", folded)


def name_key(words: Iterable[str]) -> str:
    return " ".join(words)


def surname_forms(last: str) -> list[list[str]]:
    """A surname as written, plus the shorter forms people use for two-part surnames.

    "García López" is often just "García"; "Smith-Jones" may be either part.  A
    surname that starts with a particle ("de la Cruz", "Van Buren") stays whole.
    """
    words = [w for w in name_words(last) if w not in _SUFFIXES]
    if not words:
        return []
    forms = [words]
    parts = _surname_parts(words)
    if len(parts) >= 2:
        forms.append(parts[0])
        if "-" in last or len(parts) == 2:
            forms.append(parts[-1])
    return _unique(forms)


def _surname_parts(words: list[str]) -> list[list[str]]:
    """Group words so that particles stay attached to the word after them."""
    parts: list[list[str]] = []
    pending: list[str] = []
    for word in words:
        pending.append(word)
        if word not in PARTICLES:
            parts.append(pending)
            pending = []
    if pending:
        parts.append(pending)
    return parts


def given_forms(first: str, preferred: str = "") -> list[list[str]]:
    """First name as written, its first word ("Mary Ann" → "Mary"), and the preferred name."""
    forms: list[list[str]] = []
    for raw in (first, preferred):
        words = name_words(raw)
        if words:
            forms.append(words)
            if len(words) > 1:
                forms.append(words[:1])
    return _unique(forms)


def name_keys(first: str, last: str, preferred: str = "") -> set[str]:
    """Every natural-order full-name key ("given surname") a message could use for a person."""
    keys = set()
    for given in given_forms(first, preferred):
        for surname in surname_forms(last):
            words = given + surname
            if 2 <= len(words) <= MAX_NAME_TOKENS:
                keys.add(name_key(words))
    return keys


def split_full_name(full: str) -> tuple[str, str]:
    """'Martinez, Jacob' or 'Jacob Martinez' or 'Maria de la Cruz' → (first, last)."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    words = full.split()
    if len(words) < 2:
        return full.strip(), ""
    cut = len(words) - 1
    while cut > 1 and fold(words[cut - 1]).strip(".") in PARTICLES:
        cut -= 1  # "Maria de la Cruz": the particles belong to the surname
    return " ".join(words[:cut]), " ".join(words[cut:])


def _unique(forms: list[list[str]]) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for form in forms:
        if tuple(form) not in seen:
            seen.add(tuple(form))
            out.append(form)
    return out


def id_key(value: object) -> str:
    """Letters and digits only, upper case: 'S-00123 45' and 's0012345' are the same ID."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet stored the ID as a number
    return "".join(ch for ch in fold(str(value)) if ch.isalnum()).upper()


def phone_key(value: object) -> str:
    """The last 10 digits: '+1 (555) 010-2299' and '555.010.2299' are the same line."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits[-10:] if len(digits) >= 10 else ""


def email_key(value: str) -> str:
    """Lower case, no surrounding brackets or spaces; '' when it is not an address."""
    cleaned = value.strip().strip("<>;,").strip().lower()
    return cleaned if _EMAIL.match(cleaned) else ""


def date_key(value: object) -> str:
    """An ISO date from the formats SIS exports and people use; '' when it is not a date.

    Numeric dates are read US-style (month first), as the district's exports
    write them; a first field over 12 is read day-first.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = fold(str(value)).strip()
    for candidate in _date_candidates(text):
        return candidate
    return ""


def date_keys(text: str) -> list[str]:
    """Every ISO reading of a date in a message: both orders when the day could be a month."""
    return list(_date_candidates(fold(text).strip(), both_orders=True))


def _date_candidates(text: str, both_orders: bool = False) -> list[str]:
    fields = _date_fields(text)
    if fields is None:
        return []
    year, first, second = fields
    orders = [(first, second)]
    if first > 12 or both_orders:
        orders.append((second, first))
    out = []
    for month, day in orders:
        iso = _iso(year, month, day)
        if iso and iso not in out:
            out.append(iso)
    return out


def _date_fields(text: str) -> tuple[int, int, int] | None:
    """(year, month-or-day, day-or-month) from one date string, or None."""
    if m := _ISO.match(text) or _COMPACT.match(text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _US.match(text):
        year = int(m[3])
        if year < 100:
            year += 2000 if year < 50 else 1900
        return year, int(m[1]), int(m[2])
    if (m := _WORDED.match(text)) and m[1] in _MONTHS:
        return int(m[3]), _MONTHS[m[1]], int(m[2])
    if (m := _WORDED_DMY.match(text)) and m[2] in _MONTHS:
        return int(m[3]), _MONTHS[m[2]], int(m[1])
    return None


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""
