"""Uploads through the endpoints: what each kind accepts (by content), and every class of
bad upload — malformed, oversized, mislabelled, empty, interrupted, path-traversal names —
refused with a clear Vietnamese message, leaving no file on disk, no row and no audit."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder, encode_multipart, run_wsgi_app

from contest import file_types as ft
from contest.entries.models import Attachment
from contest.extensions import db
from tests.attachments.conftest import (
    KB,
    LIMITS,
    attachment_audits,
    attachment_count,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    mp4_bytes,
    noisy_png,
    pdf_bytes,
    png_bytes,
    stored_files,
    tar_gz_bytes,
    webm_bytes,
    webp_bytes,
    zip_bytes,
)

JSON = "application/json"


def post_file(client, entry, kind, data: bytes, name: str, **extra):
    """Upload through the multipart form, as a browser without JavaScript does."""
    return client.post(
        f"/entries/{entry.id}/attachments/{kind}",
        data={"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )


def put_file(client, entry, kind, data: bytes, name: str, **kwargs):
    """Upload as the raw body of a PUT, as static/js/uploads.js does."""
    return client.put(
        f"/entries/{entry.id}/attachments/{kind}",
        query_string={"name": name},
        data=data,
        content_type="application/octet-stream",
        **kwargs,
    )


@pytest.fixture()
def owner(people, client_for):
    return client_for(people["owner"])


def assert_nothing_left(upload_root):
    assert stored_files(upload_root) == []
    assert attachment_count() == 0
    assert attachment_audits() == 0


# --- Accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "kind", "data", "name", "content_type"),
    [
        ("entry", "description", pdf_bytes(), "Bản thuyết minh.pdf", ft.PDF),
        ("entry", "description", docx_bytes(), "Thuyết minh.docx", ft.DOCX),
        ("entry", "unit_confirmation", jpeg_bytes(), "xac-nhan.jpg", ft.JPEG),
        ("entry", "unit_confirmation", png_bytes(), "scan.png", ft.PNG),
        ("entry", "photos", webp_bytes(), "anh.webp", ft.WEBP),
        ("entry", "video", mp4_bytes(), "video.mp4", ft.MP4),
        ("entry", "video", mp4_bytes(b"qt  "), "iphone.mov", ft.MOV),
        ("entry", "video", webm_bytes(), "clip.webm", ft.WEBM),
        ("software_entry", "source_code", zip_bytes(), "src.zip", ft.ZIP),
        ("software_entry", "source_code", tar_gz_bytes(), "src.tar.gz", ft.TAR_GZ),
        ("software_entry", "installer", exe_bytes(), "setup.exe", ft.EXE),
        (
            "software_entry",
            "installer",
            zip_bytes({"AndroidManifest.xml": b"<m/>"}),
            "app.apk",
            ft.APK,
        ),
        ("software_entry", "instructions", pdf_bytes(), "huong-dan.pdf", ft.PDF),
    ],
)
def test_each_kind_accepts_its_types(
    request, owner, upload_root, fixture, kind, data, name, content_type
):
    entry = request.getfixturevalue(fixture)
    response = post_file(owner, entry, kind, data, name)
    assert response.status_code == 201, response.get_json()
    attachment = db.session.get(Attachment, response.get_json()["attachments"][0]["id"])
    assert (attachment.kind, attachment.content_type) == (kind, content_type)
    assert attachment.original_name == name
    assert attachment.size_bytes == len(data)
    path = upload_root / attachment.storage_key
    assert path.read_bytes() == data
    assert path.name != name and path.suffix == "." + ft.EXTENSIONS[content_type]
    assert attachment_audits() == 1


def test_the_form_upload_redirects_back_with_a_message(owner, entry):
    response = owner.post(
        f"/entries/{entry.id}/attachments/description",
        data={"file": (io.BytesIO(pdf_bytes()), "tm.pdf"), "next": "/somewhere?step=4"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/somewhere?step=4"
    foreign = owner.post(
        f"/entries/{entry.id}/attachments/description",
        data={"file": (io.BytesIO(pdf_bytes()), "tm.pdf"), "next": "https://evil.example/x"},
        content_type="multipart/form-data",
    )
    assert "evil.example" not in foreign.headers["Location"]


def test_the_stream_endpoint_stores_the_raw_body(owner, entry, upload_root):
    data = pdf_bytes() + b"%" + b"x" * 3000 + b"\n%%EOF\n"
    response = put_file(owner, entry, "description", data, "Bản thuyết minh.pdf")
    assert response.status_code == 201
    body = response.get_json()["attachments"][0]
    assert body["name"] == "Bản thuyết minh.pdf" and body["size"] == len(data)
    attachment = db.session.get(Attachment, body["id"])
    assert (upload_root / attachment.storage_key).read_bytes() == data


# --- Refused: nothing left behind -------------------------------------------------------------


def _over(limit_key: str) -> int:
    return LIMITS[limit_key] + 1


REFUSALS = [
    # malformed
    ("malformed-pdf", "description", pdf_bytes()[:-60], "tm.pdf", "hỏng"),
    ("malformed-png", "photos", png_bytes()[:200], "anh.png", "hỏng"),
    ("garbage-png", "photos", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 200, "anh.png", "hỏng"),
    ("malformed-jpeg", "photos", jpeg_bytes()[:300], "anh.jpg", "hỏng"),
    ("malformed-docx", "description", docx_bytes()[:-25], "tm.docx", "hỏng"),
    # oversized, per kind
    (
        "big-document",
        "description",
        pdf_bytes() + b"%" * _over("ATTACHMENT_DOCUMENTS_MAX_BYTES"),
        "tm.pdf",
        "64 KB",
    ),
    ("big-photo", "photos", noisy_png(), "anh.png", "48 KB"),
    ("big-video", "video", mp4_bytes(size=_over("ATTACHMENT_VIDEO_MAX_BYTES")), "v.mp4", "96 KB"),
    # mislabelled: the name says one thing, the content another
    ("png-named-pdf", "description", png_bytes(), "thuyet-minh.pdf", "PNG"),
    (
        "html-named-pdf",
        "description",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "thuyet-minh.pdf",
        "HTML",
    ),
    ("exe-named-jpg", "photos", exe_bytes(), "anh.jpg", "EXE"),
    ("zip-named-docx", "description", zip_bytes(), "tm.docx", "ZIP"),
    ("heic-photo", "photos", mp4_bytes(b"heic"), "IMG_0001.HEIC", "HEIC"),
    ("gif-photo", "photos", b"GIF89a\x01\x00\x01\x00" + b"\0" * 100, "a.gif", "GIF"),
    # empty
    ("empty", "description", b"", "tm.pdf", "rỗng"),
]


@pytest.mark.parametrize(
    ("case", "kind", "data", "name", "says"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
@pytest.mark.parametrize("route", ["form", "stream"])
def test_bad_uploads_are_refused_and_leave_nothing(
    owner, entry, upload_root, route, case, kind, data, name, says
):
    send = post_file if route == "form" else put_file
    response = send(owner, entry, kind, data, name)
    assert response.status_code in (409, 413), (case, response.status_code)
    message = response.get_json()["message"]
    assert says in message, message
    assert_nothing_left(upload_root)


def test_mislabelled_pdf_message_is_clear(owner, entry):
    response = post_file(owner, entry, "description", png_bytes(), "thuyet-minh.pdf")
    message = response.get_json()["message"]
    assert message == (
        "Không nhận tệp “thuyet-minh.pdf”: nội dung tệp là PNG, trong khi mục “Bản thuyết "
        "minh / bản mô tả giải pháp” chỉ nhận PDF, DOCX. Hệ thống kiểm tra nội dung tệp, "
        "không dựa vào tên hay đuôi tệp."
    )


def test_oversized_archive_is_refused(owner, software_entry, upload_root):
    data = zip_bytes({"anh.png": noisy_png()})  # random pixels do not compress: > 32 KB
    assert len(data) > LIMITS["ATTACHMENT_ARCHIVES_MAX_BYTES"]
    response = post_file(owner, software_entry, "source_code", data, "src.zip")
    assert response.status_code in (409, 413)
    assert "32 KB" in response.get_json()["message"]
    assert_nothing_left(upload_root)


def test_oversized_body_is_cut_off_before_it_is_read(owner, entry, upload_root):
    """A Content-Length over the kind's cap is refused before the body is parsed."""
    big = b"%PDF-1.4\n" + b"0" * (LIMITS["ATTACHMENT_DOCUMENTS_MAX_BYTES"] + 2 * 1024 * KB)
    # Encoded in memory: the test client would spool a large body to an unclosed temp file.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "tm.pdf")})
    multipart = f"multipart/form-data; boundary={boundary}"
    url = f"/entries/{entry.id}/attachments/description"
    response = owner.post(url, data=body, content_type=multipart, headers={"Accept": JSON})
    assert response.status_code == 413
    assert "64 KB" in response.get_json()["message"]
    response = put_file(owner, entry, "description", big, "tm.pdf")
    assert response.status_code == 413
    assert "64 KB" in response.get_json()["message"]
    html = owner.post(
        url, data=body, content_type=multipart, headers={"Referer": "http://localhost/dossier"}
    )
    assert html.status_code == 302 and html.headers["Location"] == "/dossier"
    assert_nothing_left(upload_root)


