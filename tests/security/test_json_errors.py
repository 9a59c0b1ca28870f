"""JSON clients (autosave, raw uploads, job progress, anything asking for JSON) get JSON for
every error, in the user's language; a full disk anywhere answers 507, "nothing saved"."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from flask import abort
from sqlalchemy.exc import DBAPIError

from contest.entries.models import Attachment
from contest.errors import is_disk_full
from contest.extensions import db
from tests.attachments.conftest import pdf_bytes

DISK_FULL = "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được gì"


@pytest.fixture()
def production_app(make_app):
    """Exceptions handled as in production, plus test-only routes that fail on purpose."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/crash.json")
    def crash():
        raise RuntimeError("boom")

    @app.get("/test-only/abort/<int:code>")
    def aborts(code: int):
        abort(code)

    @app.get("/test-only/oserror")
    def other_oserror():
        raise OSError(errno.EACCES, "Permission denied")

    with app.app_context():
        yield app
        db.session.remove()


def _json_error(response, code: int) -> dict:
    assert response.status_code == code, response.status_code
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert body["status"] == code and body["message"] and body["error"]
    return body


def _put(client, entry_id: int, data: bytes = b"", **kwargs):
    return client.put(
        f"/entries/{entry_id}/attachments/description?name=a.pdf",
        data=data,
        content_type="application/octet-stream",
        **kwargs,
    )


def test_put_upload_errors_are_json(client, login, world):
    login(world["users"]["entrant"])
    assert _json_error(_put(client, 999999, pdf_bytes()), 404)["message"]
    _json_error(client.put("/entries/1/attachments/khong-co", data=b"x"), 404)
    _json_error(client.put("/khong-co-trang-nay", data=b"x"), 404)


def test_job_progress_errors_are_json(client, login, world):
    login(world["users"]["organizer"])
    body = _json_error(client.get("/jobs/999999.json"), 404)
    assert body["message"] == "Trang bạn tìm không tồn tại hoặc đã bị xoá."


def test_autosave_errors_are_json(client, login, world):
    login(world["users"]["judge"])
    _json_error(client.get("/judge/entries/1/sheet/1/autosave"), 405)
    _json_error(client.post("/judge/entries/999999/sheet/1/autosave", data={}), 404)


@pytest.mark.parametrize("code", [400, 403, 404, 405, 409, 413, 503])
def test_every_status_is_json_for_json_clients(production_app, code):
    client = production_app.test_client()
    response = client.get(f"/test-only/abort/{code}", headers={"Accept": "application/json"})
    _json_error(response, code)
    html = client.get(f"/test-only/abort/{code}")
    assert html.status_code == code and not html.is_json


def test_server_error_is_json_for_json_clients(production_app):
    body = _json_error(production_app.test_client().get("/test-only/crash.json"), 500)
    assert "boom" not in body["message"] and "Dữ liệu của bạn không bị mất" in body["message"]


def test_other_os_errors_stay_server_errors(production_app):
    response = production_app.test_client().get("/test-only/oserror")
    assert response.status_code == 500 and DISK_FULL not in response.get_data(as_text=True)


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_full_disk_on_put_upload_is_507_json(client, login, world, monkeypatch):
    import contest.storage

    monkeypatch.setattr(contest.storage, "_copy", _disk_full)
    login(world["users"]["entrant"])
    body = _json_error(_put(client, world["entry"].id, pdf_bytes()), 507)
    assert DISK_FULL in body["message"]
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_full_disk_answers_in_the_users_language(client, login, world, monkeypatch):
    import contest.storage

    monkeypatch.setattr(contest.storage, "_copy", _disk_full)
    login(world["users"]["entrant"])
    assert client.post("/lang/en", data={"next": "/"}).status_code == 302
    body = _json_error(_put(client, world["entry"].id, pdf_bytes()), 507)
    assert body["message"].startswith("The server has run out of storage space")
    assert DISK_FULL not in body["message"]


def test_full_disk_on_form_upload_is_a_507_page(client, login, world, monkeypatch):
    import io

    import contest.storage

    monkeypatch.setattr(contest.storage, "_copy", _disk_full)
    login(world["users"]["entrant"])
    response = client.post(
        f"/entries/{world['entry'].id}/attachments/description",
        data={"file": (io.BytesIO(pdf_bytes()), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 507 and not response.is_json
    html = response.get_data(as_text=True)
    assert DISK_FULL in html and "Bộ nhớ máy chủ đã đầy" in html


def test_quota_exceeded_counts_as_a_full_disk(production_app):
    @production_app.get("/test-only/quota")
    def quota():
        raise RuntimeError("write failed") from OSError(errno.EDQUOT, "Disk quota exceeded")

    response = production_app.test_client().get("/test-only/quota")
    assert response.status_code == 507 and DISK_FULL in response.get_data(as_text=True)


class _PgError(Exception):
    sqlstate = "53100"  # PostgreSQL's disk_full


def test_postgresql_disk_full_is_recognised():
    assert is_disk_full(DBAPIError("INSERT …", {}, _PgError()))
    assert not is_disk_full(DBAPIError("INSERT …", {}, ValueError()))
    sqlite_full = sqlite3.OperationalError("database or disk is full")
    sqlite_full.sqlite_errorcode = 13
    assert is_disk_full(DBAPIError("INSERT …", {}, sqlite_full))
    assert is_disk_full(OSError(errno.ENOSPC, "full"))
    assert not is_disk_full(OSError(errno.ENOENT, "missing"))
