"""Excel workbooks: .xlsx/.xlsm/.xltx with openpyxl, .xlsb with pyxlsb, .xls with xlrd.

Each is the maintained pure-Python reader for its format (MIT/BSD/Apache).
openpyxl runs `read_only` (streaming, constant memory) and `data_only` (cached
formula results, never formulas).  Every sheet becomes a table through
`table_chunk`, and every cell is rendered as a person sees it in Excel: a
student ID stored as 1234567.0 reads "1234567", a zero-padded ID keeps its
zeros, a date cell reads as a date, because that is what detection matches.
Beyond the cells: print headers and footers and formula texts (a formula with
no cached value still shows its string literals) are pulled from each sheet's
XML, and comments, text boxes, charts and properties come from
`ooxml.side_parts`.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Iterator

import openpyxl
import pyxlsb
import xlrd

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.formats.ooxml import normalised, package_members, side_parts
from dlp.extract.formats.safezip import vet_document
from dlp.extract.table import table_chunk
from dlp.model import TextChunk

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_DIGIT_MASK = re.compile(r"^[0#?\- ()]*0[0#?\- ()]*$")
_DECIMALS = re.compile(r"^[#,0]*0\.(0+)$")


def display(value: object, number_format: str = "General") -> str:
    """A cell value as Excel would show it (the parts of the format that matter)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _display_date(value, number_format)
    if isinstance(value, int | float):
        return _display_number(value, number_format)
    return str(value)


def _display_date(value: dt.date | dt.time, number_format: str) -> str:
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    fmt = _QUOTED.sub("", number_format.lower())
    has_time = isinstance(value, dt.datetime) and (value.hour or value.minute or value.second)
    day = value.date() if isinstance(value, dt.datetime) else value
    if fmt.find("m") != -1 and -1 < fmt.find("m") < fmt.find("d") < fmt.find("y"):
        text = f"{day.month:02d}/{day.day:02d}/{day.year}"  # US m/d/yyyy, as staff type it
    elif -1 < fmt.find("d") < fmt.find("m") < fmt.find("y"):
        text = f"{day.day:02d}/{day.month:02d}/{day.year}"
    else:
        text = day.isoformat()
    if has_time and isinstance(value, dt.datetime):
        text += " " + value.time().isoformat(timespec="minutes")
    return text


def _display_number(value: float, number_format: str) -> str:
    fmt = _QUOTED.sub("", number_format.split(";")[0]).strip()
    integral = float(value).is_integer()
    if integral and value >= 0 and _DIGIT_MASK.match(fmt):
        return _apply_mask(int(value), fmt)
    decimals = _DECIMALS.match(fmt.replace(",", ""))
    if decimals:
        return f"{value:.{len(decimals.group(1))}f}"
    if fmt.endswith("%"):
        return f"{value * 100:.10g}%"
    return str(int(value)) if integral else f"{value:.10g}"


def _apply_mask(number: int, fmt: str) -> str:
    """Fill a mask like 0000000 or 000-00-0000 with the digits, keeping its zeros."""
    digits = str(number).zfill(fmt.count("0"))
    slots = sum(c in "0#?" for c in fmt)
    if len(digits) != slots:
        return digits
    it = iter(digits)
    return "".join(next(it) if c in "0#?" else c for c in fmt)


_SHEET_EXTRAS = re.compile(
    rb"<(?:\w+:)?(f|oddHeader|evenHeader|firstHeader|oddFooter|evenFooter|firstFooter)"
    rb"(?:\s[^>]*)?>([^<]+)</"
)
_HEADER_CODES = re.compile(r'&(?:"[^"]*"|K[0-9A-Fa-f]{6}|\d+|[A-Za-z&])')
_SHEET_PART = re.compile(r"^xl/(?:worksheets|dialogsheets|macrosheets)/[^/]+\.(?:xml|bin)$", re.I)


