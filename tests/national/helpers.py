"""Set-up for the national intake tests: the published provincial edition of the national
selection tests (national_max 4: B1, A1, A2, A3 selected), B1 with detailed authors and real
files, the sending province with its official code, and a national edition marked as such."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from contest import file_types
from contest.areas.models import Area
from contest.contests.operations import get_edition
from contest.entries.attachment_demo import sample_pdf
from contest.entries.models import Entry
from contest.extensions import db
from contest.national.models import NationalArrival
from contest.storage import get_storage, new_key
from tests import factories
from tests.publication.national_helpers import detailed_authors, published_edition
from tests.results_compile.helpers import create_edition, definition, invoke_ok

KEY = "khoa-chung-thu-nghiem"
NATIONAL = "toan-quoc-2026"
SELECTED = ["B1", "A1", "A2", "A3"]


def province() -> Area:
    """The sending province (the root "Tuyên Quang", made if absent) with its official code."""
    area = db.session.scalar(
        select(Area).where(Area.parent_id.is_(None), Area.name == "Tuyên Quang")
    )
    if area is None:
        area = Area(name="Tuyên Quang", level="province")
        db.session.add(area)
    area.code = "08"
    db.session.commit()
    return area


def store(code: str, kind: str, name: str, content_type: str, data: bytes, tmp: Path) -> None:
    """Attach ``data`` to entry ``code`` through the storage's own put; commits."""
    storage = get_storage()
    key = new_key("attachments", content_type)
    path = tmp / f"{key.replace('/', '_')}.tmp"
    path.write_bytes(data)
    storage.put(path, key)
    entry = db.session.scalar(select(Entry).where(Entry.code == code))
    factories.make_attachment(
        entry, kind, original_name=name, storage_key=key, content_type=content_type,
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
    )  # fmt: skip


def provincial(runner, tmp_path, organizer):
    """The published provincial edition; B1 has detailed authors, a PDF and a 'video'."""
    edition = published_edition(runner, tmp_path, organizer)
    detailed_authors("B1")
    store("B1", "description", "Bản thuyết minh.pdf", file_types.PDF,
          sample_pdf("Bản thuyết minh", ["Mo ta"]), tmp_path)  # fmt: skip
    store("B1", "video", "Video: máy/phun?.mp4", file_types.MP4, os.urandom(300_000), tmp_path)
    store("A1", "photos", "ảnh.jpg", file_types.JPEG, b"\xff\xd8\xff" + os.urandom(5000), tmp_path)
    return edition


def national_edition(runner, tmp_path, fields=None):
    """A national edition (same fields as the province's by default), marked national."""
    data = definition(NATIONAL, title="Hội thi Sáng tạo Kỹ thuật toàn quốc 2026")
    if fields is not None:
        data["fields"] = fields
    create_edition(runner, tmp_path, data)
    invoke_ok(runner, "national", "mark", NATIONAL)
    return get_edition(NATIONAL)


def national_entries(edition) -> list[Entry]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Entry).where(Entry.edition_id == edition.id).order_by(Entry.code))
    )


def arrival_count() -> int:
    return db.session.scalar(select(func.count(NationalArrival.id))) or 0


def stored_keys() -> set[str]:
    return set(get_storage().keys())


def rewrite(path: Path, target: Path, replace: dict[str, bytes | None], add=None) -> None:
    """Copy the ZIP ``path`` to ``target`` with members replaced (None: left out) or added."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    out.writestr(info.filename, replace[info.filename])
                continue
            out.writestr(info, src.read(info))
        for name, data in (add or {}).items():
            out.writestr(name, data)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def read_stored(key: str) -> bytes:
    with get_storage().open(key) as handle:
        return handle.read()
