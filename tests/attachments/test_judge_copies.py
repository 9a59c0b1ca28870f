"""Judges receive copies of documents and images without the metadata that names their
authors (PDF info and XMP, EXIF/IPTC/XMP, PNG text chunks, DOCX properties and comment
authors); organizers, owners and coordinators keep the original bytes. Attachment kinds an
edition keeps for organizers never reach a judge. A file is named after what it is."""

from __future__ import annotations

import io
import zipfile

import docx
import pikepdf
import pytest
from PIL import Image

from contest import file_types as ft
from contest.entries import attachments, judge_copies
from contest.entries.attachments import FileChanges
from contest.entries.models import Attachment
from contest.extensions import db
from contest.judging.blind import judge_view
from contest.judging.doc_findings import scan_targets
from contest.storage import get_storage
from tests.attachments.judge_files_support import (
    NAME,
    docx_with_names,
    jpeg_with_names,
    judging_setup,
    leaked,
    pdf_with_names,
    png_with_names,
    webp_with_names,
)
from tests.attachments.test_uploads import post_file

FILES = {
    "pdf": ("description", pdf_with_names, "thuyet-minh.pdf", ft.PDF),
    "docx": ("full_text", docx_with_names, "toan-van.docx", ft.DOCX),
    "jpeg": ("photos", jpeg_with_names, "anh.jpg", ft.JPEG),
    "png": ("photos", png_with_names, "anh.png", ft.PNG),
    "webp": ("photos", webp_with_names, "anh.webp", ft.WEBP),
}


@pytest.fixture()
def judging(people):
    return judging_setup(people["organizer"])


def _upload(entry, kind, data, name, actor) -> Attachment:
    changes = FileChanges()
    attachment = attachments.upload(entry, kind, io.BytesIO(data), name, actor, changes=changes)
    db.session.commit()
    return attachment


def _copy_bytes(attachment) -> bytes:
    copy = judge_copies.judge_copy(attachment)
    with get_storage().open(copy.storage_key) as handle:
        return handle.read()


def _parsed_names(content_type: str, data: bytes) -> list[str]:
    """Names a reader of the copy finds in its metadata (parsed, not byte-searched)."""
    found = []
    if content_type == ft.PDF:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found += [str(v) for v in pdf.docinfo.values()]
            assert "/Metadata" not in pdf.Root
            with pdf.open_metadata() as meta:
                found += [str(v) for v in meta.values()]
    elif content_type == ft.DOCX:
        core = docx.Document(io.BytesIO(data)).core_properties
        found += [core.author, core.last_modified_by, core.comments, core.title]
    else:
        with Image.open(io.BytesIO(data)) as image:
            found += [str(v) for v in image.getexif().values()]
            found += [str(v) for v in image.info.values() if isinstance(v, str | bytes)]
            found += [str(v) for v in getattr(image, "text", {}).values()]
    return [text for text in found if NAME in text or "Pham" in text or "Chiêm" in text]


@pytest.mark.parametrize("case", sorted(FILES))
def test_judges_get_a_copy_without_names_and_organizers_the_original(
    judging, people, client_for, case
):
    _edition, entry, judge = judging
    kind, make, name, content_type = FILES[case]
    data = make()
    assert leaked(data), "the test file must carry the names"
    attachment = _upload(entry, kind, data, name, people["organizer"])

    with client_for(people["organizer"]).get(f"/attachments/{attachment.id}") as response:
        assert response.status_code == 200
        assert response.get_data() == data  # organizers keep the original, byte for byte

    copy = _copy_bytes(attachment)
    assert leaked(copy) == []
    assert _parsed_names(content_type, copy) == []
    assert ft.sniff(copy[: ft.HEAD_SIZE])[0] in ft.candidates(ft.sniff(data[:64])[0])
    if content_type == ft.DOCX:
        with zipfile.ZipFile(io.BytesIO(copy)) as archive:
            assert all(not leaked(archive.read(n)) for n in archive.namelist())
        assert "Bản thuyết minh giải pháp." in [
            p.text for p in docx.Document(io.BytesIO(copy)).paragraphs
        ]
    if content_type == ft.PDF:
        with pikepdf.open(io.BytesIO(copy)) as pdf:
            assert len(pdf.pages) == 1

    client = client_for(judge)
    with client.get(f"/judge/attachments/{attachment.id}") as response:
        assert response.status_code == 200
        body = response.get_data()
        assert body == copy
        assert leaked(body) == []
        assert NAME not in response.headers["Content-Disposition"]
    # The original is still there, unchanged, for its owner and the organizers.
    with get_storage().open(attachment.storage_key) as handle:
        assert handle.read() == data


