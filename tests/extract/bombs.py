"""Hostile inputs, built small: shared by the limit tests and bench/extract_bombs.py."""

from __future__ import annotations

import io
import struct
import zipfile

from . import make

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def nested_zip_bomb(levels: int = 2, copies: int = 16, leaf_mb: int = 8) -> bytes:
    """42.zip in miniature: `copies` zips per level, a leaf of zeros ~1000:1."""
    data = make.zip_of({"0.txt": bytes(leaf_mb * 1024 * 1024)})
    for level in range(levels):
        data = make.zip_of({f"{level}-{i}.zip": data for i in range(copies)})
    return data


def overlapping_zip(entries: int = 50) -> bytes:
    """Fifield-style: many central-directory entries pointing at one local file."""
    one = make.zip_of({"a.txt": bytes(1024 * 1024)})
    archive = zipfile.ZipFile(io.BytesIO(one))
    cd_start = archive.start_dir
    record_end = one.index(b"PK\x05\x06")
    record = one[cd_start:record_end]
    local = one[:cd_start]
    central = b"".join(
        record.replace(b"a.txt", f"{i:05d}".encode()) for i in range(entries)
    )  # same offset (0) in every entry, names of the same length
    sizes = (entries, entries, len(central), len(local), 0)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, *sizes)
    return local + central + end


def deep_zip(depth: int) -> bytes:
    data = make.csv_roster()
    name = "roster.csv"
    for level in range(depth):
        data = make.zip_of({name: data})
        name = f"level{level}.zip"
    return data


def docx_with_prolog(prolog: bytes, encoding: str = "utf-8") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(make.docx()))
    parts = {n: source.read(n) for n in source.namelist()}
    body = parts["word/document.xml"].split(b"?>", 1)[1]
    doc = prolog + body.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", 1)
    if encoding != "utf-8":
        doc = doc.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
        doc = doc.decode().encode(encoding)
    parts["word/document.xml"] = doc
    return make.zip_of(parts)


def billion_laughs_docx() -> bytes:
    return docx_with_prolog(LAUGHS)


def external_entity_docx() -> bytes:
    return docx_with_prolog(
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>\n'
    )