def test_an_interrupted_upload_leaves_nothing(app, owner, entry, upload_root):
    """The client announces more bytes than it sends, then goes away (the test client would
    correct the Content-Length, so the request is run on the WSGI app directly)."""
    data = pdf_bytes() * 50
    cookie = owner.get_cookie(app.config["SESSION_COOKIE_NAME"])
    environ = EnvironBuilder(
        path=f"/entries/{entry.id}/attachments/description",
        method="PUT",
        query_string={"name": "tm.pdf"},
        data=data[: len(data) // 2],
        content_type="application/octet-stream",
        headers={"Cookie": f"{cookie.key}={cookie.value}", "Accept": JSON},
    ).get_environ()
    environ["CONTENT_LENGTH"] = str(len(data))
    body, status, _headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    assert status.startswith("400"), status
    assert_nothing_left(upload_root)


def test_a_bad_photo_among_several_refuses_the_whole_upload(owner, entry, upload_root):
    response = owner.post(
        f"/entries/{entry.id}/attachments/photos",
        data={
            "file": [
                (io.BytesIO(png_bytes()), "1.png"),
                (io.BytesIO(jpeg_bytes()), "2.jpg"),
                (io.BytesIO(b"<html>not an image</html>"), "3.jpg"),
            ]
        },
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert "3.jpg" in response.get_json()["message"]
    assert_nothing_left(upload_root)


def test_no_file_chosen_and_one_file_kinds(owner, entry, upload_root):
    none = owner.post(
        f"/entries/{entry.id}/attachments/description",
        data={},
        headers={"Accept": "application/json"},
    )
    assert none.status_code == 400
    two = owner.post(
        f"/entries/{entry.id}/attachments/description",
        data={"file": [(io.BytesIO(pdf_bytes()), "a.pdf"), (io.BytesIO(pdf_bytes()), "b.pdf")]},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert two.status_code == 400
    unknown = post_file(owner, entry, "passport", pdf_bytes(), "a.pdf")
    assert unknown.status_code == 404
    wrong_type = owner.put(
        f"/entries/{entry.id}/attachments/description?name=a.pdf",
        data=pdf_bytes(),
        content_type="text/plain",
    )
    assert wrong_type.status_code == 415
    assert_nothing_left(upload_root)


# --- Path traversal in the file name ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        # The display name's extension follows the content (a PDF here).
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("/etc/cron.d/evil.pdf", "evil.pdf"),
        ("thuyet\x00minh.pdf", "thuyetminh.pdf"),
        ("..", "description.pdf"),
        ("\u202egpj.exe", "gpj.pdf"),  # right-to-left override dropped
        ("  .htaccess ", "htaccess.pdf"),
    ],
)
def test_traversal_names_are_display_text_only(owner, entry, upload_root, tmp_path, name, shown):
    response = put_file(owner, entry, "description", pdf_bytes(), name)
    assert response.status_code == 201
    attachment = db.session.get(Attachment, response.get_json()["attachments"][0]["id"])
    assert attachment.original_name == shown
    files = stored_files(upload_root)
    assert [p.relative_to(upload_root).parts[0] for p in files] == ["entries"]
    assert all(p.resolve().is_relative_to(upload_root.resolve()) for p in files)
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and upload_root not in p.parents]
    assert outside == []


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\x.pdf", "a\x00.pdf"])
def test_traversal_names_with_bad_content_leave_nothing(owner, entry, upload_root, name):
    response = post_file(owner, entry, "description", b"<html></html>", name)
    assert response.status_code == 409
    assert_nothing_left(upload_root)


