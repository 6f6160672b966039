"""The evidence of a held message, grouped the way a privacy officer reads it.

Thirty finding rows for one roster say less than "15 student IDs and 15
birth dates in roster-period3.xlsx, sheet Period 3". Findings are grouped by
where they are and, in a part that is about a few people, by person: a
value on the same line as a name belongs to that name. A part naming more
than `ROSTER_PEOPLE` people is a list and stays one group. Each group has
one Reveal (audited) covering its values, names included: every value,
names too, is masked until revealed. Words such as "grades" or "IEP" are
shown as they are and never offered for reveal; they are context, not data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dlp.model import TextChunk
from dlp.quarantine import findings as positions
from dlp.quarantine import words
from dlp.quarantine.model import HeldFinding

ROSTER_PEOPLE = 3  # more distinct names than this in one part: a list, one group
NAME_ROLES = ("roster_student", "roster_staff", "person_name")


@dataclass(frozen=True)
class Group:
    """Findings `numbers` (indexes into the record's findings) told as one sentence."""

    key: str  # stable id for the Reveal form
    sentence: str  # "15 student IDs and 15 birth dates in roster.xlsx, sheet Period 3"
    person: str  # masked name ("J. M.") when the group is one person's, else ""
    numbers: tuple[int, ...]  # revealable findings
    terms: tuple[str, ...]  # plain words found ("IEP", "grades"), never masked


def place(where: str) -> str:
    """'attachment:roster.xlsx#Period 3' → 'roster.xlsx, sheet Period 3'."""
    if where == "body":
        return "the message body"
    if where == "subject":
        return "the subject"
    text = where.removeprefix("attachment:")
    text = text.replace("attachment:", "")
    if "#" in text:
        name, _, sheet = text.partition("#")
        return f"{name}, sheet {sheet}"
    return text


def groups(chunks: Sequence[TextChunk], found: Sequence[HeldFinding]) -> list[Group]:
    """The groups, in the order their parts and people first appear."""
    lines = {n: _line(chunks, f) for n, f in enumerate(found)}
    by_where: dict[str, list[int]] = {}
    for n, f in enumerate(found):
        by_where.setdefault(f.where, []).append(n)
    out: list[Group] = []
    for where, numbers in by_where.items():
        names = {n for n in numbers if found[n].role in NAME_ROLES}
        people = {_who(chunks, found[n]) for n in names}  # masks of two names may collide
        if len(people) > ROSTER_PEOPLE:
            out.append(_group(f"{where}", where, "", numbers, found))
            continue
        owner: dict[int, str] = {}  # finding → the identity of the name on its line
        shown: dict[str, str] = {}  # identity → its masked name
        for n in sorted(names):
            who = _who(chunks, found[n])
            shown.setdefault(who, found[n].excerpt)
            for m in numbers:
                if lines[m] is not None and lines[m] == lines[n]:
                    owner.setdefault(m, who)
        for who in dict.fromkeys(owner[n] for n in numbers if n in owner):
            mine = [n for n in numbers if owner.get(n) == who]
            out.append(_group(f"{where}|{shown[who]}|{len(out)}", where, shown[who], mine, found))
        rest = [n for n in numbers if n not in owner]
        if rest:
            out.append(_group(f"{where}|", where, "", rest, found))
    return out


def _who(chunks: Sequence[TextChunk], f: HeldFinding) -> str:
    value = positions.value(tuple(chunks), f)
    return " ".join((value or f.excerpt).split()).lower()


def _line(chunks: Sequence[TextChunk], f: HeldFinding) -> tuple[int, int] | None:
    if not positions.locate(tuple(chunks), f):
        return None
    return f.chunk, chunks[f.chunk].text.count("\n", 0, f.start)


def _group(
    key: str, where: str, person: str, numbers: list[int], found: Sequence[HeldFinding]
) -> Group:
    values = [n for n in numbers if found[n].role not in words.PLAIN_ROLES]
    terms = tuple(dict.fromkeys(found[n].excerpt for n in numbers if n not in values))
    counted = Counter(words.kind(found[n].entity, found[n].role) for n in values)
    parts = [_count(k, c, found, values) for k, c in counted.items()]
    what = words.listing(parts) or "record words"
    sentence = f"{what} in {place(where)}"
    if person:
        sentence = f"{person}: {sentence}"
    return Group(key, sentence[:1].upper() + sentence[1:], person, tuple(values), terms)


def _count(kind: str, count: int, found: Sequence[HeldFinding], values: list[int]) -> str:
    if count == 1:
        return f"a {kind}" if kind[:1].lower() not in "aeiou" else f"an {kind}"
    n = next(n for n in values if words.kind(found[n].entity, found[n].role) == kind)
    return words.kind(found[n].entity, found[n].role, count)


def masked_subject(subject: str, found: Sequence[HeldFinding]) -> str:
    """The subject with its findings masked, for the queue, the title and the headers.

    The subject chunk is the decoded Subject itself, so findings placed in it
    cut the stored subject; one that no longer fits is left for the reveal.
    """
    chunk = (TextChunk("subject", subject),)
    placed = [(n, f) for n, f in enumerate(found)
              if f.where == "subject" and positions.locate(chunk, replace(f, chunk=0))]  # fmt: skip
    return "".join(s.text for s in positions.cut(subject, placed, frozenset()))
