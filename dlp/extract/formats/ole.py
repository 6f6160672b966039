"""OLE2 compound files (D0CF11E0): legacy .xls/.doc/.ppt, Outlook .msg, encrypted OOXML.

The magic is shared, so the streams inside decide the kind (olefile, BSD, the
maintained reader of the format).  An encrypted .docx/.xlsx/.pptx is an OLE
file holding `EncryptedPackage`: unscannable.  Legacy Word and PowerPoint
have no maintained permissive reader, so their text is pulled best-effort:
.doc through its piece table (the text as Word stores it, fields' codes
dropped), .ppt from its text atoms.  Both catch ordinary documents; anything
the pull cannot parse is reported unscannable rather than guessed at.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from dlp.extract.base import Blob, Context, Item, LimitExceeded, UnscannableError
from dlp.extract.formats.biff import biff_text, has_worksheet
from dlp.extract.registry import register

if TYPE_CHECKING:
    import olefile
from dlp.model import NotInspected, TextChunk, Unscannable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXTENSIONS = {"doc": "Word document (.doc)", "dot": "Word document (.doc)",
               "xls": "Excel workbook (.xls)", "xlt": "Excel workbook (.xls)",
               "ppt": "PowerPoint presentation (.ppt)", "pps": "PowerPoint presentation (.ppt)",
               "msg": "Outlook message (.msg)"}  # fmt: skip
_TYPES = {"application/msword": "doc", "application/vnd.ms-excel": "xls",
          "application/vnd.ms-powerpoint": "ppt", "application/vnd.ms-outlook": "msg"}  # fmt: skip
_FIELD_CODE = re.compile("\x13[^\x13\x14\x15]*\x14?")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")


def _doc_text(ole: olefile.OleFileIO) -> str:
    """Word 97+ text through the piece table (MS-DOC 2.8.35 Clx, 2.9.177 Pcd)."""
    wd = ole.openstream("WordDocument").read()
    if len(wd) < 0x20 or struct.unpack_from("<H", wd, 0)[0] not in (0xA5EC, 0xA5DC):
        raise UnscannableError("corrupt or unreadable Word document (.doc)")
    ident, n_fib = struct.unpack_from("<HH", wd, 0)
    flags = struct.unpack_from("<H", wd, 0x0A)[0]
    if flags & 0x0100 or flags & 0x8000:  # fEncrypted, fObfuscated
        raise UnscannableError("password-protected Word document (.doc)")
    if ident == 0xA5DC or 101 <= n_fib <= 105:  # Word 6.0 / Word 95
        return _word6_text(wd, flags)
    if len(wd) < 0x1AA:
        raise UnscannableError("corrupt or unreadable Word document (.doc)")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    fc_clx, lcb_clx = struct.unpack_from("<II", wd, 0x1A2)
    clx = ole.openstream(table_name).read()[fc_clx : fc_clx + lcb_clx]
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: property modifiers, skipped
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise UnscannableError("corrupt or unreadable Word document (.doc)")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5 : i + 5 + lcb]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    for k in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        count = max(0, min(cps[k + 1] - cps[k], len(wd)))
        if fc & 0x40000000:
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(wd[start : start + count].decode("cp1252", errors="replace"))
        else:
            parts.append(wd[fc : fc + 2 * count].decode("utf-16-le", errors="replace"))
    text = _FIELD_CODE.sub("", "".join(parts)).replace("\x15", "")
    text = (
        text.replace("\x07", "\t").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    )
    return _CONTROLS.sub(" ", text)


def _word6_text(wd: bytes, flags: int) -> str:
    """Word 6/95: the text runs from fcMin to fcMac in the file's code page.

    A fast-saved file (fComplex) keeps edits in a piece table whose layout this
    reader does not follow: refused rather than read in the wrong order.
    """
    if flags & 0x0004:
        raise UnscannableError("Word 6/95 document saved with fast save (not readable)")
    fc_min, fc_mac = struct.unpack_from("<II", wd, 0x18)
    if not 0 < fc_min <= fc_mac <= len(wd):
        raise UnscannableError("corrupt or unreadable Word document (.doc)")
    text = wd[fc_min:fc_mac].decode("cp1252", errors="replace")
    text = _FIELD_CODE.sub("", text).replace("\x15", "").replace("\x07", "\t")
    return _CONTROLS.sub(" ", text.replace("\r", "\n").replace("\x0b", "\n"))


def _ppt_text(ole: olefile.OleFileIO) -> str:
    """PowerPoint 97+ text atoms (MS-PPT TextCharsAtom 0x0FA0, TextBytesAtom 0x0FA8, CString)."""
    data = ole.openstream("PowerPoint Document").read()
    pos, texts = 0, []
    while pos + 8 <= len(data):
        ver_inst, rec_type, rec_len = struct.unpack_from("<HHI", data, pos)
        if ver_inst & 0x0F == 0x0F:  # a container: its records follow
            pos += 8
            continue
        body = data[pos + 8 : pos + 8 + rec_len]
        if rec_type in (0x0FA0, 0x0FBA):  # TextCharsAtom; CString (comments, link names)
            texts.append(body.decode("utf-16-le", errors="replace"))
        elif rec_type == 0x0FA8:
            texts.append(body.decode("cp1252", errors="replace"))
        pos += 8 + rec_len
    return _CONTROLS.sub(" ", "\n".join(texts).replace("\r", "\n").replace("\x0b", "\n"))


def _native(data: bytes) -> tuple[str, bytes]:
    """The file inside an \\x01Ole10Native stream (the Packager format), or the raw data."""
    try:
        pos = 6  # total size, then a type word
        names = []
        for _ in range(2):  # file name, source path: NUL-terminated ANSI
            end = data.index(b"\x00", pos)
            names.append(data[pos:end].decode("cp1252", errors="replace"))
            pos = end + 1
        pos += 8  # two reserved longs
        end = data.index(b"\x00", pos)  # temporary path
        pos = end + 1
        size = struct.unpack_from("<I", data, pos)[0]
        if size <= len(data) - pos - 4:
            name = names[0].replace("\\", "/").rsplit("/", 1)[-1]
            return name or "embedded.bin", data[pos + 4 : pos + 4 + size]
    except (ValueError, struct.error):
        pass
    return "embedded.bin", data[4:]


def _embedded_workbook(stream: bytes, where: str, ctx: Context) -> Iterator[Item]:
    """An embedded worksheet's cells (xlrd reads a bare BIFF stream) and its chart text."""
    text = biff_text(stream)
    if text:
        yield TextChunk(where, text)
    if has_worksheet(stream):
        from dlp.extract.formats.excel import read_xls  # loads xlrd: only when needed

        try:
            yield from read_xls(Blob(where, stream, "embedded.xls"), ctx)
        except UnscannableError as exc:
            yield Unscannable(where, f"spreadsheet embedded in a legacy document: {exc}")


