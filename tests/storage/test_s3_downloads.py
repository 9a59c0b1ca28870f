"""Downloads when files live on S3 (a real S3-compatible server in a subprocess): uploads
through the real routes land in the bucket, not on the web machine; downloads stream from
the object with the usual headers, or, at or above ``S3_PRESIGN_MIN_BYTES``, redirect to a
presigned URL that names the file; judges' copies are made from the object; a missing object
is a 404 either way."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from contest.entries import attachments
from contest.entries.attachments import FileChanges
from contest.entries.models import Attachment
from contest.extensions import db
from contest.storage import get_storage, send_stored
from contest.storage_s3 import S3Storage
from tests.attachments.conftest import jpeg_bytes, pdf_bytes
from tests.attachments.judge_files_support import judging_setup, leaked, pdf_with_names
from tests.attachments.test_uploads import post_file
from tests.storage.conftest import local_files, object_names

NAME = "Bản thuyết minh – Nguyễn Văn An.pdf"


def fetch(url: str):
    """GET ``url`` outside the app (as a browser following a redirect): (status, headers,
    body)."""
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the test server
        return answer.status, answer.headers, answer.read()


@pytest.fixture()
def files(entry, people):
    """A PDF and a photo of the owner's entry, uploaded through the operations."""
    changes = FileChanges()
    pdf = attachments.upload(
        entry, "description", io.BytesIO(pdf_bytes()), NAME, people["owner"], changes=changes
    )
    photo = attachments.upload(
        entry, "photos", io.BytesIO(jpeg_bytes()), "ảnh 1.jpg", people["owner"], changes=changes
    )
    db.session.commit()
    return {"pdf": pdf, "photo": photo}


def test_the_app_uses_the_bucket(app):
    storage = get_storage()
    assert isinstance(storage, S3Storage)
    assert storage.prefix == app.config["S3_PREFIX"] + "/"
    assert storage.spool_dir() == Path(app.config["UPLOAD_DIR"]) / ".incoming"
    assert storage.client is get_storage().client  # one client per app, made once


def test_an_upload_goes_to_the_bucket_not_the_disk(app, s3_server, entry, people, client_for):
    response = post_file(client_for(people["owner"]), entry, "description", pdf_bytes(), NAME)
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = db.session.get(Attachment, response.get_json()["attachments"][0]["id"])
    prefix = app.config["S3_PREFIX"] + "/"
    assert object_names(s3_server, prefix) == [prefix + stored.storage_key]
    assert local_files(Path(app.config["UPLOAD_DIR"])) == []  # the spool is empty again


def test_downloads_stream_from_the_object(app, files, people, client_for):
    owner = client_for(people["owner"])
    with owner.get(f"/attachments/{files['pdf'].id}") as response:
        assert response.status_code == 200
        assert response.is_streamed  # not a body built in memory
        assert response.data == pdf_bytes()
        assert response.content_length == len(pdf_bytes())
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(NAME, safe='!#$&+-.^_`|~')}" in disposition
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "private" in response.headers["Cache-Control"]
    photo = files["photo"]
    with owner.get(f"/attachments/{photo.id}/thumbnail") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.data[:3] == b"\xff\xd8\xff"
    with client_for(people["other"]).get(f"/attachments/{files['pdf'].id}") as response:
        assert response.status_code == 404  # who may see it is unchanged


def test_big_downloads_redirect_to_a_presigned_url(app, s3_server, files, people, client_for):
    pdf, photo = files["pdf"], files["photo"]
    app.config["S3_PRESIGN_MIN_BYTES"] = photo.size_bytes  # the photo is big, the PDF is not
    assert pdf.size_bytes < photo.size_bytes
    owner = client_for(people["owner"])
    with owner.get(f"/attachments/{photo.id}") as response:
        assert response.status_code == 302
        assert "no-store" in response.headers["Cache-Control"]
        url = response.location
    assert url.startswith(s3_server["endpoint"] + "/")
    assert "X-Amz-Signature=" in urlsplit(url).query and "X-Amz-Expires=300" in url
    status, headers, body = fetch(url)
    assert (status, body) == (200, jpeg_bytes())
    assert headers["Content-Type"] == "image/jpeg"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('ảnh 1.jpg', safe='!#$&+-.^_`|~')}" in disposition
    with owner.get(f"/attachments/{photo.id}/thumbnail") as response:
        assert response.status_code == 200  # inline files never redirect
    with owner.get(f"/attachments/{pdf.id}") as response:
        assert response.status_code == 200 and response.data == pdf_bytes()
    app.config["S3_PRESIGN_MIN_BYTES"] = 0  # every download as an attachment redirects
    with owner.get(f"/attachments/{pdf.id}") as response:
        assert response.status_code == 302
    assert fetch(response.location)[2] == pdf_bytes()
    app.config["S3_PRESIGN_MIN_BYTES"] = -1  # negative: never
    with owner.get(f"/attachments/{photo.id}") as response:
        assert response.status_code == 200 and response.data == jpeg_bytes()


@pytest.mark.parametrize("threshold", [None, 0], ids=["streamed", "redirected"])
def test_a_missing_object_is_404(app, files, people, client_for, threshold):
    app.config["S3_PRESIGN_MIN_BYTES"] = threshold
    get_storage().delete(files["pdf"].storage_key)
    response = client_for(people["owner"]).get(f"/attachments/{files['pdf'].id}")
    assert response.status_code == 404


def test_send_stored_refuses_malformed_keys(app):
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        send_stored("../../etc/passwd", "application/pdf", "x.pdf", as_attachment=True)


def test_judges_copies_are_made_from_the_object(app, people, client_for):
    """The judge's copy (metadata stripped) is made from the object fetched into the spool
    (there is no local file) and kept in the bucket beside the original."""
    edition, entry, judge = judging_setup(people["organizer"])
    changes = FileChanges()
    original = attachments.upload(
        entry,
        "description",
        io.BytesIO(pdf_with_names()),
        "thuyet-minh.pdf",
        people["organizer"],
        changes=changes,
    )
    db.session.commit()
    storage = get_storage()
    assert storage.local_path(original.storage_key) is None
    with client_for(judge).get(f"/judge/attachments/{original.id}") as response:
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        copy = response.data
    assert copy.startswith(b"%PDF-") and leaked(copy) == []
    with storage.open(original.storage_key) as handle:
        assert leaked(handle.read())  # the original keeps its metadata, for organizers
    assert local_files(Path(app.config["UPLOAD_DIR"])) == []
