"""Whom a letter is written to: the subject of a notice about their own employment.

A hearing notice, a coaching memo or a leave approval is written *to* the
staff member it is about ("Ms. Oyelaran-Hughes, This notice informs you that
the District intends to recommend..."): the body names them only in the
salutation, by first name or title and surname, while the To header carries
the full name.  Elsewhere the addressee of a greeting is a bystander (the
parent told about their child); here the addressee is the subject, so the
salutation is matched to a To/Cc display name to learn who is identified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dlp.decide.nearby import Place, paragraph
from dlp.decide.people import full_name, name_key
from dlp.detect.names import known_name
from dlp.model import Extraction

_SALUTATION = re.compile(
    r"^[ \t]*(?:(?:dear|hello|hi|good (?:morning|afternoon)|estimad[oa]|querid[oa]|hola|"
    r"kính gửi|kinh gui|thưa|thua|chào|chao)[ \t]+)?"
    r"(?:(?:mr|mrs|ms|miss|dr|sr|sra|srta|anh|chị|chi|cô|co|thầy|thay|ông|ong|bà|ba)\.?[ \t]+)?"
    r"(\w[\w'’-]*(?:[ \t]+\w[\w'’-]*){0,4})[ \t]*[,:!]?[ \t]*$",
    re.I,
)
OPENING_LINES = 3  # the salutation is among the first lines of the body
# A letter about its reader's own employment says "you": "placed in your personnel file"
_SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|usted|ustedes|le informamos|le informo|tu|tus|bạn|anh/chị|anh chị)\b",
    re.I,
)
_LOCAL_WORD = re.compile(r"[a-z]{2,}")


@dataclass(frozen=True)
class Addressee:
    name: str  # the full display name from To/Cc
    chunk: int
    start: int  # the salutation's name in the body
    end: int


def names_in_addresses(addresses: Sequence[str]) -> tuple[str, ...]:
    """'leti.morales.83@gmail.com' → 'Leti Morales': a To address with no display name still
    says whom the letter is to, and a greeting ("Leti,") can be matched to it."""
    out = []
    for address in addresses:
        local = address.partition("@")[0].lower()
        words = _LOCAL_WORD.findall(local)
        if 2 <= len(words) <= 3 and len("".join(words)) + len(words) >= len(local) - 4:
            out.append(" ".join(w.capitalize() for w in words))
    return tuple(out)


def addressee(
    extraction: Extraction, addressee_names: Sequence[str], author_names: Sequence[str]
) -> Addressee | None:
    """The To/Cc person the body's opening salutation names, when it names one of them."""
    authors = {name_key(a) for a in author_names}
    people = [
        n
        for n in addressee_names
        if full_name(n, lower_case=True)  # a header's display name is a name even as 'kim nez'
        and name_key(n) not in authors
        and known_name(n.split())
    ]
    body = next((i for i, c in enumerate(extraction.chunks) if c.where == "body"), None)
    if not people or body is None:
        return None
    text = extraction.chunks[body].text
    lines = [m for m in re.finditer(r"[^\n]*\S[^\n]*", text)][:OPENING_LINES]
    for line in lines:
        m = _SALUTATION.fullmatch(line.group())
        if m is None:
            continue
        said = name_key(m.group(1)).split()
        for person in people:
            words = name_key(person).split()
            # "Sra. Paredes", or the full name with a second surname the header leaves out
            whole = len(words) >= 2 and set(words) <= set(said)
            if said and (set(said) <= set(words) or whole or _short_for(said, words)):
                start = line.start() + m.start(1)
                return Addressee(person, body, start, line.start() + m.end(1))
    return None


def _short_for(said: list[str], words: list[str]) -> bool:
    """'hi kimberly' to "kim nez": the greeting and the header give one first name, one of
    them a shortening of the other."""
    if len(said) != 1 or len(words) < 2 or min(len(said[0]), len(words[0])) < 3:
        return False
    return said[0].startswith(words[0]) or words[0].startswith(said[0])


def speaks_to_reader(extraction: Extraction, chunk: int, start: int, end: int) -> bool:
    """The paragraph around a place addresses its reader ("your leave", "usted")."""
    lo, hi = paragraph(extraction, Place(chunk, start, end))
    return bool(_SECOND_PERSON.search(extraction.chunks[chunk].text, lo, hi))
