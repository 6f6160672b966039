"""7z archives with py7zr (LGPL-2.1, pure Python, maintained), in bounded reads.

A 7z directory can lie about sizes: the declared total is checked first, and
every member is counted against the message budget and the compression ratio
as py7zr writes it.  Imported by `archives` when the first 7z arrives.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterator

import py7zr
import py7zr.exceptions
import py7zr.io

from dlp.extract.base import Blob, Context, Item, LimitExceeded, UnscannableError
from dlp.extract.formats.archives import STREAM_ERRORS


class _CountingIO(py7zr.io.Py7zIO):
    """Receives one 7z member from py7zr, counting bytes as they are written."""

    def __init__(self, owner: _CountingFactory) -> None:
        self.owner = owner
        self.buffer = io.BytesIO()

    def write(self, s: bytes | bytearray) -> int:
        self.owner.count(len(s))
        return self.buffer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return self.buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buffer.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.buffer.getbuffer().nbytes


class _CountingFactory(py7zr.io.WriterFactory):
    def __init__(self, ctx: Context, compressed: int) -> None:
        self.ctx = ctx
        self.compressed = compressed
        self.written = 0
        self.products: dict[str, _CountingIO] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        product = _CountingIO(self)
        self.products[filename] = product
        return product

    def count(self, n: int) -> None:
        self.written += n
        self.ctx.budget.add_expanded(n)
        self.ctx.budget.check_ratio(self.written, self.compressed, "7z archive")
        self.ctx.check_time()


def read_7z(blob: Blob, ctx: Context) -> Iterator[Item]:
    """Each file of a 7z archive as a member blob, counted as it is decompressed."""
    try:
        with py7zr.SevenZipFile(io.BytesIO(blob.data), mode="r") as archive:
            if archive.needs_password():
                raise UnscannableError("password-protected 7z archive")
            files = [f for f in archive.list() if not f.is_directory]
            limits = ctx.budget.limits
            if len(files) > limits.max_members:
                raise LimitExceeded(f"7z archive has more than {limits.max_members} members")
            declared = sum(f.uncompressed or 0 for f in files)
            if declared > limits.max_expanded_bytes - ctx.budget.expanded_bytes:
                raise LimitExceeded("7z archive declares more than the expanded-size limit")
            ctx.budget.check_ratio(declared, len(blob.data), "7z archive")
            factory = _CountingFactory(ctx, len(blob.data))
            archive.extractall(factory=factory)
    except py7zr.exceptions.PasswordRequired as exc:
        raise UnscannableError("password-protected 7z archive") from exc
    except (py7zr.exceptions.Bad7zFile, py7zr.exceptions.CrcError, *STREAM_ERRORS) as exc:
        raise UnscannableError("corrupt or truncated 7z archive") from exc
    for name, product in factory.products.items():
        yield Blob(f"{blob.where}/{name}", product.buffer.getvalue(), posixpath.basename(name))
