"""Outlook .msg messages, read from their OLE streams with olefile.

The well-known .msg library (extract-msg) is GPL, so the few MAPI properties
that carry text are read directly (MS-OXMSG): subject, plain and HTML body,
the display To/Cc, and each attachment's data and name.  Attached files are
yielded as member blobs; an attached message (an embedded storage) is read
the same way, one nesting level down.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlp.extract.base import Blob, Context, Item
from dlp.extract.decode import decode_text
from dlp.extract.formats.html import html_to_text
from dlp.model import TextChunk

if TYPE_CHECKING:
    import olefile

_SUBJECT, _BODY, _HTML = "0037", "1000", "1013"
_DISPLAY_TO, _DISPLAY_CC, _SENDER = "0E04", "0E03", "0C1A"
_ATTACH_DATA, _ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_MIME = "3701", "3707", "3704", "370E"
_EMBEDDED = "__substg1.0_3701000D"


def _prop(ole: olefile.OleFileIO, prefix: list[str], tag: str) -> str:
    """A string property, Unicode (001F) or 8-bit (001E); '' when absent."""
    for suffix, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
        path = [*prefix, f"__substg1.0_{tag}{suffix}"]
        if ole.exists(path):
            return str(ole.openstream(path).read().decode(codec, errors="replace").rstrip("\x00"))
    return ""


def _binary(ole: olefile.OleFileIO, prefix: list[str], tag: str) -> bytes | None:
    path = [*prefix, f"__substg1.0_{tag}0102"]
    return bytes(ole.openstream(path).read()) if ole.exists(path) else None


def _children(ole: olefile.OleFileIO, prefix: list[str], marker: str) -> list[str]:
    depth = len(prefix)
    names = {
        entry[depth]
        for entry in ole.listdir(streams=True, storages=True)
        if len(entry) > depth + 1 and entry[:depth] == prefix and entry[depth].startswith(marker)
    }
    return sorted(names)


def _message(ole: olefile.OleFileIO, prefix: list[str], where: str, ctx: Context) -> Iterator[Item]:
    subject = _prop(ole, prefix, _SUBJECT)
    if subject:
        yield TextChunk(f"{where}/subject", subject)
    heads = [f"{label}: {value}" for label, value in (
        ("From", _prop(ole, prefix, _SENDER)), ("To", _prop(ole, prefix, _DISPLAY_TO)),
        ("Cc", _prop(ole, prefix, _DISPLAY_CC)),
    ) if value]  # fmt: skip
    body = _prop(ole, prefix, _BODY)
    if not body.strip():
        html = _binary(ole, prefix, _HTML) or _prop(ole, prefix, _HTML).encode()
        body = html_to_text(decode_text(html)) if html else ""
    text = "\n".join([*heads, body]).strip()
    if text:
        yield TextChunk(f"{where}/body", text)
    for storage in _children(ole, prefix, "__attach_version1.0_"):
        ctx.check_time()
        yield from _attachment(ole, [*prefix, storage], where, ctx)


def _attachment(
    ole: olefile.OleFileIO, prefix: list[str], where: str, ctx: Context
) -> Iterator[Item]:
    name = _prop(ole, prefix, _ATTACH_LONG_NAME) or _prop(ole, prefix, _ATTACH_NAME)
    name = name.replace("/", "_") or prefix[-1]
    if ole.exists([*prefix, _EMBEDDED]):  # an attached .msg, stored as a sub-storage
        ctx.budget.add_member()
        yield from _message(ole, [*prefix, _EMBEDDED], f"{where}/{name}", ctx.nested())
        return
    data = _binary(ole, prefix, _ATTACH_DATA)
    if data is not None:
        mime = _prop(ole, prefix, _ATTACH_MIME).lower()
        yield Blob(f"{where}/{name}", data, name, mime)


def read_msg(blob: Blob, ole: olefile.OleFileIO, ctx: Context) -> Iterator[Item]:
    """Called by the OLE dispatcher once the streams say this is a message."""
    yield from _message(ole, [], blob.where, ctx)
