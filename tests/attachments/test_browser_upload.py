"""The upload partial in real Chromium, phone-sized, CSRF on: files stream through
static/js/uploads.js (PUT, progress, reload), photos show thumbnails, the server's Vietnamese
refusal appears next to the form, an oversized file is stopped before it is sent, a file is
deleted after confirmation — and no script error or CSP violation on the way."""

from __future__ import annotations

import pytest

from contest.entries.models import Entry
from contest.extensions import db
from tests import factories
from tests.attachments.conftest import LIMITS, jpeg_bytes, noisy_png, pdf_bytes, png_bytes
from tests.browser_support import LiveServer, screenshot, wait_until

pytestmark = pytest.mark.browser


def watch_console(page) -> list[str]:
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture()
def server(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True, UPLOAD_DIR=str(tmp_path / "uploads"), **LIMITS)
    with LiveServer(app) as live:
        yield live


def pick(page, kind: str, files: list[tuple[str, str, bytes]]):
    page.set_input_files(
        f"#file-{kind}",
        files=[{"name": n, "mimeType": m, "buffer": b} for n, m, b in files],
    )


def test_entrant_uploads_on_a_phone(server, phone_page, entry, people):
    page, base = phone_page, server.url
    errors = watch_console(page)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/login")
    page.fill("input[name=email]", people["owner"].email)
    page.fill("input[name=password]", factories.PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-form] button[type=submit]")
    page.goto(f"{base}/my/entries/{entry.id}/files")

    # A PDF, streamed by the script, then the page reloads and lists it.
    pick(page, "description", [("Bản thuyết minh.pdf", "application/pdf", pdf_bytes())])
    with page.expect_navigation():
        page.click("[data-testid=attachment-upload-description] button[type=submit]")
    section = page.locator("[data-testid=attachment-kind-description]")
    assert section.get_by_text("Bản thuyết minh.pdf").is_visible()

    # Two photos at once: both stored, both thumbnails load.
    pick(
        page, "photos", [("1.png", "image/png", png_bytes()), ("2.jpg", "image/jpeg", jpeg_bytes())]
    )
    with page.expect_navigation():
        page.click("[data-testid=attachment-upload-photos] button[type=submit]")
    thumbs = page.locator("[data-testid=attachment-kind-photos] img.attachment-thumb")
    assert thumbs.count() == 2
    wait_until(
        page,
        "Array.from(document.querySelectorAll('img.attachment-thumb'))"
        ".every(i => i.complete && i.naturalWidth > 0)",
    )

    # A PNG named .pdf: refused by the server, the reason shown next to the form.
    pick(page, "description", [("thuyet-minh.pdf", "application/pdf", png_bytes())])
    page.click("[data-testid=attachment-upload-description] button[type=submit]")
    error = page.locator("[data-testid=attachment-upload-description] [data-upload-error]")
    error.get_by_text("nội dung tệp là PNG", exact=False).wait_for()

    # Too large for the kind: stopped in the browser, nothing sent.
    big = noisy_png()
    assert len(big) > LIMITS["ATTACHMENT_IMAGES_MAX_BYTES"]
    pick(page, "photos", [("to.png", "image/png", big)])
    page.click("[data-testid=attachment-upload-photos] button[type=submit]")
    page.locator("[data-testid=attachment-upload-photos] [data-upload-error]").get_by_text(
        "vượt quá", exact=False
    ).wait_for()

    # Delete one photo (the page asks first).
    with page.expect_navigation():
        page.locator(
            "[data-testid=attachment-kind-photos] [data-testid=attachment-delete]"
        ).first.click()
    assert page.locator("[data-testid=attachment-kind-photos] img.attachment-thumb").count() == 1

    screenshot(page, "attachments-phone")
    db.session.expire_all()
    names = sorted(a.original_name for a in db.session.get(Entry, entry.id).attachments)
    assert names == ["2.jpg", "Bản thuyết minh.pdf"]
    assert errors == []
