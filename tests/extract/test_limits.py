"""Every safety limit turns only the offending part unscannable, quickly and in bounded memory."""

from __future__ import annotations

import gzip
import io
import time
import zipfile

import py7zr
import pytest

from dlp.extract.base import MB, Limits

from . import bombs, make
from .conftest import run


def test_nested_zip_bomb_trips_the_ratio_limit_without_inflating() -> None:
    started = time.monotonic()
    out = run(bombs.nested_zip_bomb(), "42.zip")
    assert time.monotonic() - started < 5
    assert out.unscannable
    assert all("expands more than 100:1 (compression bomb)" in u.why for u in out.unscannable)


def test_nested_bomb_under_the_ratio_still_stops_at_the_expanded_size_limit() -> None:
    limits = Limits(max_expanded_bytes=4 * MB)  # leaves of 512 KB zeros are under ratio_min_bytes
    data = make.zip_of({f"{i}.zip": make.zip_of({"0.txt": bytes(512 * 1024)}) for i in range(16)})
    out = run(data, "bomb.zip", limits=limits)
    assert any("4 MB limit" in u.why for u in out.unscannable)


def test_declared_sizes_over_the_budget_are_refused_before_inflating() -> None:
    data = make.zip_of({"big.csv": b"1234567,Jacob,Martinez\n" * 100_000})  # 2.3 MB, ~200:1
    out = run(data, "big.zip", limits=Limits(max_expanded_bytes=1 * MB, max_ratio=1000))
    assert out.reasons == (
        "zip archive would expand past the 1 MB limit (declares 2.2 MB, 1.0 MB left)"
    )


def test_real_bytes_are_counted_when_no_size_is_declared() -> None:
    text = b"".join(b"%07d,Student %d\n" % (i, i) for i in range(200_000))  # ~4 MB, ratio ~5
    out = run(gzip.compress(text), "export.csv.gz", limits=Limits(max_expanded_bytes=1 * MB))
    assert out.reasons == "expanded size over the 1 MB limit"


def test_gzip_bomb_stops_at_the_ratio_limit() -> None:
    out = run(gzip.compress(bytes(50 * MB)), "zeros.gz")
    assert out.reasons == "gzip file expands more than 100:1 (compression bomb)"


def test_7z_bomb_is_refused_by_its_declared_ratio() -> None:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(bytes(20 * MB), "zeros.bin")
    out = run(buffer.getvalue(), "zeros.7z")
    assert out.reasons == "7z archive expands more than 100:1 (compression bomb)"


def test_csv_in_a_zip_compressing_normally_is_not_a_bomb() -> None:
    rows = b"".join(b"%07d,Jacob,Martinez,03/14/2012,IEP\n" % i for i in range(60_000))
    out = run(make.zip_of({"roster.csv": rows}), "roster.zip")
    assert not out.unscannable


def test_lying_size_in_the_directory_is_caught_while_inflating() -> None:
    data = bytearray(make.zip_of({"a.txt": bytes(4 * MB)}))
    cd = data.index(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (1000).to_bytes(4, "little")  # declared uncompressed size
    out = run(bytes(data), "liar.zip")
    assert out.reasons.startswith("corrupt")


def test_overlapping_entries_are_refused() -> None:
    out = run(bombs.overlapping_zip(), "quine.zip")
    assert out.reasons == "zip archive has overlapping entries (zip bomb construction)"


def test_nesting_past_the_depth_limit_is_unscannable() -> None:
    out = run(bombs.deep_zip(7), "deep.zip")
    assert out.reasons == "nested deeper than 5 levels"
    assert "Martinez" not in out.text


def test_nesting_within_the_depth_limit_is_read() -> None:
    out = run(bombs.deep_zip(4), "deep.zip")
    assert "Jacob Martinez" in out.text and not out.unscannable


def test_member_count_limit_in_one_archive() -> None:
    data = make.zip_of({f"{i}.txt": b"x" for i in range(10)})
    out = run(data, "many.zip", limits=Limits(max_members=5))
    assert out.reasons == "zip archive has more than 5 members"


def test_member_count_limit_across_nested_archives() -> None:
    inner = make.zip_of({f"{i}.txt": b"x" for i in range(4)})
    out = run(make.zip_of({"a.zip": inner, "b.zip": inner}), "n.zip", limits=Limits(max_members=5))
    assert "more than 5 archive members" in out.reasons


def test_time_limit_per_attachment() -> None:
    data = make.zip_of({f"{i}.csv": make.csv_roster() for i in range(20)})
    out = run(data, "slow.zip", limits=Limits(attachment_seconds=1e-9))
    assert out.reasons == "extraction took longer than 1e-09 s"


def test_text_limit_cuts_and_says_so() -> None:
    out = run(make.docx(), "iep.docx", limits=Limits(max_text_chars=40))
    assert len(out.text) <= 40
    assert "text cut off by size limit (40 characters per message)" in out.reasons


@pytest.mark.parametrize(
    "data",
    [bombs.billion_laughs_docx(), bombs.docx_with_prolog(bombs.LAUGHS, "utf-16")],
    ids=["utf-8", "utf-16"],
)
def test_billion_laughs_in_docx_is_refused(data: bytes) -> None:
    started = time.monotonic()
    out = run(data, "laughs.docx")
    assert time.monotonic() - started < 2
    assert out.reasons == (
        "Word document part word/document.xml declares XML entities (refused: XML entity attack)"
    )


def test_external_entity_in_docx_is_refused() -> None:
    out = run(bombs.external_entity_docx(), "xxe.docx")
    assert "XML entity attack" in out.reasons
    assert "root:" not in out.text


def test_entity_attack_in_opendocument_is_refused() -> None:
    source = zipfile.ZipFile(io.BytesIO(make.odf("ods")))
    parts = {n: source.read(n) for n in source.namelist()}
    parts["content.xml"] = bombs.LAUGHS + parts["content.xml"].split(b"?>", 1)[1]
    out = run(make.zip_of(parts, zipfile.ZIP_STORED), "roster.ods")
    assert out.reasons == (
        "OpenDocument file part content.xml declares XML entities (refused: XML entity attack)"
    )


def test_pdf_over_the_time_limit_is_unscannable_with_the_limit() -> None:
    out = run(make.pdf(), "report.pdf", limits=Limits(attachment_seconds=1e-9))
    assert out.reasons == "extraction took longer than 1e-09 s"


def _mail_with(data: bytes, filename: str, ctype: str = "text/plain") -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "t@westpark.k12.ca.us", "p@gmail.com", "Notes"
    msg.set_content("See attached.")
    main, sub = ctype.split("/")
    msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


def test_attachment_text_is_counted_once_against_the_message_budget() -> None:
    from dlp.extract.mime import walk

    text = "Attendance note. " * 40  # 680 characters: fits a 1,000 budget once, not twice
    result = walk(_mail_with(text.encode(), "notes.txt"), Limits(max_text_chars=1000))
    assert not result.unscannable
    assert text.strip() in "".join(c.text for c in result.chunks)


def test_archive_over_the_budget_keeps_what_fits_and_says_it_was_cut() -> None:
    from dlp.extract.mime import walk

    first, second = b"a" * 600, b"b" * 600
    data = make.zip_of({"one.txt": first, "two.txt": second})
    msg = _mail_with(data, "notes.zip", "application/zip")
    result = walk(msg, Limits(max_text_chars=1000))
    text = "".join(c.text for c in result.chunks if "notes.zip" in c.where)
    assert "a" * 600 in text and 0 < text.count("b") < 600
    assert [u.why for u in result.unscannable] == [
        "text cut off by size limit (1,000 characters per message)"
    ]
