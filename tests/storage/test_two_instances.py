"""Two web instances, as on two machines: each has its own instance and spool folders, and
they share PostgreSQL, Redis and the S3 bucket (README, "Several machines"). Whatever one of
them stores, the other serves: an entrant's upload, an edition's rules document, a judge's
copy made on demand. Needs PostgreSQL (SQLite is one machine's file): skipped locally
without it, failed under CI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from contest.entries import attachments
from contest.entries.attachments import FileChanges
from contest.entries.models import Attachment
from contest.extensions import db
from tests.attachments.conftest import LIMITS, pdf_bytes
from tests.attachments.judge_files_support import judging_setup, leaked, pdf_with_names
from tests.attachments.test_uploads import post_file
from tests.editions_ui.test_rules_document import upload as upload_rules
from tests.factories import PASSWORD
from tests.services import need, postgres_url, redis_url
from tests.storage.conftest import local_files, object_names, s3_settings

NAME = "Bản thuyết minh – máy 1.pdf"


@pytest.fixture()
def machines(app, make_app, s3_server, tmp_path):
    """``{"one": app, "two": app}``: the test app and a second one with its own folders,
    sharing the database, Redis and the bucket prefix."""
    need(postgres_url() is not None, "PostgreSQL (TEST_DATABASE_URL)")
    shared = {}
    redis = redis_url()
    if redis:
        # A real broker, as in production (tasks still run in-process in tests).
        shared = {"REDIS_URL": redis}
        app.config.update(shared)
    two = make_app(
        UPLOAD_DIR=str(tmp_path / "machine-two" / "uploads"),
        **LIMITS,
        **s3_settings(s3_server, prefix=app.config["S3_PREFIX"]),
        **shared,
    )
    assert app.config["UPLOAD_DIR"] != two.config["UPLOAD_DIR"]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == two.config["SQLALCHEMY_DATABASE_URI"]
    return {"one": app, "two": two}


def client_of(app, user):
    """A test client of ``app`` logged in as ``user`` (None: anonymous)."""
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def test_an_upload_on_one_machine_is_downloadable_on_the_other(machines, s3_server, entry, people):
    one, two = machines["one"], machines["two"]
    data = pdf_bytes("Tai len o may 1")
    response = post_file(client_of(one, people["owner"]), entry, "description", data, NAME)
    assert response.status_code == 201, response.get_data(as_text=True)
    attachment_id = response.get_json()["attachments"][0]["id"]

    # Neither machine keeps the file on its disk: only the (empty again) spool folder.
    for app in machines.values():
        assert local_files(Path(app.config["UPLOAD_DIR"])) == []

    organizer_on_two = client_of(two, people["organizer"])
    with organizer_on_two.get(f"/attachments/{attachment_id}") as download:
        assert download.status_code == 200
        assert download.data == data
        assert "attachment;" in download.headers["Content-Disposition"]
    with client_of(two, people["coord"]).get(f"/attachments/{attachment_id}") as download:
        assert download.status_code == 200 and download.data == data
    with client_of(two, people["other"]).get(f"/attachments/{attachment_id}") as download:
        assert download.status_code == 404

    # Deleted on machine two: gone for machine one as well.
    deleted = client_of(two, people["owner"]).post(
        f"/attachments/{attachment_id}/delete", headers={"Accept": "application/json"}
    )
    assert deleted.status_code == 200
    with client_of(one, people["owner"]).get(f"/attachments/{attachment_id}") as download:
        assert download.status_code == 404
    assert object_names(s3_server, one.config["S3_PREFIX"] + "/") == []


def test_a_rules_document_uploaded_on_one_is_public_on_the_other(machines, edition, people):
    one, two = machines["one"], machines["two"]
    pdf = pdf_bytes("The le cuoc thi")
    assert upload_rules(client_of(one, people["organizer"]), edition, pdf).status_code == 302
    with client_of(two, None).get(f"/editions/{edition.slug}/the-le.pdf") as download:
        assert download.status_code == 200
        assert download.data == pdf
        assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_judges_copy_made_on_one_is_served_by_the_other(machines, s3_server, people):
    """Machine two makes the judge's copy (stripped of metadata) from the original uploaded
    on machine one; machine one then serves that same copy without making another."""
    one, two = machines["one"], machines["two"]
    edition, entry, judge = judging_setup(people["organizer"])
    changes = FileChanges()
    original = attachments.upload(
        entry,
        "description",
        io.BytesIO(pdf_with_names()),
        "tm.pdf",
        people["organizer"],
        changes=changes,
    )
    db.session.commit()
    prefix = one.config["S3_PREFIX"] + "/"
    with client_of(two, judge).get(f"/judge/attachments/{original.id}") as download:
        assert download.status_code == 200
        copy = download.data
    assert leaked(copy) == []
    objects = object_names(s3_server, prefix)
    assert len(objects) == 2  # the original and its copy
    with client_of(one, judge).get(f"/judge/attachments/{original.id}") as download:
        assert download.status_code == 200 and download.data == copy
    assert object_names(s3_server, prefix) == objects
    assert db.session.get(Attachment, original.id).storage_key in "".join(objects)
