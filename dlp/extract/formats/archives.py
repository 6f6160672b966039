"""Archives other than zip: .tar, single-stream .gz/.bz2/.xz, and .7z.

Standard library for tar and the compressed streams; py7zr (LGPL-2.1, pure
Python, maintained) for 7z, in `sevenzip`.  Every decompression runs in bounded reads that
count the real bytes against the message budget and the compression ratio:
a gzip header's size field, a tar header or a 7z directory can all lie.
A .tar.gz is a gzip stream holding a tar: the gzip layer yields the tar as a
member blob and the registry recurses into it.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import tarfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO

from dlp.extract.base import Blob, Context, Item, UnscannableError
from dlp.extract.registry import register

CHUNK = 64 * 1024
Opener = Callable[[IO[bytes]], io.BufferedIOBase]
STREAM_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)


def _inflate(opener: Opener, data: bytes, ctx: Context, what: str) -> bytes:
    out = bytearray()
    source = io.BytesIO(data)
    try:
        with opener(source) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                ctx.budget.add_expanded(len(chunk))
                # against the input consumed so far: a bomb is caught after a few MB
                ctx.budget.check_ratio(len(out), source.tell(), what)
                ctx.check_time()
    except STREAM_ERRORS as exc:
        raise UnscannableError(f"corrupt or truncated {what}") from exc
    return bytes(out)


_STREAMS: tuple[tuple[bytes, tuple[str, ...], str, Opener], ...] = (
    (b"\x1f\x8b", ("gz", "tgz", "gzip"), "gzip file", lambda f: gzip.GzipFile(fileobj=f)),
    (b"BZh", ("bz2", "tbz", "tbz2"), "bzip2 file", bz2.BZ2File),
    (b"\xfd7zXZ\x00", ("xz", "txz"), "xz file", lzma.LZMAFile),
)


def _inner_name(filename: str) -> str:
    stem, _, ext = filename.rpartition(".")
    if not stem:
        return filename
    return f"{stem}.tar" if ext.lower() in ("tgz", "tbz", "tbz2", "txz") else stem


class CompressedStreamExtractor:
    """One compressed file: its content is one member (often a tar)."""

    name = "compressed file"

    def sniff(self, head: bytes) -> bool:
        return any(head.startswith(magic) for magic, *_ in _STREAMS)

    def accepts(self, blob: Blob) -> bool:
        return any(blob.extension in exts for _, exts, *_ in _STREAMS) or blob.content_type in (
            "application/gzip", "application/x-gzip", "application/x-bzip2", "application/x-xz",
        )  # fmt: skip

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        for magic, exts, what, opener in _STREAMS:
            if blob.data.startswith(magic) or (
                not any(blob.data.startswith(m) for m, *_ in _STREAMS) and blob.extension in exts
            ):
                data = _inflate(opener, blob.data, ctx, what)
                name = _inner_name(blob.filename)
                yield Blob(blob.where, data, name)
                return


class TarExtractor:
    name = "tar archive"

    def sniff(self, head: bytes) -> bool:
        return head[257:262] == b"ustar"

    def accepts(self, blob: Blob) -> bool:
        return blob.extension == "tar" or blob.content_type == "application/x-tar"

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        try:
            with tarfile.open(fileobj=io.BytesIO(blob.data), mode="r:") as archive:
                for member in archive:
                    ctx.check_time()
                    if not member.isfile():
                        continue  # directories, links, devices: no content of their own
                    data = self._read(archive, member, ctx)
                    name = posixpath.basename(member.name)
                    yield Blob(f"{blob.where}/{member.name}", data, name)
        except (tarfile.TarError, *STREAM_ERRORS) as exc:
            raise UnscannableError("corrupt or truncated tar archive") from exc

    @staticmethod
    def _read(archive: tarfile.TarFile, member: tarfile.TarInfo, ctx: Context) -> bytes:
        stream = archive.extractfile(member)
        if stream is None:
            return b""
        out = bytearray()
        while chunk := stream.read(CHUNK):  # a sparse member inflates: count it
            out += chunk
            ctx.budget.add_expanded(len(chunk))
            ctx.check_time()
        return bytes(out)


class SevenZipExtractor:
    name = "7z archive"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"7z\xbc\xaf\x27\x1c")

    def accepts(self, blob: Blob) -> bool:
        return blob.extension == "7z" or blob.content_type == "application/x-7z-compressed"

    def extract(self, blob: Blob, ctx: Context) -> Iterator[Item]:
        from dlp.extract.formats.sevenzip import read_7z  # py7zr loads with the first 7z

        yield from read_7z(blob, ctx)


register(CompressedStreamExtractor())
register(TarExtractor())
register(SevenZipExtractor())
