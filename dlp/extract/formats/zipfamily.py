"""Everything that starts with "PK": zip archives, OOXML and OpenDocument files.

The magic bytes are shared, so the kind is decided from the members (an OOXML
file has `[Content_Types].xml` and `word/`, `xl/` or `ppt/` parts; an
OpenDocument file has a `mimetype` member), never from the file name: a
workbook renamed `notes.txt` is still read as a workbook.  When the zip cannot
even be opened, the declared name says which kind of file is corrupt.
"""

from __future__ import annotations

import importlib
import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator

from dlp.extract.base import Blob, Context, Item, LimitExceeded, UnscannableError
from dlp.extract.formats.safezip import open_zip, read_member
from dlp.extract.registry import register

Reader = Callable[[Blob, Context], Iterator[Item]]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SKIPPED = ("__MACOSX/",)  # macOS resource forks: metadata, never the document

# kind → (description for reasons, "module:function" reading it).  A document
# module and its library (python-docx, openpyxl, ...) load only when the first
# document of its kind arrives: a plain-text scan never pays for them.
_READERS: dict[str, tuple[str, str]] = {
    "docx": ("Word document", "dlp.extract.formats.word:read_docx"),
    "xlsx": ("Excel workbook", "dlp.extract.formats.excel:read_xlsx"),
    "xlsb": ("Excel binary workbook", "dlp.extract.formats.excel:read_xlsb"),
    "pptx": ("PowerPoint presentation", "dlp.extract.formats.powerpoint:read_pptx"),
    "odt": ("OpenDocument file", "dlp.extract.formats.opendoc:read_odf"),
    "ods": ("OpenDocument file", "dlp.extract.formats.opendoc:read_odf"),
    "odp": ("OpenDocument file", "dlp.extract.formats.opendoc:read_odf"),
    "zip": ("zip archive", "dlp.extract.formats.zipfamily:read_zip_archive"),
}
_EXTENSION_KINDS = {
    "docx": "docx", "docm": "docx", "dotx": "docx", "dotm": "docx", "xlsx": "xlsx",
    "xlsm": "xlsx", "xltx": "xlsx", "xltm": "xlsx", "xlsb": "xlsb", "pptx": "pptx",
    "pptm": "pptx", "ppsx": "pptx", "ppsm": "pptx", "potx": "pptx", "potm": "pptx",
    "odt": "odt", "ods": "ods", "odp": "odp", "ott": "odt", "ots": "ods", "otp": "odp",
    "zip": "zip",
}  # fmt: skip
_TYPE_KINDS = (
    ("wordprocessingml", "docx"), ("spreadsheetml", "xlsx"), ("presentationml", "pptx"),
    ("opendocument.text", "odt"), ("opendocument.spreadsheet", "ods"),
    ("opendocument.presentation", "odp"),
)  # fmt: skip
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.text-template": "odt",
    b"application/vnd.oasis.opendocument.text-master": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.presentation-template": "odp",
}


def reader_for(kind: str) -> tuple[str, Reader]:
    """The description and reading function of a kind, importing its module on first use."""
    description, target = _READERS.get(kind, _READERS["zip"])
    module, _, function = target.partition(":")
    reader: Reader = getattr(importlib.import_module(module), function)
    return description, reader


def classify(data: bytes) -> str | None:
    """'docx', 'xlsx', 'xlsb', 'pptx', 'odt', 'ods', 'odp' or 'zip'; None if not a zip."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = {name.lower() for name in zf.namelist()}
        if "mimetype" in names:
            info = zf.getinfo("mimetype")
            if info.file_size < 200 and not info.flag_bits & 1:
                kind = _ODF_MIMETYPES.get(zf.read(info).strip())
                if kind:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    except (RuntimeError, NotImplementedError):  # encrypted or odd mimetype member
        return "zip"
    if "[content_types].xml" in names:
        if "xl/workbook.bin" in names:
            return "xlsb"
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
    return "zip"


def declared_kind(blob: Blob) -> str:
    """The kind the name or declared type claims (to name what is corrupt)."""
    if blob.extension in _EXTENSION_KINDS:
        return _EXTENSION_KINDS[blob.extension]
    for marker, kind in _TYPE_KINDS:
        if marker in blob.content_type:
            return kind
    return "zip"


def _describe(kind: str) -> str:
    return _READERS[kind][0] if kind in _READERS else "zip archive"


def read_zip_archive(blob: Blob, ctx: Context) -> Iterator[Item]:
    """Yield each file of a zip archive as a member blob (the registry recurses)."""
    zf = open_zip(blob.data, ctx, "zip archive")
    for info in zf.infolist():
        ctx.check_time()
        if info.is_dir() or info.filename.startswith(_SKIPPED):
            continue
        data = read_member(zf, info, ctx, "zip archive")
        name = posixpath.basename(info.filename.rstrip("/")) or info.filename
        yield Blob(f"{blob.where}/{info.filename}", data, name)


def guarded(kind: str, blob: Blob, ctx: Context) -> Iterator[Item]:
    """Run the reader for `kind`; a library failure names the document's kind."""
    description, reader = reader_for(kind)
    try:
        yield from reader(blob, ctx)
    except (UnscannableError, LimitExceeded, MemoryError):
        raise
    except Exception as exc:
        raise UnscannableError(f"corrupt or unreadable {description}") from exc


class ZipFamilyExtractor:
    name = "zip-based file"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(_ZIP_MAGIC)

    def accepts(self, blob: Blob) -> bool:
        return (
            blob.extension in _EXTENSION_KINDS
            or blob.content_type in ("application/zip", "application/x-zip-compressed")
            or declared_kind(blob) != "zip"
        )

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        kind = classify(blob.data)
        if kind is None:
            raise UnscannableError(f"corrupt or truncated {_describe(declared_kind(blob))}")
        yield from guarded(kind, blob, ctx)


register(ZipFamilyExtractor())
