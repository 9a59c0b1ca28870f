"""Files the service makes, on S3: a certificate batch's ZIP is written by its job to the
bucket and downloaded from it (streamed, or by presigned URL); an uploaded entries file for
the import job is kept in the bucket and read back from it."""

from __future__ import annotations

import io
import urllib.request
import zipfile
from pathlib import Path

from sqlalchemy import select

from contest.certificates.models import CertificateBatch
from contest.entries import import_job
from contest.extensions import db
from contest.jobs.models import Job, JobStatus
from contest.storage import get_storage
from tests.publication.certificates_support import V1_CERTIFICATES, published_edition
from tests.publication.test_certificates_pages import FORM, today
from tests.storage.conftest import local_files, object_names


def test_certificates_are_made_into_the_bucket_and_downloaded_from_it(
    app, s3_server, client, login, runner, tmp_path, users
):
    organizer = users["organizer"]
    edition, _v1 = published_edition(runner, tmp_path, organizer)
    login(organizer)
    done = client.post(
        f"/organizer/certificates/{edition.slug}/generate",
        data={**FORM, "certificate_date": today()},
    )
    assert done.status_code == 302
    db.session.expire_all()
    job = db.session.scalars(select(Job).where(Job.kind == "certificates.generate")).one()
    assert job.status == JobStatus.SUCCEEDED, job.error
    batch = db.session.get(CertificateBatch, job.result["batch_id"])
    prefix = app.config["S3_PREFIX"] + "/"
    assert prefix + batch.zip_key in object_names(s3_server, prefix)
    assert local_files(Path(app.config["UPLOAD_DIR"])) == []

    url = f"/organizer/certificates/batch/{batch.id}.zip"
    with client.get(url) as zipped:
        assert zipped.status_code == 200 and zipped.is_streamed
        assert zipped.mimetype == "application/zip" and zipped.content_length == batch.zip_size
        data = zipped.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == V1_CERTIFICATES

    app.config["S3_PRESIGN_MIN_BYTES"] = batch.zip_size  # big enough: a presigned URL
    with client.get(url) as redirected:
        assert redirected.status_code == 302
        with urllib.request.urlopen(redirected.location, timeout=10) as answer:  # noqa: S310
            assert answer.read() == data
            assert "attachment" in answer.headers["Content-Disposition"]


def test_an_entries_file_for_the_import_job_is_kept_in_the_bucket(app, s3_server):
    data = "Tên sản phẩm;Lĩnh vực\nMáy đo;HT\n".encode() * 200
    key = import_job.store_upload(io.BytesIO(data))
    prefix = app.config["S3_PREFIX"] + "/"
    assert object_names(s3_server, prefix) == [prefix + key]
    with get_storage().open(key) as stream:
        assert stream.read() == data
    assert local_files(Path(app.config["UPLOAD_DIR"])) == []
