"""Open zip containers (archives, OOXML, OpenDocument) without trusting them.

Before any member is read: the entry count, the encryption flag, the declared
sizes and ratios, and the layout of the local entries are checked (a quine-like
bomb points many central-directory entries at overlapping bytes, so headers
alone look harmless).  Members are then inflated in bounded reads, counting
the real bytes against the message budget: a header can lie about sizes.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator

from dlp.extract.base import MB, Context, LimitExceeded, UnscannableError
from dlp.extract.formats.safexml import PrologCheck, looks_like_xml

CHUNK = 64 * 1024
# A picture inside a document (an EMF/WMF preview, a bitmap) can compress far
# past 100:1 legitimately; it is held to the byte limits only, not the ratio.
_PICTURE = re.compile(r"\.(?:emf|wmf|emz|wmz|png|bmp|tiff?|jpe?g|gif|svg|pict?)$", re.I)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra length
_LOCAL_SIG = b"PK\x03\x04"


def _ratio_applies(info: zipfile.ZipInfo, document: bool) -> bool:
    return not (document and _PICTURE.search(info.filename))


def open_zip(data: bytes, ctx: Context, what: str, document: bool = False) -> zipfile.ZipFile:
    """A `ZipFile` over `data` that passed every check readable without inflating."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnscannableError(f"corrupt or truncated {what}") from exc
    limits = ctx.budget.limits
    if len(infos) > limits.max_members:
        raise LimitExceeded(f"{what} has more than {limits.max_members} members")
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnscannableError(f"password-protected {what}")
    _check_layout(data, infos, zf, what)
    declared = sum(info.file_size for info in infos)
    room = limits.max_expanded_bytes - ctx.budget.expanded_bytes
    if declared > room:
        raise LimitExceeded(
            f"{what} would expand past the {limits.max_expanded_bytes // MB} MB limit "
            f"(declares {declared / MB:.1f} MB, {max(room, 0) / MB:.1f} MB left)"
        )
    for info in infos:
        if _ratio_applies(info, document):
            ctx.budget.check_ratio(
                info.file_size, info.compress_size, f"{what} member {info.filename}"
            )
    return zf


def _check_layout(
    data: bytes, infos: list[zipfile.ZipInfo], zf: zipfile.ZipFile, what: str
) -> None:
    """Refuse entries whose local ranges overlap or run past the data."""
    end_of_previous = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        start = info.header_offset
        header = data[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            raise UnscannableError(f"corrupt or truncated {what}")
        signature, name_len, extra_len = _LOCAL_HEADER.unpack(header)
        if signature != _LOCAL_SIG:
            raise UnscannableError(f"corrupt or truncated {what}")
        if start < end_of_previous:
            raise UnscannableError(f"{what} has overlapping entries (zip bomb construction)")
        end_of_previous = start + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
        if end_of_previous > len(data):
            raise UnscannableError(f"corrupt or truncated {what}")
    if end_of_previous > zf.start_dir:
        raise UnscannableError(f"{what} has overlapping entries (zip bomb construction)")


def iter_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: Context, what: str, document: bool = False
) -> Iterator[bytes]:
    """Inflate one member in bounded chunks, counting real bytes and the ratio."""
    produced = 0
    label = f"{what} member {info.filename}"
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(CHUNK):
                produced += len(chunk)
                if produced > info.file_size:
                    raise UnscannableError(f"corrupt {what}: {info.filename} longer than declared")
                ctx.budget.add_expanded(len(chunk))
                if _ratio_applies(info, document):
                    ctx.budget.check_ratio(produced, info.compress_size, label)
                ctx.check_time()
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
        raise UnscannableError(f"corrupt or truncated {what}") from exc
    except RuntimeError as exc:  # zipfile's "encrypted, password required"
        raise UnscannableError(f"password-protected {what}") from exc


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: Context, what: str) -> bytes:
    return b"".join(iter_member(zf, info, ctx, what))


def vet_document(data: bytes, ctx: Context, what: str) -> zipfile.ZipFile:
    """Check a zip-based document (OOXML, ODF) before a library parses it.

    Every part is inflated once within the limits (so the library's own inflating
    cannot be a bomb) and every XML part is refused if it declares a DTD.
    """
    zf = open_zip(data, ctx, what, document=True)
    for info in zf.infolist():
        if info.is_dir():
            continue
        check: PrologCheck | None = None
        for i, chunk in enumerate(iter_member(zf, info, ctx, what, document=True)):
            if i == 0 and looks_like_xml(info.filename, chunk[:64]):
                check = PrologCheck(f"{what} part {info.filename}")
            if check is not None and not check.done:
                check.feed(chunk)
    return zf
