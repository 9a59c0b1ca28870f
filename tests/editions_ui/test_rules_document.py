"""The rules document (thể lệ): a PDF checked by its content, at most 20 MB, stored under a
random name outside the web root, downloadable from the public page as an attachment."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from contest.audit.models import AuditEntry
from contest.contests.pages_support import RULES_DOCUMENT_MAX_BYTES
from contest.extensions import db
from contest.storage import MIB
from tests.editions_ui.conftest import make_pdf
from tests.factories import PASSWORD

KEY_RE = re.compile(r"^rules/[0-9a-f]{2}/[0-9a-f]{32}\.pdf$")


@pytest.fixture()
def upload_dir(app):
    """The (emptied) upload directory of the test app."""
    root = Path(app.config["UPLOAD_DIR"])
    if root.exists():
        for path in sorted(root.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, edition, content: bytes, filename: str = "the-le.pdf"):
    """Post ``content`` as the rules document. The request body is built here and closed
    after the request (the test client leaves a large body's temporary file open)."""
    builder = EnvironBuilder(
        path=f"/organizer/editions/{edition.slug}/rules-document",
        method="POST",
        data={"document": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    builder.close()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def flashes(client, edition) -> str:
    return client.get(f"/organizer/editions/{edition.slug}").get_data(as_text=True)


def test_a_real_pdf_is_accepted_and_downloadable_publicly(
    client, organizer, open_edition, upload_dir
):
    pdf = make_pdf("The le cuoc thi lan thu 8")
    response = upload(client, open_edition, pdf)
    assert response.status_code == 302
    db.session.expire_all()
    key = open_edition.rules_document_path
    assert KEY_RE.match(key)
    [stored] = stored_files(upload_dir)
    assert stored.read_bytes() == pdf
    assert stored.resolve() == (upload_dir / key).resolve()
    assert "static" not in stored.parts
    assert "Đã tải lên tệp thể lệ." in flashes(client, open_edition)
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "edition.rules_document")
    )
    assert audit.details["size"] == len(pdf)

    client.post("/logout")
    page = client.get(f"/editions/{open_edition.slug}").get_data(as_text=True)
    assert f'href="/editions/{open_edition.slug}/the-le.pdf"' in page
    download = client.get(f"/editions/{open_edition.slug}/the-le.pdf")
    assert download.status_code == 200
    assert download.data == pdf
    download.close()
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert f"the-le-{open_edition.slug}.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_non_pdf_renamed_pdf_is_refused(client, organizer, open_edition, upload_dir):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000
    response = upload(client, open_edition, png, "the-le.pdf")
    assert response.status_code == 302
    assert "Nội dung tệp không đúng loại được chấp nhận." in flashes(client, open_edition)
    db.session.expire_all()
    assert open_edition.rules_document_path is None
    assert stored_files(upload_dir) == []
    assert client.get(f"/editions/{open_edition.slug}/the-le.pdf").status_code == 404


def test_html_pretending_to_be_a_pdf_is_refused(client, organizer, open_edition, upload_dir):
    upload(client, open_edition, b"<html><script>alert(1)</script>%PDF-1.4</html>", "x.pdf")
    db.session.expire_all()
    assert open_edition.rules_document_path is None
    assert stored_files(upload_dir) == []


TOO_LARGE = "Tệp tải lên vượt quá dung lượng cho phép. Tệp phải là PDF, tối đa 20 MB."


def test_an_oversized_pdf_is_refused_and_leaves_nothing(
    client, organizer, open_edition, upload_dir
):
    big = b"%PDF-1.4\n" + b"0" * (RULES_DOCUMENT_MAX_BYTES - 8)
    assert len(big) == RULES_DOCUMENT_MAX_BYTES + 1
    upload(client, open_edition, big)
    assert TOO_LARGE in flashes(client, open_edition)
    db.session.expire_all()
    assert open_edition.rules_document_path is None
    assert stored_files(upload_dir) == []


def test_a_pdf_of_exactly_the_limit_is_accepted(client, organizer, open_edition, upload_dir):
    exact = b"%PDF-1.4\n" + b"0" * (RULES_DOCUMENT_MAX_BYTES - 9)
    upload(client, open_edition, exact)
    [stored] = stored_files(upload_dir)
    assert stored.stat().st_size == RULES_DOCUMENT_MAX_BYTES


@pytest.mark.parametrize("extra", [1, 300 * 1024])
def test_the_limit_is_configurable(make_app, open_edition, upload_dir, users, extra):
    """Just over the limit, the storage's count while streaming refuses the file; far over
    it, the request's declared size does, before anything is read."""
    app = make_app(RULES_DOCUMENT_MAX_BYTES=MIB)
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"email": users["organizer"].email, "password": PASSWORD})
        response = upload(client, open_edition, b"%PDF-1.4\n" + b"0" * (MIB - 9 + extra))
        assert response.status_code == 302
        html = client.get(f"/organizer/editions/{open_edition.slug}").get_data(as_text=True)
        assert "vượt quá dung lượng cho phép. Tệp phải là PDF, tối đa 1 MB." in html
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/cron.d/evil.pdf",
        "..\\..\\windows\\win.ini.pdf",
        "/tmp/abs.pdf",
        ".htaccess",
    ],
)
def test_path_traversal_file_names_are_harmless(
    client, organizer, open_edition, upload_dir, filename
):
    pdf = make_pdf()
    assert upload(client, open_edition, pdf, filename).status_code == 302
    db.session.expire_all()
    assert KEY_RE.match(open_edition.rules_document_path)
    [stored] = stored_files(upload_dir)
    assert upload_dir.resolve() in stored.resolve().parents
    assert not Path("/tmp/abs.pdf").exists()
    download = client.get(f"/organizer/editions/{open_edition.slug}/rules-document")
    download.close()
    assert f"the-le-{open_edition.slug}.pdf" in download.headers["Content-Disposition"]
    assert ".." not in download.headers["Content-Disposition"]


def test_a_new_document_replaces_the_old_one(client, organizer, open_edition, upload_dir):
    upload(client, open_edition, make_pdf("Ban 1"))
    upload(client, open_edition, make_pdf("Ban 2"))
    [stored] = stored_files(upload_dir)
    assert stored.read_bytes() == make_pdf("Ban 2")


def test_remove_the_document(client, organizer, open_edition, upload_dir):
    upload(client, open_edition, make_pdf())
    response = client.post(f"/organizer/editions/{open_edition.slug}/rules-document/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert open_edition.rules_document_path is None
    assert stored_files(upload_dir) == []


def test_no_file_chosen(client, organizer, open_edition, upload_dir):
    client.post(f"/organizer/editions/{open_edition.slug}/rules-document", data={})
    assert "Vui lòng chọn tệp thể lệ (PDF)." in flashes(client, open_edition)


def test_a_draft_document_is_for_organizers_only(client, organizer, draft_edition, upload_dir):
    upload(client, draft_edition, make_pdf())
    download = client.get(f"/organizer/editions/{draft_edition.slug}/rules-document")
    download.close()
    assert download.status_code == 200
    assert client.get(f"/editions/{draft_edition.slug}/the-le.pdf").status_code == 404
