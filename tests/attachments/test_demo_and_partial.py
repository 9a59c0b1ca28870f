"""The demo's sample attachments, and the upload partial the entrant pages include."""

from __future__ import annotations

import io
import zipfile

from flask import render_template_string
from flask_login import login_user

from contest import file_types as ft
from contest.entries import completeness
from contest.entries.attachment_demo import sample_pdf, seed_sample_attachments
from contest.entries.models import Entry
from contest.extensions import db
from tests.attachments.conftest import make_entry, png_bytes, stored_files
from tests.attachments.test_uploads import post_file

PARTIAL = '{% include "entries/_attachments.html" %}'


def test_samples_complete_the_checklist_and_are_real_files(entry, software_entry, upload_root, app):
    made = seed_sample_attachments()
    db.session.commit()
    # HT: description, photos, unit confirmation; PM adds source code, installer, instructions.
    assert made == 3 + 6
    for item in (entry, software_entry):
        db.session.refresh(item)
        assert completeness.missing_kinds(item) == []
    kinds = {a.kind: a for a in software_entry.attachments}
    assert kinds["description"].content_type == ft.PDF
    assert kinds["photos"].content_type == ft.PNG and kinds["photos"].thumbnail_key
    assert kinds["source_code"].content_type == ft.ZIP
    for attachment in software_entry.attachments:
        path = upload_root / attachment.storage_key
        assert path.stat().st_size == attachment.size_bytes
    with zipfile.ZipFile(upload_root / kinds["source_code"].storage_key) as archive:
        assert "src/main.py" in archive.namelist()
    assert seed_sample_attachments() == 0  # idempotent
    assert len(stored_files(upload_root)) == 9 + 2  # two photo thumbnails


def test_sample_pdf_carries_the_vietnamese_title():
    data = sample_pdf("Bản thuyết minh", ["Đèn học chống cận"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert ("feff" + "Bản thuyết minh".encode("utf-16-be").hex()).upper().encode() in data
    assert b"(Den hoc chong can)" in data


def render_for(app, user, entry) -> str:
    with app.test_request_context("/dossier?step=4"):
        if user is not None:
            login_user(user)
        return render_template_string(PARTIAL, entry=db.session.get(Entry, entry.id))


def test_partial_offers_the_checklist_with_hints(app, entry, people, client_for):
    post_file(client_for(people["owner"]), entry, "photos", png_bytes(), "anh.png")
    html = render_for(app, people["owner"], entry)
    for kind in ("description", "photos", "unit_confirmation", "video"):
        assert f'data-testid="attachment-kind-{kind}"' in html
    assert "source_code" not in html  # not in this field's checklist, not used
    assert "Nhận: PDF, DOCX · tối đa 64 KB mỗi tệp" in html
    assert 'accept="image/jpeg,.jpg,.jpeg,image/png,.png,image/webp,.webp"' in html
    assert 'name="file" id="file-photos"' in html and "multiple" in html
    assert html.count('data-testid="attachment-missing"') == 2  # description, confirmation
    assert "anh.png" in html and "/thumbnail" in html
    assert 'name="next" value="/dossier?step=4"' in html
    assert "js/uploads.js" in html


def test_partial_is_read_only_when_the_user_may_not_change(app, closed_edition, people, tree):
    from datetime import timedelta

    import time_machine

    with time_machine.travel(closed_edition.submission_deadline - timedelta(days=2), tick=False):
        entry = make_entry(closed_edition, people["owner"], tree["my_bang"])
    html = render_for(app, people["owner"], entry)
    assert 'data-testid="attachments-readonly"' in html
    assert "attachment-upload" not in html and "attachment-delete" not in html
    organizer = render_for(app, people["organizer"], entry)
    assert "attachment-upload-description" in organizer


def test_uploads_script_is_served(client):
    response = client.get("/static/js/uploads.js")
    assert response.status_code == 200 and b"X-CSRFToken" in response.data
    response.close()


def test_multipart_upload_of_several_photos(entry, people, client_for):
    client = client_for(people["owner"])
    response = client.post(
        f"/entries/{entry.id}/attachments/photos",
        data={"file": [(io.BytesIO(png_bytes()), "1.png"), (io.BytesIO(png_bytes()), "2.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.original_name for a in db.session.get(Entry, entry.id).attachments] == [
        "1.png",
        "2.png",
    ]
