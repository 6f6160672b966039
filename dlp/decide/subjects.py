"""Who a message is about, decided from the whole message rather than the words next to a name.

`people.py` gives each named person a role from role words beside the name.
Most school mail has none: a teacher writes to a colleague about "Jayden
Brooks" and his failing grade, and only the class period and her signature
say it is school.  Here a person without a role word counts as a student
when the message is about school life (`school.py`) and confidential student
information sits in the same paragraph as any place the person is named.
The people a message is *to* or *from* are never its subject: the author and
signatures, the addressee of the salutation, names in quoted header lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dlp.decide.nearby import Place, first_name_places, same_paragraph, titled_surname_places
from dlp.decide.people import Mention
from dlp.detect.names import listed_full_name
from dlp.model import ChunkKind, Extraction, Finding

_GREETING = re.compile(
    r"(?:^|\n)[ \t>]*(?:dear|hello|hi|hey|good (?:morning|afternoon)|estimad[oa]|querid[oa]|"
    r"hola|kính gửi|kinh gui|thưa|chào|chao)\b[ \t,]*(?:(?:mr|mrs|ms|dr|sr|sra|srta|anh|chị|"
    r"chi|cô|co|thầy|thay|ông|ong|bà|ba)\.?[ \t]+)?$",
    re.I,
)
_HEADER = re.compile(
    r"@|\bwrote:|escribió:|escribio:|đã viết:|^\s*>?\s*(?:from|to|cc|sent|de|para|enviado|"
    r"asunto|subject|từ|gửi|đến)\s*:",
    re.I | re.M,
)


@dataclass(frozen=True)
class Subject:
    mention: Mention
    evidence: tuple[int, ...]  # indices of the confidential findings tied to the person
    where: str  # how they were tied ("same paragraph as the first name", ...)


def subject_chunks(extraction: Extraction) -> set[int]:
    """The subject lines: the message's own and those of attached mail."""
    return {i for i, c in enumerate(extraction.chunks) if c.where.endswith("subject")}


def places_of(extraction: Extraction, mentions: Sequence[Mention], key: str) -> list[Place]:
    """Every place a person is named: full-name mentions, then their first name alone or
    their surname after a title."""
    full = [Place(m.chunk, m.start, m.end) for m in mentions if m.key == key]
    return (
        full
        + first_name_places(extraction, key, full)
        + titled_surname_places(extraction, key, full)
    )


def is_bystander(extraction: Extraction, m: Mention) -> bool:
    """The addressee of a greeting or a name in a quoted header line: not a subject."""
    text = extraction.chunks[m.chunk].text
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return bool(_GREETING.search(text[max(0, line_start - 1) : m.start]) or _HEADER.search(line))


_SENDER_LINE = re.compile(
    r"[ \t>]*(?:from|to|cc|bcc|sent|de|para|enviado|từ|tu|gửi|gui|đến|den)[ \t]*:", re.I
)


def in_header_line(extraction: Extraction, m: Mention) -> bool:
    """A name in a quoted "From:" or "De:" line: who wrote or got the earlier mail."""
    text = extraction.chunks[m.chunk].text
    line_start = text.rfind("\n", 0, m.start) + 1
    return bool(_SENDER_LINE.match(text, line_start))


def tied_findings(
    extraction: Extraction,
    findings: Sequence[Finding],
    places: Sequence[Place],
    candidates: Iterable[int],
) -> tuple[int, ...]:
    """Findings (by index) that share a paragraph with any place the person is named."""
    wanted = list(candidates)
    return tuple(
        i for i in wanted if any(same_paragraph(extraction, p, findings[i]) for p in places)
    )


def school_life_student(
    extraction: Extraction,
    findings: Sequence[Finding],
    mentions: Sequence[Mention],
    confidential: Sequence[int],
) -> Subject | None:
    """The first person with no role word whose paragraph holds confidential student information."""
    seen: set[str] = set()
    subjects = subject_chunks(extraction)
    for m in mentions:
        if m.role != "unknown" or m.is_author or m.key in seen or is_bystander(extraction, m):
            continue
        seen.add(m.key)
        places = places_of(extraction, mentions, m.key)
        tied = tied_findings(extraction, findings, places, confidential)
        if tied:
            return Subject(m, tied, "in the same paragraph as the name")
        if m.chunk in subjects and _plainly_a_name(extraction, m):
            # "Re: Kaylee Brandt - 504 mtg follow up": the subject names whom the message is about
            return Subject(m, tuple(confidential), "in a message whose subject line names them")
        if _listed(extraction, findings, m) and (
            about := [i for i in confidential if findings[i].chunk in subjects]
        ):
            return Subject(m, tuple(about), "in the subject line of the list they are in")
    return None


def _plainly_a_name(extraction: Extraction, m: Mention) -> bool:
    """Capitalised, or all in lower case as a hurried subject is ("scores for liam
    okafor-price"), with a listed given name and surname: not "Toro Talk" or "15 min slot"."""
    words = extraction.chunks[m.chunk].text[m.start : m.end].split()
    cased = all(w[:1].isupper() for w in words) or all(w.islower() for w in words)
    return cased and listed_full_name(words)


def _listed(extraction: Extraction, findings: Sequence[Finding], m: Mention) -> bool:
    """A name in a table or after a "Name:" label: a row of the record the subject names."""
    return (
        extraction.chunks[m.chunk].kind is ChunkKind.TABLE
        or findings[m.finding].entity == "LABELLED_NAME"
    )
