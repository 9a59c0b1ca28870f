"""Images get a JPEG thumbnail (at most 400 px, upright, transparency on white); images that
do not decode or that claim too many pixels (decompression bombs) are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from contest.entries import thumbnails
from contest.entries.models import Attachment
from contest.extensions import db
from tests.attachments.conftest import (
    jpeg_bytes,
    pdf_bytes,
    png_bomb,
    png_bytes,
    stored_files,
    webp_bytes,
)
from tests.attachments.test_uploads import assert_nothing_left, post_file


@pytest.fixture()
def owner(people, client_for):
    return client_for(people["owner"])


def upload(owner, entry, kind, data, name):
    response = post_file(owner, entry, kind, data, name)
    assert response.status_code == 201, response.get_json()
    return db.session.get(Attachment, response.get_json()["attachments"][0]["id"])


def thumbnail_of(owner, attachment) -> Image.Image:
    with owner.get(f"/attachments/{attachment.id}/thumbnail") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "private" in response.headers["Cache-Control"]
        return Image.open(io.BytesIO(response.data))


@pytest.mark.parametrize(
    ("data", "name", "size"),
    [
        (png_bytes((800, 600)), "a.png", (400, 300)),
        (jpeg_bytes((600, 1200)), "b.jpg", (200, 400)),
        (webp_bytes((300, 200)), "c.webp", (300, 200)),  # small images are not enlarged
    ],
)
def test_photos_get_a_jpeg_thumbnail(owner, entry, upload_root, data, name, size):
    attachment = upload(owner, entry, "photos", data, name)
    assert attachment.thumbnail_key and attachment.thumbnail_key.startswith("thumbs/")
    image = thumbnail_of(owner, attachment)
    assert image.format == "JPEG" and image.size == size
    assert len(stored_files(upload_root)) == 2


def test_thumbnail_is_upright_and_flattened(owner, entry):
    rotated = upload(owner, entry, "photos", jpeg_bytes((800, 400), exif_orientation=6), "r.jpg")
    assert thumbnail_of(owner, rotated).size == (200, 400)  # turned as the camera meant
    clear = upload(owner, entry, "photos", png_bytes((100, 100), "RGBA", (0, 0, 0, 0)), "t.png")
    image = thumbnail_of(owner, clear)
    assert image.mode == "RGB" and image.getpixel((50, 50)) >= (250, 250, 250)


def test_scans_get_thumbnails_and_documents_do_not(owner, entry):
    scan = upload(owner, entry, "unit_confirmation", jpeg_bytes(), "scan.jpg")
    assert scan.thumbnail_key
    pdf = upload(owner, entry, "description", pdf_bytes(), "tm.pdf")
    assert pdf.thumbnail_key is None
    assert owner.get(f"/attachments/{pdf.id}/thumbnail").status_code == 404


def test_a_decompression_bomb_is_refused_clearly(owner, entry, upload_root):
    response = post_file(owner, entry, "photos", png_bomb(), "bom.png")
    assert response.status_code == 409
    assert "megapixel" in response.get_json()["message"]
    assert_nothing_left(upload_root)


def test_the_pixel_limit_is_configurable(make_app, tmp_path, people, client_for, entry):
    app = make_app(UPLOAD_DIR=str(tmp_path / "u3"), ATTACHMENT_MAX_IMAGE_PIXELS=100 * 100)
    client = app.test_client()
    from tests import factories

    client.post("/login", data={"email": people["owner"].email, "password": factories.PASSWORD})
    big = post_file(client, entry, "photos", png_bytes((101, 100)), "a.png")
    assert big.status_code == 409 and "megapixel" in big.get_json()["message"]
    ok = post_file(client, entry, "photos", png_bytes((100, 100)), "b.png")
    assert ok.status_code == 201


def test_make_thumbnail_refuses_what_pillow_cannot_decode(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(jpeg_bytes()[:400])
    with pytest.raises(thumbnails.BadImage):
        thumbnails.make_thumbnail(path, "image/jpeg", 10**8)
    path.write_bytes(png_bomb(20_000, 20_000))
    with pytest.raises(thumbnails.ImageTooLarge):
        thumbnails.make_thumbnail(path, "image/png", 10**8)
