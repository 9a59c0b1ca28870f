"""What a file really is, decided by its content (magic bytes), never by its name nor by the
Content-Type a browser sent.

Two steps, so that a refusal can come as early as possible:

1. :func:`sniff` looks at the first bytes (:data:`HEAD_SIZE`) and names the *base* type —
   enough to refuse a PNG offered as a PDF before a single byte is written to disk;
2. :func:`refine` looks at the whole file once it is spooled to a local temporary file: a ZIP
   is a DOCX when it holds ``word/document.xml`` and an APK when it holds
   ``AndroidManifest.xml``; a gzip stream is accepted only when it holds a tar archive; ZIPs,
   7z archives and Windows executables are checked for truncation or garbage, which raises
   :class:`Malformed`.

:func:`ensure_complete` adds the stricter check of a PDF's end (``%%EOF``) for callers that
want it (entry attachments), and images are decoded by Pillow where they are used
(``contest.entries.thumbnails``).
"""

from __future__ import annotations

import gzip
import os
import struct
import zipfile
import zlib
from pathlib import Path

HEAD_SIZE = 64

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
HEIC = "image/heic"
MP4 = "video/mp4"
MOV = "video/quicktime"
WEBM = "video/webm"
MKV = "video/x-matroska"
ZIP = "application/zip"
SEVEN_Z = "application/x-7z-compressed"
RAR = "application/vnd.rar"
TAR_GZ = "application/gzip"
EXE = "application/vnd.microsoft.portable-executable"
MSI = "application/x-msi"
APK = "application/vnd.android.package-archive"

# content type -> extension of the stored key (letters and digits only, at most 5)
EXTENSIONS = {
    PDF: "pdf",
    DOCX: "docx",
    PNG: "png",
    JPEG: "jpg",
    WEBP: "webp",
    HEIC: "heic",
    MP4: "mp4",
    MOV: "mov",
    WEBM: "webm",
    MKV: "mkv",
    ZIP: "zip",
    SEVEN_Z: "7z",
    RAR: "rar",
    TAR_GZ: "tgz",
    EXE: "exe",
    MSI: "msi",
    APK: "apk",
}

# The extension people expect on a downloaded file, where it differs from the stored one.
DOWNLOAD_EXTENSIONS = {TAR_GZ: "tar.gz"}

# Short names of the types, for messages ("PDF, DOCX").
TYPE_NAMES = {
    PDF: "PDF",
    DOCX: "DOCX",
    PNG: "PNG",
    JPEG: "JPEG",
    WEBP: "WebP",
    HEIC: "HEIC",
    MP4: "MP4",
    MOV: "MOV",
    WEBM: "WebM",
    MKV: "MKV",
    ZIP: "ZIP",
    SEVEN_Z: "7z",
    RAR: "RAR",
    TAR_GZ: "tar.gz",
    EXE: "EXE",
    MSI: "MSI",
    APK: "APK",
}

IMAGE_TYPES = frozenset({PNG, JPEG, WEBP})

# (content type, extension, prefixes at offset 0)
SIGNATURES: tuple[tuple[str, str, tuple[bytes, ...]], ...] = (
    (PDF, "pdf", (b"%PDF-",)),
    (PNG, "png", (b"\x89PNG\r\n\x1a\n",)),
    (JPEG, "jpg", (b"\xff\xd8\xff",)),
    (ZIP, "zip", (b"PK\x03\x04",)),
    (SEVEN_Z, "7z", (b"7z\xbc\xaf\x27\x1c",)),
    (RAR, "rar", (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")),
    (TAR_GZ, "tgz", (b"\x1f\x8b\x08",)),
    (MSI, "msi", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    (EXE, "exe", (b"MZ",)),
)

# ISO base media brands that are still images, not videos (iPhone photos are HEIC).
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
_EBML = b"\x1a\x45\xdf\xa3"

# Types :func:`refine` may turn a base type into.
REFINEMENTS = {ZIP: frozenset({ZIP, DOCX, APK})}


class Malformed(Exception):
    """The content starts like an accepted type but is truncated or damaged."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """``(content type, extension)`` recognised from a file's first bytes, or None."""
    for content_type, extension, prefixes in SIGNATURES:
        if any(head.startswith(prefix) for prefix in prefixes):
            return content_type, extension
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return HEIC, EXTENSIONS[HEIC]
        if brand.startswith(b"qt"):
            return MOV, EXTENSIONS[MOV]
        return MP4, EXTENSIONS[MP4]
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP, EXTENSIONS[WEBP]
    if head.startswith(_EBML):
        if b"webm" in head:
            return WEBM, EXTENSIONS[WEBM]
        return MKV, EXTENSIONS[MKV]
    return None


def candidates(content_type: str) -> frozenset[str]:
    """Every type a file sniffed as ``content_type`` may turn out to be after :func:`refine`."""
    return REFINEMENTS.get(content_type, frozenset({content_type}))


def refine(path: Path, content_type: str) -> str:
    """The final type of the spooled file at ``path`` sniffed as ``content_type``; raise
    :class:`Malformed` when it is truncated or damaged."""
    checker = _CHECKS.get(content_type)
    return checker(path) if checker else content_type


def ensure_complete(path: Path, content_type: str) -> None:
    """Raise :class:`Malformed` when a PDF does not end with ``%%EOF`` (within its last
    2 KB, as readers look for it): a truncated upload does not."""
    if content_type != PDF:
        return
    size = path.stat().st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise Malformed("PDF without %%EOF")


def _check_zip(path: Path) -> str:
    """A ZIP must have its central directory (at the end); DOCX and APK are ZIPs with a
    telling entry."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise Malformed(f"bad ZIP: {exc}")
    if "word/document.xml" in names:
        return DOCX
    if "AndroidManifest.xml" in names:
        return APK
    return ZIP


def _check_tar_gz(path: Path) -> str:
    """A gzip stream whose first block is a tar header (``ustar`` at offset 257). Only the
    first block is decompressed: no gzip bomb is ever expanded."""
    try:
        with gzip.open(path, "rb") as handle:
            block = handle.read(512)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise Malformed(f"bad gzip: {exc}")
    if len(block) < 512 or block[257:262] != b"ustar":
        raise Malformed("gzip without a tar archive")
    return TAR_GZ


def _check_7z(path: Path) -> str:
    """A 7z start header names where the archive ends: a shorter file is truncated."""
    with open(path, "rb") as handle:
        header = handle.read(32)
    if len(header) < 32:
        raise Malformed("7z header truncated")
    next_offset, next_size = struct.unpack_from("<QQ", header, 12)
    if 32 + next_offset + next_size > path.stat().st_size:
        raise Malformed("7z archive truncated")
    return SEVEN_Z


def _check_exe(path: Path) -> str:
    """A Windows executable: ``MZ``, then ``PE\\0\\0`` where the DOS header points."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        dos = handle.read(64)
        if len(dos) < 64:
            raise Malformed("DOS header truncated")
        (pe_offset,) = struct.unpack_from("<I", dos, 0x3C)
        if pe_offset + 4 > size:
            raise Malformed("PE header outside the file")
        handle.seek(pe_offset, os.SEEK_SET)
        if handle.read(4) != b"PE\0\0":
            raise Malformed("no PE signature")
    return EXE


_CHECKS = {
    ZIP: _check_zip,
    TAR_GZ: _check_tar_gz,
    SEVEN_Z: _check_7z,
    EXE: _check_exe,
}