def embedded_objects(ole: olefile.OleFileIO, where: str, ctx: Context) -> Iterator[Item]:
    """Objects embedded in a legacy document (ObjectPool, MBD storages): members."""
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) < 2:
            continue
        stream = entry[-1].lower()
        label = f"{where}/{'/'.join(entry[:-1])}"
        if stream == "\x01ole10native":
            name, data = _native(ole.openstream(entry).read())
            yield Blob(f"{label}/{name}", data, name)
        elif stream in ("workbook", "book"):
            yield from _embedded_workbook(ole.openstream(entry).read(), label, ctx)
        elif stream in ("contents", "package"):
            yield Blob(f"{label}/{entry[-1]}", ole.openstream(entry).read(), "")
        elif stream in ("worddocument", "powerpoint document"):
            yield Unscannable(label, "Office document embedded in a legacy document (not readable)")


def _ppt_objects(ole: olefile.OleFileIO, where: str, ctx: Context) -> Iterator[Item]:
    """Objects embedded in a .ppt (charts, workbooks): ExOleObjStg records, as members.

    Each holds an OLE file, zlib-compressed when the record instance is 1
    (MS-PPT 2.10.34); it is inflated within the message's byte limits.
    """
    data = ole.openstream("PowerPoint Document").read()
    pos, count = 0, 0
    while pos + 8 <= len(data):
        ver_inst, rec_type, rec_len = struct.unpack_from("<HHI", data, pos)
        if ver_inst & 0x0F == 0x0F:
            pos += 8
            continue
        if rec_type == 0x1011 and rec_len > 4:
            body = data[pos + 8 : pos + 8 + rec_len]
            if ver_inst >> 4 == 1:
                limit = ctx.budget.limits.max_expanded_bytes - ctx.budget.expanded_bytes
                try:
                    body = zlib.decompressobj().decompress(body[4:], max(limit, 0) + 1)
                except zlib.error:
                    body = b""
                ctx.budget.add_expanded(len(body))
            if body:
                count += 1
                yield Blob(f"{where}/object{count}", body, "")
        pos += 8 + rec_len


