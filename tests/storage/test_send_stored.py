"""``send_stored`` answers a download whatever the backend: the local file through Flask
(ranges), a backend without local files or presigned URLs by streaming its ``open()``; a
missing or malformed key is a 404 either way."""

from __future__ import annotations

import io

import pytest
from werkzeug.exceptions import NotFound

from contest import file_types as ft
from contest.storage import LocalStorage, send_stored
from tests.attachments.conftest import pdf_bytes
from tests.attachments.test_storage_backend import ObjectStore


@pytest.fixture()
def plain_app(make_app, tmp_path):
    """The default (local) app; downloads never redirect with a backend that cannot."""
    return make_app(UPLOAD_DIR=str(tmp_path / "up"), S3_PRESIGN_MIN_BYTES=0)


def test_a_backend_without_local_files_streams_its_open(plain_app, tmp_path):
    store = ObjectStore(tmp_path / "spool")
    stored = store.save(io.BytesIO(pdf_bytes()), "entries", allowed={ft.PDF}, max_bytes=10**6)
    with plain_app.test_request_context():
        response = send_stored(stored.key, ft.PDF, "Thể lệ.pdf", as_attachment=True, storage=store)
        assert response.status_code == 200 and response.is_streamed
        response.direct_passthrough = False
        assert response.get_data() == pdf_bytes()
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert (
            "filename*=UTF-8''Th%E1%BB%83%20l%E1%BB%87.pdf"
            in response.headers["Content-Disposition"]
        )
        store.delete(stored.key)
        with pytest.raises(NotFound):
            send_stored(stored.key, ft.PDF, "x.pdf", as_attachment=True, storage=store)


def test_local_files_are_sent_with_ranges(plain_app, tmp_path):
    storage = LocalStorage(tmp_path / "up")
    stored = storage.save(io.BytesIO(pdf_bytes()), "entries", allowed={ft.PDF}, max_bytes=10**6)
    with plain_app.test_request_context(headers={"Range": "bytes=0-4"}):
        response = send_stored(stored.key, ft.PDF, "a.pdf", as_attachment=True, storage=storage)
        assert response.status_code == 206
        response.direct_passthrough = False
        assert response.get_data() == b"%PDF-"
        response.close()
    storage.delete(stored.key)
    with plain_app.test_request_context(), pytest.raises(NotFound):
        send_stored(stored.key, ft.PDF, "a.pdf", as_attachment=True, storage=storage)


@pytest.mark.parametrize("key", [None, "", "../secret.pdf", "entries/ab/x.pdf"])
def test_malformed_keys_are_404(plain_app, tmp_path, key):
    storage = LocalStorage(tmp_path / "up")
    with plain_app.test_request_context(), pytest.raises(NotFound):
        send_stored(key, ft.PDF, "a.pdf", as_attachment=True, storage=storage)