def test_an_upright_photo_stays_upright_and_identical_copies_share_one_file(judging, people):
    _edition, entry, _judge = judging
    turned = jpeg_with_names(size=(64, 32), orientation=6)  # shown 32 wide, 64 high
    attachment = _upload(entry, "photos", turned, "xoay.jpg", people["organizer"])
    copy = _copy_bytes(attachment)
    with Image.open(io.BytesIO(copy)) as image:
        assert image.size == (32, 64)
        assert image.getexif().get(0x0112) in (None, 1)
    again = _upload(entry, "photos", turned, "xoay-2.jpg", people["organizer"])
    assert judge_copies.judge_copy(again).storage_key == judge_copies.copy_key(attachment)


def test_a_damaged_file_is_refused_to_judges_never_sent_as_is(
    judging, people, client_for, upload_root
):
    _edition, entry, judge = judging
    damaged = b"%PDF-1.4\n" + f"/Author ({NAME})\n".encode() + b"rac" * 200 + b"\n%%EOF\n"
    attachment = _upload(entry, "description", damaged, "hong.pdf", people["organizer"])
    with pytest.raises(judge_copies.JudgeCopyUnavailable):
        judge_copies.judge_copy(attachment)
    assert not get_storage().exists(judge_copies.copy_key(attachment))
    with client_for(judge).get(f"/judge/attachments/{attachment.id}") as response:
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "không tạo được bản sao" in text
        assert NAME not in text and b"rac" * 10 not in response.get_data()
    # Organizers still get the file they were sent.
    with client_for(people["organizer"]).get(f"/attachments/{attachment.id}") as response:
        assert response.get_data() == damaged
    assert list((upload_root / ".incoming").glob("*")) == []


@pytest.mark.parametrize("kind", ["unit_confirmation", "registration_form", "identity_document"])
def test_organizer_only_kinds_never_reach_judges(judging, people, client_for, kind):
    edition, entry, judge = judging
    assert edition.organizer_only_attachments == [
        "unit_confirmation",
        "registration_form",
        "identity_document",
    ]
    confirmation = _upload(entry, kind, jpeg_with_names(), "xn.jpg", people["organizer"])
    description = _upload(entry, "description", pdf_with_names(), "tm.pdf", people["organizer"])
    assert judge_copies.judges_may_see(edition, "description")
    assert not judge_copies.judges_may_see(edition, kind)
    view = judge_view(entry)
    assert [a.id for a in view.attachments] == [description.id]
    assert [a.id for _e, a in scan_targets(edition)] == [description.id]  # nor scanned

    client = client_for(judge)
    for url in (
        f"/judge/attachments/{confirmation.id}",
        f"/judge/attachments/{confirmation.id}/thumbnail",
    ):
        with client.get(url) as response:
            assert response.status_code == 404, url
    with client.get(f"/judge/entries/{entry.id}") as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f"/judge/attachments/{description.id}" in page
        assert f"/attachments/{confirmation.id}" not in page
    with client.get(f"/judge/attachments/{description.id}") as response:
        assert response.status_code == 200

    # The organizer may let judges see it: then it reaches them (as a clean copy).
    edition.organizer_only_attachments = []
    db.session.commit()
    db.session.expire_all()
    assert {a.id for a in judge_view(entry).attachments} == {description.id, confirmation.id}
    with client.get(f"/judge/attachments/{confirmation.id}") as response:
        assert response.status_code == 200
        assert leaked(response.get_data()) == []


def test_deleting_an_attachment_deletes_its_judge_copy(judging, people):
    _edition, entry, _judge = judging
    attachment = _upload(entry, "description", pdf_with_names(), "tm.pdf", people["organizer"])
    key = judge_copies.judge_copy(attachment).storage_key
    assert get_storage().exists(key)
    changes = FileChanges()
    attachments.delete(attachment, people["organizer"], changes=changes)
    db.session.commit()
    changes.committed()
    assert not get_storage().exists(key)