def sheet_extras(zf: zipfile.ZipFile, ctx: Context) -> Iterator[tuple[str, str]]:
    """(part, text) of each sheet's print headers/footers and formulas."""
    for info in zf.infolist():
        if not _SHEET_PART.match(info.filename) or not info.filename.endswith(".xml"):
            continue
        ctx.check_time()
        lines = []
        for kind, raw in _SHEET_EXTRAS.findall(zf.read(info)):
            text = html.unescape(raw.decode("utf-8", "replace"))
            if kind != b"f":
                text = " ".join(_HEADER_CODES.sub(" ", text).split())
            lines.append(text)
        if lines:
            yield info.filename, "\n".join(lines)


def _extras(zf: zipfile.ZipFile, where: str, ctx: Context) -> Iterator[Item]:
    for part, text in sheet_extras(zf, ctx):
        yield TextChunk(f"{where}#{part}", text)
    sheets = [i.filename for i in zf.infolist() if _SHEET_PART.match(i.filename)]
    yield from side_parts(zf, where, [*sheets, "xl/sharedStrings.xml", "xl/workbook.xml"], ctx)
    yield from package_members(zf, where)


def read_xlsx(blob: Blob, ctx: Context) -> Iterator[Item]:
    zf = vet_document(blob.data, ctx, "Excel workbook")
    yield from _xlsx_cells(normalised(blob.data), blob.where, ctx)
    yield from _extras(zf, blob.where, ctx)


def read_xlsb(blob: Blob, ctx: Context) -> Iterator[Item]:
    """Binary workbooks: cell values with pyxlsb, the XML side parts as for .xlsx."""
    zf = vet_document(blob.data, ctx, "Excel binary workbook")
    with pyxlsb.open_workbook(io.BytesIO(blob.data)) as book:
        for name in book.sheets:
            with book.get_sheet(name) as sheet:
                rows: list[list[str]] = []
                for n, row in enumerate(sheet.rows(sparse=True)):
                    if n % 500 == 0:
                        ctx.check_time()
                    rows.append([display(cell.v) for cell in row])
            yield table_chunk(f"{blob.where}#{name}", rows)
    yield from _extras(zf, blob.where, ctx)


def _xlsx_cells(data: bytes, where: str, ctx: Context) -> Iterator[Item]:
    book = openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=True, keep_links=False
    )
    try:
        for sheet in book.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # chart sheets hold no cells
            sheet.reset_dimensions()  # a declared A1:XFD1048576 must not pad every row
            rows: list[list[str]] = []
            for n, row in enumerate(sheet.iter_rows()):
                if n % 500 == 0:
                    ctx.check_time()
                rows.append([display(c.value, getattr(c, "number_format", "General")) for c in row])
            yield table_chunk(f"{where}#{sheet.title}", rows)
    finally:
        book.close()


def _xls_cell(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet, r: int, c: int) -> str:
    cell = sheet.cell(r, c)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return display(xlrd.xldate_as_datetime(cell.value, book.datemode), _xls_fmt(book, cell))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return display(cell.value, _xls_fmt(book, cell))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return display(bool(cell.value))
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    return str(cell.value)


def _xls_fmt(book: xlrd.book.Book, cell: xlrd.sheet.Cell) -> str:
    try:
        xf = book.xf_list[cell.xf_index]
        return str(book.format_map[xf.format_key].format_str)
    except (AttributeError, IndexError, KeyError, TypeError):
        return "General"


def read_xls(blob: Blob, ctx: Context) -> Iterator[Item]:
    """Legacy BIFF workbooks; called by the OLE dispatcher (see `ole.py`)."""
    try:
        book = xlrd.open_workbook(
            file_contents=blob.data,
            formatting_info=True,
            on_demand=True,
            logfile=io.StringIO(),  # xlrd prints warnings to stdout by default
        )
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise UnscannableError("password-protected Excel workbook (.xls)") from exc
        raise UnscannableError("corrupt or unreadable Excel workbook (.xls)") from exc
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for r in range(sheet.nrows):
                if r % 500 == 0:
                    ctx.check_time()
                rows.append([_xls_cell(book, sheet, r, c) for c in range(sheet.ncols)])
            yield table_chunk(f"{blob.where}#{sheet.name}", rows)
            book.unload_sheet(index)
    finally:
        book.release_resources()
