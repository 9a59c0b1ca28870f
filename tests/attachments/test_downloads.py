"""Downloads: only to those who may see the entry (one matrix per route), as attachments
with the original Vietnamese name (RFC 5987), nosniff and the detected type; blind names for
anyone who sees the entry through another rule (judges)."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest

from contest.entries import attachments
from contest.entries.attachments import FileChanges
from contest.entries.models import Attachment, Entry
from contest.extensions import db
from tests import factories
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, png_bytes
from tests.attachments.test_uploads import JSON, post_file

NAME = 'Bản thuyết minh – Nguyễn Văn An; "bản cuối".pdf'
WHO = ["owner", "coord", "organizer", "other", "coord_other", "judge", "anonymous"]
SEES = {"owner", "coord", "organizer"}


@pytest.fixture()
def files(entry, people):
    """A PDF (description) and a photo of the owner's entry, stored for real."""
    changes = FileChanges()
    pdf = attachments.upload(
        entry, "description", io.BytesIO(pdf_bytes()), NAME, people["owner"], changes=changes
    )
    photo = attachments.upload(
        entry, "photos", io.BytesIO(jpeg_bytes()), "ảnh 1.jpg", people["owner"], changes=changes
    )
    db.session.commit()
    return {"pdf": pdf, "photo": photo}


@pytest.fixture()
def as_(people, client_for):
    return lambda who: client_for(None if who == "anonymous" else people[who])


@pytest.mark.parametrize("who", WHO)
def test_download_matrix(as_, files, who):
    client = as_(who)
    for attachment in files.values():
        for url in (f"/attachments/{attachment.id}", f"/attachments/{attachment.id}/thumbnail"):
            if url.endswith("thumbnail") and not attachment.thumbnail_key:
                continue
            with client.get(url) as response:
                if who == "anonymous":
                    assert response.status_code == 302 and "/login" in response.location
                elif who in SEES:
                    assert response.status_code == 200, (who, url)
                else:
                    assert response.status_code == 404, (who, url)


@pytest.mark.parametrize("who", WHO)
def test_upload_and_delete_matrix(as_, entry, files, upload_root, who):
    client = as_(who)
    response = post_file(client, entry, "photos", png_bytes(), "moi.png")
    deleted = client.post(f"/attachments/{files['photo'].id}/delete", headers={"Accept": JSON})
    put = client.put(
        f"/entries/{entry.id}/attachments/description?name=a.pdf",
        data=pdf_bytes(),
        content_type="application/octet-stream",
    )
    if who == "anonymous":
        assert response.status_code == 302 and deleted.status_code == 302
        assert put.status_code == 401
    elif who in SEES:
        assert response.status_code == 201 and put.status_code == 201
        assert deleted.status_code == 200
    else:
        assert (response.status_code, deleted.status_code, put.status_code) == (404, 404, 404)
    db.session.expire_all()
    kept = db.session.get(Attachment, files["photo"].id)
    assert (kept is None) == (who in SEES)


def test_download_headers(as_, files, upload_root):
    with as_("owner").get(f"/attachments/{files['pdf'].id}") as response:
        assert response.status_code == 200
        assert response.data == pdf_bytes()
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(NAME, safe='!#$&+-.^_`|~')}" in disposition
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        cache = response.headers["Cache-Control"]
        assert "private" in cache and "public" not in cache


def test_the_type_comes_from_the_content_not_the_name(as_, entry, people):
    """A JPEG scan uploaded under a .pdf name is served as image/jpeg."""
    changes = FileChanges()
    scan = attachments.upload(
        entry,
        "unit_confirmation",
        io.BytesIO(jpeg_bytes()),
        "xac-nhan.pdf",
        people["owner"],
        changes=changes,
    )
    db.session.commit()
    with as_("organizer").get(f"/attachments/{scan.id}") as response:
        assert response.mimetype == "image/jpeg"


def test_a_missing_file_is_404(as_, files, upload_root):
    (upload_root / files["pdf"].storage_key).unlink()
    assert as_("owner").get(f"/attachments/{files['pdf'].id}").status_code == 404


def test_blind_name_hides_the_author(entry, files):
    pdf, photo = files["pdf"], files["photo"]
    assert attachments.blind_name(pdf) == f"HS{entry.id}-ban-thuyet-minh-1.pdf"
    entry.code = "TTN26-HT-007"
    assert attachments.blind_name(photo) == "TTN26-HT-007-anh-1.jpg"
    second = factories.make_attachment(
        entry,
        "photos",
        original_name="Nguyễn Văn An.jpg",
        storage_key="k",
        content_type="image/png",
        size_bytes=1,
        commit=False,
    )
    assert attachments.blind_name(second) == "TTN26-HT-007-anh-2.png"
    db.session.rollback()


def test_judges_get_blind_names_and_never_the_entrant_route(as_, entry, files, people):
    """Judges download through the judging routes, under blind names; the entrant route
    ``/attachments/<id>`` does not exist for them."""
    judge = people["judge"]
    db.session.execute(db.update(Entry).where(Entry.id == entry.id).values(code="TTN26-HT-001"))
    db.session.commit()
    db.session.expire_all()
    pdf = db.session.get(Attachment, files["pdf"].id)
    assert attachments.download_name(pdf, judge) == "TTN26-HT-001-ban-thuyet-minh-1.pdf"
    with as_("judge").get(f"/attachments/{pdf.id}") as response:
        assert response.status_code == 404
    with as_("owner").get(f"/attachments/{pdf.id}") as response:
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
