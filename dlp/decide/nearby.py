"""What "about them" means in text: the same paragraph, and every place a person is named.

A fixed character reach misses "Jayden Brooks" in the first line of a note
and "anxiety" three sentences later, and catches a neighbouring paragraph
about someone else.  Writers group what they say about one person by
paragraph, so a paragraph (lines up to a blank line; a quote marker `>`
alone counts as blank; in documents and unwrapped mail, a line) is the unit;
a table row is its own paragraph.  A
person is also named by first name alone once the full name has been given
anywhere in the message ("Jayden Brooks" in the subject, "Jayden has been
absent" in the body), so each of those places counts too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from dlp.model import ChunkKind, Extraction, Finding

MAX_PARAGRAPH = 1000  # longer "paragraphs" are unbroken dumps: fall back to a character reach
FALLBACK_REACH = 400
BLOCK_LINES = 4  # an address block: name, street, city, phone
BLOCK_WIDTH = 60  # characters; longer lines are prose
BLANK_LINE = re.compile(r"\n[ \t>]*\n")  # a paragraph break, quoted or not
_LINE = re.compile(r"\n")
UNWRAPPED_LINE = 100  # mail is hard-wrapped near 72; a longer line means one line per paragraph
WIDEST_WRAP, WRAPPED_LINES = 132, 3  # unless 3+ lines sit near a longest line of at most 132


@lru_cache(maxsize=64)
def _unwrapped(text: str) -> bool:
    """Documents and unwrapped mail: each line is a paragraph (a blank line is not needed).
    Mail hard-wrapped wider than usual (105 columns) has several lines near its longest."""
    lengths = [len(line) for line in text.split("\n")]
    longest = max(lengths)
    if longest <= UNWRAPPED_LINE:
        return False
    wrapped = sum(1 for n in lengths if n >= 0.8 * longest) >= WRAPPED_LINES
    return longest > WIDEST_WRAP or not wrapped


# name keys are folded ("sofia"); the text may carry the accents ("Sofía")
_ACCENTED = {
    "a": "[aáàâäãạảấầẩẫậắằẳẵặă]", "e": "[eéèêëẹẻẽếềểễệ]", "i": "[iíìîïịỉĩ]",
    "o": "[oóòôöõọỏốồổỗộơớờởỡợ]", "u": "[uúùûüụủũưứừửữự]", "y": "[yýỳỵỷỹ]", "n": "[nñ]",
    "d": "[dđ]",
}  # fmt: skip
VIETNAMESE_FAMILY = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "dinh", "truong", "lam", "dao", "luu", "chau", "quach", "thai",
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    chunk: int
    start: int
    end: int


def paragraph(extraction: Extraction, place: Place) -> tuple[int, int]:
    """Bounds of the paragraph (or table row) around a place."""
    chunk = extraction.chunks[place.chunk]
    text = chunk.text
    if chunk.kind is ChunkKind.TABLE:
        return text.rfind("\n", 0, place.start) + 1, _end_of(text, text.find("\n", place.end))
    breaks = _LINE if _unwrapped(text) else BLANK_LINE
    starts = [m.end() for m in breaks.finditer(text, 0, place.start)]
    start = starts[-1] if starts else 0
    after = breaks.search(text, place.end)
    end = after.start() if after else len(text)
    if end - start > MAX_PARAGRAPH:
        return max(start, place.start - FALLBACK_REACH), min(end, place.end + FALLBACK_REACH)
    return start, end


def _end_of(text: str, newline: int) -> int:
    return newline if newline >= 0 else len(text)


def same_paragraph(extraction: Extraction, place: Place, f: Finding) -> bool:
    if f.chunk != place.chunk:
        return False
    start, end = paragraph(extraction, place)
    return start <= f.start < end or start < f.end <= end


def same_block(extraction: Extraction, place: Place, f: Finding) -> bool:
    """A name and the short lines right under it, like an address block:
    "Yvette Delacroix / 9013 Sidney Rd, Springfield VA / her cell 703-555-0163".

    Mail written in long unwrapped lines counts each line as a paragraph; a block of short
    lines with no blank line between is one entry all the same.
    """
    if f.chunk != place.chunk:
        return False
    text = extraction.chunks[place.chunk].text
    start = text.rfind("\n", 0, min(place.start, f.start)) + 1
    end = _end_of(text, text.find("\n", max(place.end, f.end)))
    lines = text[start:end].split("\n")
    return len(lines) <= BLOCK_LINES and all(0 < len(line.strip()) <= BLOCK_WIDTH for line in lines)


def first_name_places(extraction: Extraction, key: str, skip: Sequence[Place]) -> list[Place]:
    """Where the first name of a person named in full appears alone ("Jayden has been ...")."""
    words = key.split()
    given = words[-1] if words[0] in VIETNAMESE_FAMILY else words[0]  # "Nguyễn Minh Khoa": Khoa
    if len(words) < 2 or len(given) < 3:
        return []
    letters = [_ACCENTED.get(ch, re.escape(ch)) for ch in given]
    pattern = letters[0].upper() + "".join(letters[1:])  # capitalised: "Will", not "will"
    first = re.compile(r"(?<![\w'’-])" + pattern + r"(?![\w-])")
    out = []
    for index, chunk in enumerate(extraction.chunks):
        for m in first.finditer(chunk.text):
            if not any(p.chunk == index and p.start <= m.start() < p.end for p in skip):
                out.append(Place(index, m.start(), m.end()))
    return out[:50]


_TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Sr|Sra|Srta)\.?[ \t]+"


def titled_surname_places(extraction: Extraction, key: str, skip: Sequence[Place]) -> list[Place]:
    """Where a person named in full is later called by title and surname ("Crystal
    Maestas-Lujan" ... "Ms. Maestas-Lujan worked for us as ..."): the same person."""
    words = key.split()
    if len(words) < 2 or words[0] in VIETNAMESE_FAMILY:
        return []
    surname = r"[ \t-]".join(
        "".join(_ACCENTED.get(ch, re.escape(ch)) for ch in w).capitalize() for w in words[1:]
    )
    titled = re.compile(r"(?<![\w'’-])" + _TITLE + "(" + surname + r")(?![\w-])", re.I)
    out = []
    for index, chunk in enumerate(extraction.chunks):
        for m in titled.finditer(chunk.text):
            if not any(p.chunk == index and p.start <= m.start(1) < p.end for p in skip):
                out.append(Place(index, m.start(1), m.end(1)))
    return out[:50]
