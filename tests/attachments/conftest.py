"""Fixtures of the attachment tests: small size limits, a private upload folder per test, an
area tree with one user per role of the permission matrix, an edition open now, entries, and
builders of real (and deliberately broken) files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from contest.accounts.models import Role
from contest.areas.models import AreaLevel
from contest.audit.models import AuditEntry
from contest.entries.attachment_demo import sample_pdf
from contest.entries.models import Attachment
from contest.extensions import db
from contest.timeutil import LOCAL_TZ, utcnow
from tests import factories

KB = 1024
LIMITS = {
    "ATTACHMENT_DOCUMENTS_MAX_BYTES": 64 * KB,
    "ATTACHMENT_IMAGES_MAX_BYTES": 48 * KB,
    "ATTACHMENT_VIDEO_MAX_BYTES": 96 * KB,
    "ATTACHMENT_ARCHIVES_MAX_BYTES": 32 * KB,
    "ATTACHMENT_MAX_PHOTOS": 3,
}


@pytest.fixture()
def app(make_app, tmp_path):
    """The test app with small per-kind limits and its own upload folder."""
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"), **LIMITS)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def upload_root(app):
    """The storage root of this test."""
    from pathlib import Path

    return Path(app.config["UPLOAD_DIR"])


def stored_files(root) -> list:
    """Every file under the storage root (spooled leftovers included)."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attachment_count() -> int:
    """Attachment rows in the database."""
    db.session.expire_all()
    return db.session.scalar(select(func.count(Attachment.id))) or 0


def attachment_audits() -> int:
    """Audit entries about attachments."""
    return (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action.like("entry.attachment%"))
        )
        or 0
    )


# --- People, places, editions, entries ------------------------------------------------------


@pytest.fixture()
def tree(app):
    """Tuyên Quang → Yên Sơn (→ Xã Mỹ Bằng) and Hàm Yên."""
    province = factories.make_area("Tuyên Quang", AreaLevel.PROVINCE)
    yen_son = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    ham_yen = factories.make_area("Hàm Yên", AreaLevel.DISTRICT, parent=province)
    my_bang = factories.make_area("Xã Mỹ Bằng", AreaLevel.COMMUNE, parent=yen_son)
    return {"province": province, "yen_son": yen_son, "ham_yen": ham_yen, "my_bang": my_bang}


@pytest.fixture()
def people(tree):
    """Everyone of the permission matrix."""
    return {
        "organizer": factories.make_user("btc@example.vn", (Role.ORGANIZER,)),
        "owner": factories.make_user("an@example.vn", (Role.ENTRANT,), full_name="Lê An"),
        "other": factories.make_user("binh@example.vn", (Role.ENTRANT,), full_name="Hà Bình"),
        "coord": factories.make_user("ys@example.vn", (Role.COORDINATOR,), area=tree["yen_son"]),
        "coord_other": factories.make_user(
            "hy@example.vn", (Role.COORDINATOR,), area=tree["ham_yen"]
        ),
        "judge": factories.make_user("gk@example.vn", (Role.JUDGE,)),
    }


def _deadline(days: int) -> datetime:
    """17:00 local, ``days`` from today."""
    day = (utcnow().astimezone(LOCAL_TZ) + timedelta(days=days)).date()
    return datetime.combine(day, datetime.min.time().replace(hour=17), tzinfo=LOCAL_TZ)


@pytest.fixture()
def edition(people):
    """A youth edition open now (deadline in 20 days). Field HT needs description, photos,
    unit confirmation; PM adds source code, installer and instructions."""
    return factories.make_edition(
        "youth",
        "ttn-dinh-kem",
        "Cuộc thi TTN-NĐ (đính kèm)",
        _deadline(20),
        people["organizer"],
        opens_at=utcnow() - timedelta(days=10),
    )


@pytest.fixture()
def closed_edition(people):
    """A youth edition whose deadline passed yesterday."""
    return factories.make_edition(
        "youth",
        "ttn-da-dong",
        "Cuộc thi TTN-NĐ (đã hết hạn)",
        _deadline(-1),
        people["organizer"],
        opens_at=utcnow() - timedelta(days=40),
    )


def make_entry(edition, owner, area, field: str = "HT", title: str = "Thước đo đa năng"):
    """A committed draft of ``owner`` in ``area`` (nothing more)."""
    return factories.make_draft(edition, owner, title=title, field=field, area=area, complete=False)


@pytest.fixture()
def entry(edition, people, tree):
    """The owner's draft in Xã Mỹ Bằng (under Yên Sơn), field HT."""
    return make_entry(edition, people["owner"], tree["my_bang"])


@pytest.fixture()
def software_entry(edition, people, tree):
    """The owner's draft in the software field (archives, installer, instructions)."""
    return make_entry(edition, people["owner"], tree["yen_son"], field="PM", title="Ứng dụng")


@pytest.fixture()
def client_for(app):
    """``client_for(user)``: a new test client logged in as ``user`` (None: anonymous)."""

    def _client(user):
        client = app.test_client()
        if user is not None:
            response = client.post(
                "/login", data={"email": user.email, "password": factories.PASSWORD}
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client

    return _client


# --- Files ------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Ban thuyet minh") -> bytes:
    """A small, well-formed PDF."""
    return sample_pdf("Bản thuyết minh", [text])


def png_bytes(size=(800, 600), mode="RGB", color=(30, 120, 200)) -> bytes:
    """A real PNG image."""
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def noisy_png(size=(200, 200)) -> bytes:
    """A PNG of random pixels (does not compress: about 3 bytes a pixel)."""
    import random

    rng = random.Random(size[0] * size[1])
    out = io.BytesIO()
    Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(800, 600), exif_orientation: int | None = None) -> bytes:
    """A real JPEG image (optionally with an EXIF orientation tag)."""
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 80, 40))
    if exif_orientation is None:
        image.save(out, "JPEG", quality=80)
    else:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, "JPEG", quality=80, exif=exif.tobytes())
    return out.getvalue()


def webp_bytes(size=(300, 200)) -> bytes:
    """A real WebP image."""
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 90)).save(out, "WEBP")
    return out.getvalue()


def zip_bytes(files: dict[str, bytes] | None = None) -> bytes:
    """A ZIP archive of ``files``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (files or {"README.txt": b"xin chao"}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes() -> bytes:
    """A minimal DOCX (a ZIP holding word/document.xml)."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "word/document.xml": "<w:document>Bản thuyết minh</w:document>".encode(),
        }
    )


def exe_bytes() -> bytes:
    """A minimal Windows PE: MZ header pointing to a PE signature."""
    dos = bytearray(b"MZ" + b"\0" * 62)
    struct.pack_into("<I", dos, 0x3C, 64)
    return bytes(dos) + b"PE\0\0" + b"\0" * 200


def mp4_bytes(brand: bytes = b"isom", size: int = 4096) -> bytes:
    """The start of an MP4 (or MOV with brand ``qt  ``) file: an ftyp box, then filler."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\0\0\0\0" + b"isommp42"
    return ftyp + b"\0" * (size - len(ftyp))


def webm_bytes(size: int = 4096) -> bytes:
    """The start of a WebM file (EBML header with DocType webm)."""
    head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm"
    return head + b"\0" * (size - len(head))


def tar_gz_bytes() -> bytes:
    """A real .tar.gz holding one file."""
    import tarfile

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        data = b"print('xin chao')\n"
        info = tarfile.TarInfo("src/main.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
