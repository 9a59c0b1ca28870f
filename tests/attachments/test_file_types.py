"""contest.file_types: the type comes from the content; containers are looked into;
truncated or damaged files are told apart."""

from __future__ import annotations

import pytest

from contest import file_types as ft
from tests.attachments.conftest import (
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
    tar_gz_bytes,
    webm_bytes,
    webp_bytes,
    zip_bytes,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_bytes(), ft.PDF),
        (png_bytes(), ft.PNG),
        (jpeg_bytes(), ft.JPEG),
        (webp_bytes(), ft.WEBP),
        (mp4_bytes(), ft.MP4),
        (mp4_bytes(b"qt  "), ft.MOV),
        (mp4_bytes(b"heic"), ft.HEIC),
        (webm_bytes(), ft.WEBM),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska" + b"\0" * 40, ft.MKV),
        (zip_bytes(), ft.ZIP),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 40, ft.SEVEN_Z),
        (b"Rar!\x1a\x07\x01\x00" + b"\0" * 40, ft.RAR),
        (tar_gz_bytes(), ft.TAR_GZ),
        (exe_bytes(), ft.EXE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 40, ft.MSI),
    ],
)
def test_sniff_recognises_each_type(data, expected):
    assert ft.sniff(data[: ft.HEAD_SIZE])[0] == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body>%PDF-1.7</body></html>",
        b"GIF89a\x01\x00\x01\x00",
        b"just some text that mentions ftyp and PK",
        b"RIFF\0\0\0\0WAVEfmt ",
        b"",
    ],
)
def test_unknown_content_is_not_recognised(data):
    assert ft.sniff(data) is None


def test_zip_is_refined_into_docx_apk_or_plain_zip(tmp_path):
    cases = {
        "a.docx": (docx_bytes(), ft.DOCX),
        "a.apk": (zip_bytes({"AndroidManifest.xml": b"<m/>", "classes.dex": b"dex"}), ft.APK),
        "a.zip": (zip_bytes({"main.py": b"print(1)"}), ft.ZIP),
        # The name says DOCX, the content is a plain ZIP: it stays a ZIP.
        "fake.docx": (zip_bytes({"document.xml": b"<x/>"}), ft.ZIP),
    }
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert ft.refine(path, ft.ZIP) == expected, name
    assert ft.candidates(ft.ZIP) == {ft.ZIP, ft.DOCX, ft.APK}
    assert ft.candidates(ft.PDF) == {ft.PDF}


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (ft.ZIP, docx_bytes()[:-30]),  # central directory cut off
        (ft.ZIP, b"PK\x03\x04" + b"\0" * 100),
        (ft.TAR_GZ, b"\x1f\x8b\x08\x00" + b"\0" * 30),  # not a valid deflate stream
        (ft.SEVEN_Z, b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 4 + b"\xff" * 20),
        (ft.EXE, b"MZ" + b"\0" * 10),
        (ft.EXE, b"MZ this is a text file, not a program" + b" " * 40),
    ],
)
def test_damaged_containers_are_malformed(tmp_path, content_type, data):
    path = tmp_path / "f"
    path.write_bytes(data)
    with pytest.raises(ft.Malformed):
        ft.refine(path, content_type)


def test_gzip_without_tar_is_malformed(tmp_path):
    import gzip

    path = tmp_path / "notes.gz"
    path.write_bytes(gzip.compress(b"plain text, no tar header" * 40))
    with pytest.raises(ft.Malformed):
        ft.refine(path, ft.TAR_GZ)
    path.write_bytes(tar_gz_bytes())
    assert ft.refine(path, ft.TAR_GZ) == ft.TAR_GZ


def test_truncated_pdf_is_incomplete(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf_bytes())
    ft.ensure_complete(path, ft.PDF)
    path.write_bytes(pdf_bytes()[:-40])
    with pytest.raises(ft.Malformed):
        ft.ensure_complete(path, ft.PDF)
    ft.ensure_complete(path, ft.PNG)  # other types are not concerned
