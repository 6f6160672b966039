"""SIS export files → header and numbered rows, whatever the format and the layout.

Administrators hand us what their SIS produces: CSV in UTF-8 or Windows
code pages, with commas, semicolons or tabs, sometimes a title line above the
header; or an XLSX workbook.  Row numbers are the ones the administrator sees
in a spreadsheet program (the header is usually row 1), so that a reported
problem can be found and fixed at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlp.roster.store import RosterError

MAX_HEADER_SCAN = 10  # title or blank lines tolerated above the header row
_SAMPLE = 64 * 1024


def header_key(text: object) -> str:
    """'First_Name', 'first name', 'FIRST-NAME' → 'firstname': headers compare on this."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


@dataclass(frozen=True)
class Sheet:
    """The header cells and a stream of (row number, cells) after it."""

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[object]]]


def open_sheet(path: Path) -> Sheet:
    """Read a CSV/TSV or XLSX export; RosterError when the file cannot be read at all."""
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            return _from_rows(_xlsx_rows(path), path)
        return _from_rows(_csv_rows(path), path)
    except RosterError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise RosterError(f"{path}: cannot read the file ({exc})") from None


def _from_rows(rows: Iterator[tuple[int, list[object]]], path: Path) -> Sheet:
    for number, cells in rows:
        if number > MAX_HEADER_SCAN:
            break
        if sum(1 for c in cells if str(c or "").strip()) >= 2:
            header = [str(c or "").strip() for c in cells]
            return Sheet(header, number, rows)
    raise RosterError(f"{path}: no header row in the first {MAX_HEADER_SCAN} rows")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    text = _decode(path.read_bytes())
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:_SAMPLE], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            yield reader.line_num, list(cells)
    except csv.Error as exc:
        raise RosterError(f"{path}: line {reader.line_num}: {exc}") from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise RosterError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, list(values)
    finally:
        book.close()


def cell(cells: Sequence[object], index: int | None) -> object:
    """A cell's value, '' for a missing column or a short row."""
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return "" if value is None else value


def text_of(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())