# --- A file is named after what it is --------------------------------------------------------


def polyglot_pdf_html() -> bytes:
    """A PDF that is also an HTML page (a browser opening it as .html runs the script)."""
    from tests.attachments.conftest import pdf_bytes

    pdf = pdf_bytes()
    html = b"<html><body><script>alert(document.domain)</script></body></html>"
    return pdf[:9] + b"%" + html + b"\n" + pdf[9:]


def test_a_pdf_uploaded_as_html_is_kept_and_downloaded_as_pdf(
    owner_client, entry, people, client_for
):
    data = polyglot_pdf_html()
    assert ft.sniff(data[: ft.HEAD_SIZE])[0] == ft.PDF
    response = post_file(owner_client, entry, "description", data, "report.html")
    assert response.status_code == 201, response.get_data(as_text=True)
    row = response.get_json()["attachments"][0]
    assert row["name"] == "report.pdf"
    assert row["content_type"] == ft.PDF
    attachment = db.session.get(Attachment, row["id"])
    assert attachment.original_name == "report.pdf"
    assert attachment.storage_key.endswith(".pdf")
    for who in ("owner", "coord", "organizer"):
        with client_for(people[who]).get(f"/attachments/{attachment.id}") as download:
            assert download.status_code == 200
            disposition = download.headers["Content-Disposition"]
            assert "report.pdf" in disposition and ".html" not in disposition
            assert download.mimetype == ft.PDF
            assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_rows_stored_before_get_the_right_extension_on_download(entry, people, client_for):
    attachment = _upload(entry, "description", polyglot_pdf_html(), "x.pdf", people["owner"])
    attachment.original_name = "report.html"  # as stored before names followed the type
    db.session.commit()
    with client_for(people["owner"]).get(f"/attachments/{attachment.id}") as download:
        assert "report.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("report.html", ft.PDF, "report.pdf"),
        ("report.PDF", ft.PDF, "report.PDF"),
        ("anh.jpeg", ft.JPEG, "anh.jpeg"),
        ("anh.png", ft.JPEG, "anh.jpg"),
        ("ma-nguon.tar.gz", ft.TAR_GZ, "ma-nguon.tar.gz"),
        ("ma-nguon.tgz", ft.TAR_GZ, "ma-nguon.tgz"),
        ("bao cao v1.2", ft.PDF, "bao cao v1.2.pdf"),
        ("bai-du-thi", ft.DOCX, "bai-du-thi.docx"),
        ("trang.svg", ft.PNG, "trang.png"),
    ],
)
def test_name_with_extension(name, content_type, expected):
    assert attachments.name_with_extension(name, content_type) == expected


@pytest.fixture()
def owner_client(people, client_for):
    return client_for(people["owner"])


@pytest.mark.parametrize("case", ["jpeg", "png", "webp"])
def test_thumbnails_carry_no_names(judging, people, case):
    _edition, entry, _judge = judging
    kind, make, name, _content_type = FILES[case]
    attachment = _upload(entry, kind, make(), name, people["organizer"])
    with get_storage().open(attachment.thumbnail_key) as handle:
        assert leaked(handle.read()) == []


def test_an_html_page_hiding_a_pdf_is_refused(owner_client, entry):
    from tests.attachments.conftest import pdf_bytes

    data = b"<html><script>alert(1)</script></html>\n" + pdf_bytes()
    response = post_file(owner_client, entry, "description", data, "report.pdf")
    assert response.status_code == 409
    assert "một trang web (HTML)" in response.get_json()["message"]


def test_the_entry_page_says_which_kinds_judges_do_not_receive(entry, people, client_for):
    page = client_for(people["owner"]).get(f"/my/entries/{entry.id}/files").get_data(as_text=True)
    marked = page.split('data-testid="attachment-kind-unit_confirmation"')[1].split("</h3>")[0]
    assert "chỉ Ban Tổ chức xem, giám khảo không nhận" in marked
    description = page.split('data-testid="attachment-kind-description"')[1].split("</h3>")[0]
    assert "giám khảo không nhận" not in description
