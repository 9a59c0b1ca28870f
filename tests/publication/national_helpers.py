"""Set-up for the national selection tests: a published edition (the review tests' edition,
its flags resolved, version 1 published), and a second small edition whose winners tie at
the national limit; authors with full details and attachments on real storage."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

from sqlalchemy import select

from contest import file_types
from contest.contests.operations import get_edition
from contest.entries.attachment_demo import sample_pdf
from contest.entries.models import Author, Entry
from contest.extensions import db
from contest.publication import operations as pub
from contest.storage import get_storage, new_key
from tests import factories
from tests.publication.helpers import compiled_edition, entry_id, resolve_flags
from tests.results_compile.helpers import (
    create_edition,
    definition,
    import_entries,
    import_scores,
    sheet,
)
from tests.results_review.helpers import compile_now

__all__ = ["entry_id", "published_edition", "tied_edition", "detailed_authors", "attach_files"]

#: Winners of the published edition in the default rule's order (prize, score, code):
#: B1 first 95, A1 first 90, A2 second 80, A3 second 76 (decided), A4 third 76, A5 merit 56.
RULE_ORDER = ["B1", "A1", "A2", "A3", "A4", "A5"]


def published_edition(runner, tmp_path, organizer, posting_days: int = 0):
    """The review edition (national_max 4), compiled, flags resolved, version 1 published."""
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer)
    pub.publish(edition, organizer, posting_days=posting_days)
    db.session.commit()
    return edition


TIED_SLUG = "stkt-national-tie"


def tied_edition(runner, tmp_path, organizer, national_max: int | None = 2):
    """C1 first 90; C3 and C2 second with the same 80 (both fit the quota of 3); C4 third
    70: the rule takes C2 before C3 (entry code). Published."""
    create_edition(runner, tmp_path, definition(TIED_SLUG, national_max=national_max))
    sheets = {
        "C3": [sheet(30, 50), sheet(30, 50)],
        "C1": [sheet(40, 50), sheet(40, 50)],
        "C2": [sheet(30, 50), sheet(30, 50)],
        "C4": [sheet(30, 40), sheet(30, 40)],
    }
    import_entries(runner, tmp_path, TIED_SLUG, [(c, "CNTT", "accepted") for c in sheets])
    import_scores(runner, tmp_path, TIED_SLUG, sheets)
    edition = get_edition(TIED_SLUG)
    compile_now(edition)
    pub.publish(edition, organizer, posting_days=0)
    db.session.commit()
    return edition


#: Authors of B1 as the registration form must print them (NFC).
AUTHORS = [
    dict(full_name="Nguyễn Thị Ánh Tuyết", date_of_birth=date(1985, 3, 9), gender="F",
         ethnicity="Tày", organisation="Công ty Điện lực Tuyên Quang",
         class_or_position="Kỹ sư", phone="0912 345 678", email="tuyet@example.vn",
         is_representative=False),
    dict(full_name="Hoàng Văn Đức", date_of_birth=date(1979, 12, 1), gender="M",
         ethnicity="Kinh", organisation="Phân xưởng Cơ khí", class_or_position="Tổ trưởng",
         phone="0987 000 111", email="duc@example.vn", is_representative=True),
]  # fmt: skip


def detailed_authors(code: str) -> None:
    """Replace ``code``'s authors with ``AUTHORS`` and give it a Vietnamese title; commits."""
    entry = db.session.scalar(select(Entry).where(Entry.code == code))
    for author in list(entry.authors):
        db.session.delete(author)
    db.session.flush()
    for position, values in enumerate(AUTHORS, start=1):
        db.session.add(Author(entry_id=entry.id, position=position, **values))
    entry.title = "Máy phun thuốc trừ sâu tự động điều khiển bằng điện thoại"
    entry.summary = "Giải pháp giúp giảm 40 % thời gian phun thuốc.\nÁp dụng tại 3 xã."
    db.session.commit()


def _stored(storage, data: bytes, content_type: str, tmp: Path) -> tuple[str, str]:
    """Put ``data`` in storage (through the storage's own put) and return (key, sha256)."""
    key = new_key("attachments", content_type)
    path = tmp / f"{key.replace('/', '_')}.tmp"
    path.write_bytes(data)
    storage.put(path, key)
    return key, hashlib.sha256(data).hexdigest()


def attach_files(code: str, tmp_path: Path, video_bytes: int = 3 * 1024 * 1024) -> dict:
    """Attach a description PDF, a "video" of ``video_bytes`` random bytes with an awkward
    name, two photos of the same name, and a file missing from storage to ``code``; commits.
    Returns {original name: bytes} of the stored ones."""
    storage = get_storage()
    entry = db.session.scalar(select(Entry).where(Entry.code == code))
    files = {
        ("description", "Bản thuyết minh.pdf", file_types.PDF): sample_pdf(
            "Bản thuyết minh", ["Mo ta giai phap"]
        ),
        ("video", "Video: máy/phun?.mp4", file_types.MP4): os.urandom(video_bytes),
        ("photos", "ảnh.jpg", file_types.JPEG): b"\xff\xd8\xff" + os.urandom(2000),
        ("photos", "ẢNH.jpg", file_types.JPEG): b"\xff\xd8\xff" + os.urandom(3000),
    }
    out = {}
    for (kind, name, content_type), data in files.items():
        key, digest = _stored(storage, data, content_type, tmp_path)
        factories.make_attachment(
            entry, kind, original_name=name, storage_key=key, content_type=content_type,
            size_bytes=len(data), sha256=digest, commit=False,
        )  # fmt: skip
        out[name] = data
    factories.make_attachment(
        entry, "instructions", original_name="Hướng dẫn.pdf",
        storage_key=new_key("attachments", file_types.PDF), content_type=file_types.PDF,
        size_bytes=10,
    )  # fmt: skip
    return out
