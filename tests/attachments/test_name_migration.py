"""Migration 0011 gives attachments stored before it the extension of their detected type,
by the same rule as new uploads."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from sqlalchemy import text

from contest import file_types as ft
from contest.entries import attachments
from contest.entries.attachments import FileChanges
from contest.entries.models import Attachment
from contest.extensions import db
from tests.attachments.conftest import jpeg_bytes, pdf_bytes

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0011_judge_files.py"


def _migration():
    spec = importlib.util.spec_from_file_location("m0011", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("report.html", ft.PDF),
        ("report.PDF", ft.PDF),
        ("anh.jpeg", ft.JPEG),
        ("anh.png", ft.JPEG),
        ("ma.tar.gz", ft.TAR_GZ),
        ("ban v1.2", ft.PDF),
        ("bai", ft.DOCX),
        ("trang.svg", ft.WEBP),
        ("x" * 198 + ".7z", ft.ZIP),
    ],
)
def test_the_migration_names_files_as_uploads_do(name, content_type):
    assert _migration().named(name, content_type) == attachments.name_with_extension(
        name, content_type
    )


def test_the_upgrade_fixes_the_names_of_stored_rows(entry, people):
    changes = FileChanges()
    pdf = attachments.upload(
        entry, "description", io.BytesIO(pdf_bytes()), "a.pdf", people["owner"], changes=changes
    )
    photo = attachments.upload(
        entry, "photos", io.BytesIO(jpeg_bytes()), "anh.jpeg", people["owner"], changes=changes
    )
    db.session.commit()
    ids = (pdf.id, photo.id)
    db.session.remove()
    with db.engine.begin() as conn:  # as stored before names followed the type
        conn.execute(
            text("UPDATE entry_attachments SET original_name = 'report.html' WHERE id = :i"),
            {"i": ids[0]},
        )
        _migration().fix_names(conn)
    db.session.expire_all()
    assert db.session.get(Attachment, ids[0]).original_name == "report.pdf"
    assert db.session.get(Attachment, ids[1]).original_name == "anh.jpeg"
