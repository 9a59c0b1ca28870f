"""Web imports of an entries file run as a background job: the upload is stored, the worker
imports it with the command line's all-or-nothing rules and row messages, and the job's page
shows the progress and then the outcome."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import redis
from sqlalchemy import func, select

from contest.entries.import_job import KIND
from contest.entries.imports import ImportFailed, import_entries
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs import operations as jobs
from contest.jobs.models import Job, JobStatus
from tests.factories import PASSWORD
from tests.services import need, redis_url

from .conftest import text_of

GOOD = (
    "code,title,field,authors\r\n"
    "WEB-001,Máy thái chuối,HT,Lý Văn Tú|2012-05-04|M\r\n"
    "WEB-002,Ấm đun thông minh,PM,Ma Thị Hoa|2011-01-02|F\r\n"
    "WEB-003,Cân điện tử,HT,Hà Văn Nam|2012-03-03|M\r\n"
).encode()
BAD = (
    "code,title,field,authors\r\n"
    "OK-001,Tốt,HT,Lý Văn Tú|2012-05-04|M\r\n"
    "BAD-002,,XX,Già Quá|1950-01-01|M\r\n"
).encode()


def _post(client, edition, content: bytes, name: str = "danh-sach.csv"):
    return client.post(
        "/organizer/entries/import",
        data={"edition": edition.id, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _entries() -> int:
    return db.session.scalar(select(func.count(Entry.id)))


def _only_job() -> Job:
    db.session.expire_all()
    return db.session.execute(select(Job).where(Job.kind == KIND)).scalar_one()


def _stored_uploads(app) -> list[Path]:
    return [p for p in (Path(app.config["UPLOAD_DIR"]) / "imports").rglob("*") if p.is_file()]


def test_web_import_goes_through_a_job_with_progress(app, client, login, people, youth):
    login(people["organizer"])
    response = _post(client, youth, GOOD)
    job = _only_job()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.status == JobStatus.SUCCEEDED
    assert job.created_by_id == people["organizer"].id
    # Each row is checked, then written: six steps for three rows, all done.
    assert (job.progress, job.total) == (6, 6)
    assert job.result["created"] == 3 and job.result["updated"] == 0
    assert sorted(db.session.scalars(select(Entry.code))) == ["WEB-001", "WEB-002", "WEB-003"]
    page = text_of(client.get(response.headers["Location"]))
    assert "data-job-progress" in page
    assert "Đã nhập tệp “danh-sach.csv”: 3 hồ sơ mới, 0 hồ sơ cập nhật, 0 hồ sơ không đổi." in page
    # The stored upload is removed once the import is committed.
    assert _stored_uploads(app) == []


def test_bad_file_writes_nothing_and_lists_the_same_row_messages(app, client, login, people, youth):
    login(people["organizer"])
    try:
        import_entries(youth, io.BytesIO(BAD), "loi.csv", people["organizer"])
    except ImportFailed as exc:
        expected = [str(p) for p in exc.problems]
    db.session.rollback()
    assert expected
    response = _post(client, youth, BAD, "loi.csv")
    job = _only_job()
    assert job.status == JobStatus.SUCCEEDED  # the job ran; the file was refused
    assert job.result["problems"] == expected
    assert job.result["problem_count"] == len(expected)
    assert _entries() == 0
    page = text_of(client.get(response.headers["Location"]))
    assert f"Chưa nhập hồ sơ nào: tệp có {len(expected)} lỗi." in page
    assert "dòng 3, cột title" in page and "dòng 3, cột field" in page
    assert _stored_uploads(app) == []


def test_the_request_only_stores_the_file_the_worker_imports_it(make_app, people, youth):
    """With a real broker the page answers before any row is read; the job, run as the
    worker runs it, then imports the stored file."""
    url = redis_url()
    need(url is not None, "Redis")
    queue = f"test-import-{secrets.token_hex(4)}"  # no worker listens: the message waits
    app = make_app(REDIS_URL=url, CELERY_TASK_ALWAYS_EAGER=False, CELERY_QUEUE=queue)
    client = app.test_client()
    try:
        with app.app_context():
            login = {"email": people["organizer"].email, "password": PASSWORD}
            assert client.post("/login", data=login).status_code == 302
            response = _post(client, youth, GOOD)
            assert response.status_code == 302
            job = _only_job()
            assert job.status == JobStatus.QUEUED
            assert _entries() == 0
            assert len(_stored_uploads(app)) == 1
            jobs.run(job.id)
            job = _only_job()
            assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 3
            assert _entries() == 3
            assert _stored_uploads(app) == []
            db.session.remove()
    finally:
        broker = redis.Redis.from_url(url)
        broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