def test_csrf_protects_both_upload_routes(make_app, tmp_path, entry, people):
    from tests import factories

    app = make_app(WTF_CSRF_ENABLED=True, UPLOAD_DIR=str(tmp_path / "u2"))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    login = client.post(
        "/login",
        data={"email": people["owner"].email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert login.status_code == 302
    page = client.get("/").get_data(as_text=True)  # the session (and its token) is new
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    url = f"/entries/{entry.id}/attachments/description?name=a.pdf"
    refused = client.put(url, data=pdf_bytes(), content_type="application/octet-stream")
    assert refused.status_code == 400
    accepted = client.put(
        url,
        data=pdf_bytes(),
        content_type="application/octet-stream",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201, accepted.get_data(as_text=True)[:300]


def test_no_transaction_is_open_while_the_body_streams(owner, entry):
    """A long upload must not hold a database transaction (and connection) open."""
    seen = []

    class Watched(io.BytesIO):
        def readinto(self, buffer):
            seen.append(db.session().in_transaction())
            return super().readinto(buffer)

        def read(self, size=-1):
            seen.append(db.session().in_transaction())
            return super().read(size)

    response = owner.put(
        f"/entries/{entry.id}/attachments/description?name=a.pdf",
        input_stream=Watched(pdf_bytes()),
        content_type="application/octet-stream",
    )
    assert response.status_code == 201
    assert seen and not any(seen)
