"""What cannot be read is reported unscannable with the reason (POLICY.md section 2)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import py7zr
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from . import make
from .conftest import run


def test_password_protected_zip_is_unscannable(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_bytes(make.csv_roster())
    command = ["zip", "-q", "-P", "secret", "files.zip", "roster.csv"]
    subprocess.run(command, cwd=tmp_path, check=True)
    out = run((tmp_path / "files.zip").read_bytes(), "files.zip")
    assert out.reasons == "password-protected zip archive"
    assert "Martinez" not in out.text


@pytest.mark.parametrize("header_encryption", [False, True])
def test_password_protected_7z_is_unscannable(header_encryption: bool) -> None:
    buffer = io.BytesIO()
    secret = {"password": "secret", "header_encryption": header_encryption}
    with py7zr.SevenZipFile(buffer, "w", **secret) as z:  # type: ignore[arg-type]
        z.writestr(make.csv_roster(), "roster.csv")
    out = run(buffer.getvalue(), "files.7z")
    assert out.reasons == "password-protected 7z archive"


def test_encrypted_docx_is_unscannable() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(make.docx())).encrypt("secret", encrypted)
    out = run(encrypted.getvalue(), "iep.docx")
    assert out.reasons == "password-protected Office document (encrypted)"


def test_pdf_needing_a_user_password_is_unscannable() -> None:
    out = run(make.pdf(owner_password="admin", user_password="secret"), "report.pdf")
    assert out.reasons == "password-protected PDF"


def test_encrypted_legacy_doc_is_unscannable() -> None:
    out = run(make.doc(encrypted=True), "notes.doc")
    assert out.reasons == "password-protected Word document (.doc)"


def test_truncated_pdf_is_unscannable_but_its_readable_text_is_kept() -> None:
    data = make.pdf()
    out = run(data[: len(data) * 3 // 4], "report.pdf")
    assert "corrupt or truncated PDF" in out.reasons


def test_garbage_named_pdf_is_unscannable() -> None:
    out = run(b"%PDF-1.7\n" + bytes(range(256)) * 8, "report.pdf")
    assert out.reasons == "corrupt or truncated PDF"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("iep.docx", "corrupt or truncated Word document"),
        ("roster.xlsx", "corrupt or truncated Excel workbook"),
        ("files.zip", "corrupt or truncated zip archive"),
    ],
)
def test_truncated_zip_based_files_say_what_they_are(name: str, reason: str) -> None:
    data = make.docx() if name.endswith("docx") else make.xlsx()
    assert run(data[: len(data) // 2], name).reasons == reason


def test_corrupt_part_inside_a_valid_docx_is_unscannable() -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(make.docx()))
    parts = {n: source.read(n) for n in source.namelist()}
    parts["word/document.xml"] = b"<w:document xmlns:w='x'><w:body><w:p>"
    out = run(make.zip_of(parts), "iep.docx")
    assert out.reasons == "corrupt or unreadable Word document"


def test_pdf_page_without_text_is_read_by_ocr_and_not_unscannable() -> None:
    out = run(make.pdf(body=" "), "scan.pdf")
    assert not out.unscannable
    assert not out.not_inspected  # rendered and read: a blank page has nothing to say
    assert not out.text.strip()


def test_one_bad_member_does_not_hide_the_others() -> None:
    data = make.zip_of({"bad.pdf": b"%PDF-1.4 broken", "roster.csv": make.csv_roster()})
    out = run(data, "files.zip")
    assert "Jacob Martinez" in out.text
    assert [u.where for u in out.unscannable] == ["attachment:files.zip/bad.pdf"]
