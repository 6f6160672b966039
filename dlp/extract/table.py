"""Render tables (CSV, spreadsheets, HTML tables) so that headers give context.

A roster is mostly bare numbers: "1234567" means nothing until the column says
"Student ID".  Each data row becomes one line, every cell prefixed by its
header ("Student ID: 1234567 | DOB: 2011-03-04"), so pattern context and the
per-row person count in classification see what a reader of the table sees.
Split first/last name columns are joined into one "Name:" cell so that name
detection sees a full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from dlp.model import ChunkKind, TextChunk

_NUMERIC = re.compile(r"^[\s\d.,:/$%()+#-]*$")
# "First", "Student First Name", "Nombre/First"; "Last", "Apellido/Last", "Surname"
_FIRST = re.compile(
    r"^(?:[\w ]+/\s*)?(?:student\s+|legal\s+|employee\s+|staff\s+)?(?:first|nombre)(?:\s*name)?"
    r"(?:\s*/[\w ]+)?$|^given\s*name$",
    re.I,
)
_LAST = re.compile(
    r"^(?:[\w ]+/\s*)?(?:student\s+|legal\s+|employee\s+|staff\s+)?(?:last|apellidos?)(?:\s*name)?"
    r"(?:\s*/[\w ]+)?$|^(?:surname|family\s*name)$",
    re.I,
)
# one column holding "Acosta Marín, Valeria": "Last, First", "Name (Last, First)"
_LAST_FIRST = re.compile(
    r"^(?:(?:student|employee|staff)\s+)?(?:name\s*\(?)?(?:last|apellidos?)\s*,\s*(?:first|nombre)"
    r"(?:\s*name)?\)?$",
    re.I,
)
# Vietnamese forms split a name as "Họ" (family name) and "Tên" (given name), written in
# that order; "Họ và tên", "Nombre completo" hold the whole name in one column.
_VI_FAMILY = re.compile(r"^h[ọo](?:\s+(?:học sinh|hoc sinh))?$", re.I)
_VI_GIVEN = re.compile(r"^t[êe]n(?:\s+(?:học sinh|hoc sinh))?$", re.I)
_WHOLE_NAME = re.compile(
    r"^(?:h[ọo](?:\s+v[àa])?\s+t[êe]n|t[êe]n\s+h[ọo]c\s+sinh|nombre\s+completo|"
    r"nombre\s+del?\s+(?:estudiante|alumn[oa]|emplead[oa])|apellidos?\s+y\s+nombres?)$",
    re.I,
)
_TITLE_PAIR = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+$")
MAX_HEADER_SCAN = 10  # rows above the header (titles, blank lines) tolerated


def _clean(cell: object) -> str:
    if cell is None:
        return ""
    text = str(cell).strip()
    return " ".join(text.split())


def _is_header(row: Sequence[str]) -> bool:
    filled = [c for c in row if c]
    if len(filled) < 2:
        return False
    labels = [c for c in filled if not _NUMERIC.match(c) and len(c) <= 40]
    return len(labels) == len(filled)


def _label(header: str) -> str:
    """'first_name' / 'FirstName' / 'FIRST-NAME' → 'first name' style labels people read."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header)
    return " ".join(re.sub(r"[_]+", " ", spaced).split())


def _header_index(rows: Sequence[Sequence[str]]) -> int | None:
    for i, row in enumerate(rows[:MAX_HEADER_SCAN]):
        if _is_header(row):
            return i
    return None


def _name_columns(header: Sequence[str]) -> tuple[int, int] | None:
    """The two columns that make up a name, in the order the name is written."""
    first = next((i for i, h in enumerate(header) if _FIRST.match(h)), None)
    last = next((i for i, h in enumerate(header) if _LAST.match(h)), None)
    if first is not None and last is not None:
        return first, last
    family = next((i for i, h in enumerate(header) if _VI_FAMILY.match(h)), None)
    given = next((i for i, h in enumerate(header) if _VI_GIVEN.match(h)), None)
    if family is not None and given is not None:
        return family, given  # "Phạm" + "Quốc Anh" → "Phạm Quốc Anh"
    return None


def _natural(value: str) -> str:
    """'Acosta Marín, Valeria' → 'Valeria Acosta Marín'."""
    last, comma, first = value.partition(",")
    return f"{first.strip()} {last.strip()}" if comma and first.strip() else value


def _render_row(header: Sequence[str], row: Sequence[str], names: tuple[int, int] | None) -> str:
    cells: list[str] = []
    for i, value in enumerate(row):  # a "Last, First" column is a name column too
        if value and i < len(header) and _LAST_FIRST.match(header[i]):
            cells.append(f"Name: {_natural(value)}")
        elif value and i < len(header) and _WHOLE_NAME.match(header[i]):
            cells.append(f"Name: {value}")
    if names is not None:
        first, last = names
        full = " ".join(x for x in (_get(row, first), _get(row, last)) if x)
        if full:
            cells.append(f"Name: {full}")
    for i, value in enumerate(row):
        if not value or (names is not None and i in names):
            continue
        if i < len(header) and (_LAST_FIRST.match(header[i]) or _WHOLE_NAME.match(header[i])):
            continue
        label = header[i] if i < len(header) and header[i] else ""
        cells.append(f"{label}: {value}" if label else value)
    return " | ".join(cells)


