"""What a scanning process derives once (word lists, the prefilter's database) is kept in
the user's cache between runs, read only when it is the user's own, and pruned."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlp import usercache
from dlp.detect import names


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "dlp"


def test_everyday_words_are_read_from_wordfreq_once_then_from_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names._everyday_words.cache_clear()
    first = names._everyday_words()
    [entry] = cache.glob("everyday-words-*")
    assert entry.stat().st_mode & 0o077 == 0
    names._everyday_words.cache_clear()
    monkeypatch.setattr(names, "_read_wordfreq", lambda: pytest.fail("read wordfreq again"))
    assert names._everyday_words() == first
    assert {"window", "deputy", "feria"} <= first and "oyelaran" not in first
    names._everyday_words.cache_clear()


def test_an_entry_others_could_have_written_is_not_read(cache: Path) -> None:
    usercache.write("words", "k1", b"trusted")
    assert usercache.read("words", "k1") == b"trusted"
    (cache / "words-k1").chmod(0o666)
    assert usercache.read("words", "k1") is None
    assert usercache.read("words", "absent") is None


def test_only_the_most_recently_used_entries_of_a_family_are_kept(cache: Path) -> None:
    usercache.write("other", "x", b"another family")
    for i in range(usercache.KEEP):
        usercache.write("db", str(i), b"%d" % i)
        os.utime(cache / f"db-{i}", (1000 + i, 1000 + i))
    assert usercache.read("db", "0") == b"0"  # reading it makes it the newest
    usercache.write("db", "new", b"new")
    kept = {p.name for p in cache.glob("db-*")}
    assert len(kept) == usercache.KEEP
    assert {"db-0", "db-new"} <= kept and "db-1" not in kept
    assert usercache.read("other", "x") == b"another family"
