"""A minimal OLE2 compound-file writer, so .doc and .msg fixtures are built in the tests.

No permissive Python library writes compound files.  This one writes a version 3
file: small streams in the mini stream, others in regular sectors, storages'
children as sibling chains (a valid, if unbalanced, tree): enough for readers.
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI = 64
MINI_CUTOFF = 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: list[_Entry] = []
        self.left = self.right = self.child = NOSTREAM
        self.start, self.sid = END, 0


def build(files: dict[str, bytes]) -> bytes:
    """`{"WordDocument": b"...", "__attach/x": b"..."}` → compound file bytes."""
    root = _Entry("Root Entry", 5)
    for path, data in files.items():
        node = root
        parts = path.split("/")
        for storage in parts[:-1]:
            found = next((c for c in node.children if c.name == storage), None)
            if found is None:
                found = _Entry(storage, 1)
                node.children.append(found)
            node = found
        node.children.append(_Entry(parts[-1], 2, data))
    entries: list[_Entry] = []
    _number(root, entries)
    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry.kind == 2 and 0 < len(entry.data) < MINI_CUTOFF:
            first = len(mini) // MINI
            count = -(-len(entry.data) // MINI)
            mini += entry.data.ljust(count * MINI, b"\0")
            minifat.extend([*range(first + 1, first + count), END])
            entry.start = first
    root.data = bytes(mini)
    sectors: list[bytes] = []
    chains: list[list[int]] = []

    def place(data: bytes) -> int:
        first = len(sectors)
        count = -(-len(data) // SECTOR)
        padded = data.ljust(count * SECTOR, b"\0")
        sectors.extend(padded[i * SECTOR : (i + 1) * SECTOR] for i in range(count))
        chains.append(list(range(first, first + count)))
        return first

    for entry in entries:
        if (entry.kind == 2 and len(entry.data) >= MINI_CUTOFF) or (entry.kind == 5 and mini):
            entry.start = place(entry.data)
    minifat_first = place(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else END
    minifat_count = -(-len(minifat) * 4 // SECTOR)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory = directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\0")
    dir_first = len(sectors)
    dir_count = len(directory) // SECTOR
    sectors.extend(directory[i * SECTOR : (i + 1) * SECTOR] for i in range(dir_count))
    chains.append(list(range(dir_first, dir_first + dir_count)))
    fat_count = 1
    while fat_count * (SECTOR // 4) < len(sectors) + fat_count:
        fat_count += 1
    fat_first = len(sectors)
    fat = [FREE] * (fat_count * (SECTOR // 4))
    for chain in chains:
        for a, b in zip(chain, [*chain[1:], END], strict=True):
            fat[a] = b
    for i in range(fat_first, fat_first + fat_count):
        fat[i] = FATSECT
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i * SECTOR : (i + 1) * SECTOR] for i in range(fat_count))
    difat = [fat_first + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_count, dir_first, 0, MINI_CUTOFF, minifat_first, minifat_count, END, 0,
    )  # fmt: skip
    header += struct.pack("<109I", *difat)
    return header + b"".join(sectors)


def _number(node: _Entry, out: list[_Entry]) -> None:
    node.sid = len(out)
    out.append(node)
    node.children.sort(key=lambda c: (len(c.name), c.name.upper()))
    for child in node.children:
        _number(child, out)
    if node.children:
        node.child = node.children[0].sid
        for a, b in zip(node.children, node.children[1:], strict=False):
            a.right = b.sid


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIII",
        name, len(name), e.kind, 1, e.left, e.right, e.child, b"\0" * 16, 0, 0, 0,
        e.start, len(e.data), 0,
    )  # fmt: skip