def _legacy_encrypted(data: bytes) -> bool:
    import msoffcrypto

    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # msoffcrypto does not know every OLE kind; the readers check too
        return False


class OleExtractor:
    name = "OLE document"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(OLE_MAGIC)

    def accepts(self, blob: Blob) -> bool:
        return blob.extension in _EXTENSIONS or blob.content_type in _TYPES

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        # the libraries load with the first OLE file, not with every scan's start-up
        import olefile

        from dlp.extract.formats.excel import read_xls
        from dlp.extract.formats.msg import read_msg

        declared = _EXTENSIONS.get(blob.extension) or _EXTENSIONS.get(
            _TYPES.get(blob.content_type, ""), "Office document"
        )
        try:
            ole = olefile.OleFileIO(io.BytesIO(blob.data))
            # stream names are case-insensitive in the format; writers vary
            top = {entry[0].lower() for entry in ole.listdir(streams=True, storages=True)}
        except Exception as exc:
            raise UnscannableError(f"corrupt or truncated {declared}") from exc
        try:
            if "encryptedpackage" in top or "encryptioninfo" in top:
                raise UnscannableError("password-protected Office document (encrypted)")
            if "workbook" in top or "book" in top:
                stream = ole.openstream("Workbook").read() if "workbook" in top else b""
                if not stream or has_worksheet(stream):  # cells: xlrd; a chart object: none
                    yield from read_xls(blob, ctx)
                extra = biff_text(stream)
                if extra:
                    yield TextChunk(f"{blob.where}#objects", extra)
            elif "worddocument" in top:
                yield from self._text(blob, ole, "Word document (.doc)", _doc_text)
            elif "powerpoint document" in top:
                yield from self._text(blob, ole, "PowerPoint presentation (.ppt)", _ppt_text)
                yield from _ppt_objects(ole, blob.where, ctx)
            elif any(name.startswith("__substg1.0_") for name in top):
                yield from read_msg(blob, ole, ctx)
            else:
                yield NotInspected(blob.where, "OLE container of an unknown kind")
            yield from embedded_objects(ole, blob.where, ctx)
        finally:
            ole.close()

    def _text(
        self,
        blob: Blob,
        ole: olefile.OleFileIO,
        what: str,
        pull: Callable[[olefile.OleFileIO], str],
    ) -> Iterator[Item]:
        if _legacy_encrypted(blob.data):
            raise UnscannableError(f"password-protected {what}")
        try:
            text = pull(ole)
        except (UnscannableError, LimitExceeded):
            raise
        except Exception as exc:
            raise UnscannableError(f"corrupt or unreadable {what}") from exc
        if text.strip():
            yield TextChunk(blob.where, text)


register(OleExtractor())