def _get(row: Sequence[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def _key_value(grid: Sequence[Sequence[str]]) -> bool:
    """A two-column form ("Student | Dennis Stanley", "Grade | 10"): labels down the left."""
    pairs = [[c for c in row if c] for row in grid]
    if len(pairs) < 3 or any(len(p) > 2 for p in pairs):
        return False
    labels = [p[0] for p in pairs[1:] if len(p) == 2]
    if len(labels) < 2 or any(_NUMERIC.match(x) or len(x) > 40 for x in labels):
        return False
    # a two-column data table lists people down the left ("Jacob Martinez | 1234567")
    name_like = sum(1 for x in labels if _TITLE_PAIR.match(x))
    return name_like * 2 < len(labels)


def render_table(rows: Iterable[Iterable[object]]) -> str:
    """Rows of cells → text, one line per row, cells labelled by their header."""
    grid = [[_clean(c) for c in row] for row in rows]
    grid = [row for row in grid if any(row)]
    if _key_value(grid):
        return "\n".join(": ".join(c for c in row if c) for row in grid)
    h = _header_index(grid)
    if h is None:
        return "\n".join(" | ".join(c for c in row if c) for row in grid)
    header = [_label(c) for c in grid[h]]
    names = _name_columns(header)
    lines = [" | ".join(c for c in row if c) for row in grid[:h]]
    lines.append(" | ".join(c for c in header if c))
    lines.extend(_render_row(header, row, names) for row in grid[h + 1 :])
    return "\n".join(lines)


_DELIMITERS = ("\t", "|", "  ", ";", ",")
_ALIGNED = re.compile(r"[ \t]{2,}")  # columns lined up with spaces, as pasted from a report
MIN_TEXT_TABLE_ROWS = 3
MIN_ALIGNED_COLUMNS = 3


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == "  ":
        return [c.strip() for c in _ALIGNED.split(line.strip())]
    cells = [c.strip() for c in line.strip().strip("|").split(delimiter)]
    return cells


def _text_table_end(lines: list[str], start: int, delimiter: str) -> int:
    """Index after the run of lines with the same (2+) number of cells as lines[start]."""
    width = len(_split(lines[start], delimiter))
    end = start
    while end < len(lines) and lines[end].strip() and len(_split(lines[end], delimiter)) == width:
        end += 1
    return end if width >= 2 else start


def relabel_text_tables(text: str) -> str:
    """Pasted spreadsheet rows in a text body (tab, pipe, semicolon or comma separated,
    a header line first) become labelled rows, as an attached spreadsheet would."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        block = _text_table_at(lines, i)
        if block is None:
            out.append(lines[i])
            i += 1
            continue
        end, delimiter = block
        out.extend(render_table(_split(line, delimiter) for line in lines[i:end]).split("\n"))
        i = end
    return "\n".join(out)


def _starts(line: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?:^|(?<=[ \t]{2}))\S", line)]


def _aligned(lines: list[str]) -> bool:
    """Columns lined up under a header of labels: cells start where the header's do."""
    if len(lines) < MIN_TEXT_TABLE_ROWS:
        return False
    header = _split(lines[0], "  ")
    if len(header) < MIN_ALIGNED_COLUMNS or any(c.endswith((".", "!", "?")) for c in header):
        return False
    columns = _starts(lines[0])
    for line in lines[1:]:
        starts = _starts(line)
        lined_up = sum(any(abs(s - c) <= 3 for c in columns) for s in starts)
        if lined_up * 3 < len(starts) * 2:
            return False
    return True


def _text_table_at(lines: list[str], i: int) -> tuple[int, str] | None:
    for delimiter in _DELIMITERS:
        if delimiter not in lines[i]:
            continue
        if delimiter == "  " and len(_ALIGNED.findall(lines[i].strip())) < MIN_ALIGNED_COLUMNS - 1:
            continue  # fewer than three columns: not worth reading further
        end = _text_table_end(lines, i, delimiter)
        rows = end - i
        header = [_clean(c) for c in _split(lines[i], delimiter)]
        if delimiter == "  " and not _aligned(lines[i:end]):
            continue  # two sentences after a double space are not a table
        strict = delimiter in (",", ";", "  ")  # prose has commas: demand a header and more rows
        header_ok = _is_header(header) and not (
            strict and any(ch.isdigit() for ch in "".join(header))
        )
        if rows >= MIN_TEXT_TABLE_ROWS + (1 if strict else 0) and (header_ok or not strict):
            return end, delimiter
    return None


def table_chunk(where: str, rows: Iterable[Iterable[object]]) -> TextChunk:
    return TextChunk(where, render_table(rows), ChunkKind.TABLE)
