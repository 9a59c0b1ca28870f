"""Real Chromium: an organizer generates the certificates through the page (CSRF on, the
confirmation dialog, the job's progress page, the ZIP link); on a phone, anyone checks a code
by typing it loosely, sees a valid and a revoked certificate; pages screenshotted."""

from __future__ import annotations

import pytest

from contest.certificates import operations as certs
from contest.extensions import db
from tests import factories
from tests.browser_support import screenshot
from tests.publication.certificates_support import (
    A1_AUTHORS,
    correct,
    decide,
    published_edition,
)

pytestmark = pytest.mark.browser


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-form] button[type=submit]")


def test_generate_and_verify(live_server, page, phone_page, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []

    def _accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", _accept)

    _login(page, base, organizer.email)
    page.goto(f"{base}/organizer/certificates/{edition.slug}")
    page.fill("input[name=signatory_name]", "Phạm Minh Đức")
    screenshot(page, "certificates-edition")
    page.click("[data-testid=generate-submit]")
    page.wait_for_selector("[data-testid=certificates-result]")
    assert dialogs and "phiên bản 1" in dialogs[-1]
    assert "/jobs/" in page.url
    screenshot(page, "certificates-job")
    with page.expect_download() as download:
        page.click("[data-testid=download-zip]")
    assert download.value.suggested_filename.endswith(".zip")
    page.goto(f"{base}/organizer/certificates/{edition.slug}")
    page.wait_for_selector("[data-testid^=download-]")

    db.session.expire_all()
    issued = certs.certificates_of(v1)
    a2 = next(c for c in issued if c.entry_code == "A2")
    decide(edition, "A2", "special", organizer)
    correct(edition, organizer)
    page.goto(f"{base}/organizer/certificates/{edition.slug}")
    page.wait_for_selector(f"[data-testid=revoked-{a2.code}]")
    screenshot(page, "certificates-edition-after-correction")
    assert not errors, errors

    phone, valid = phone_page, issued[0]
    phone.goto(f"{base}/verify/")
    phone.fill("input[name=code]", valid.code.lower())
    phone.click("[data-testid=verify-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=verify-valid]")
    assert phone.inner_text("[data-testid=cert-name]") == A1_AUTHORS[0]
    screenshot(phone, "verify-valid-phone")
    phone.goto(f"{base}/verify/{a2.display_code}")
    phone.wait_for_selector("[data-testid=verify-revoked]")
    screenshot(phone, "verify-revoked-phone")
    phone.click("[data-testid=replacement]")
    phone.wait_for_selector("[data-testid=verify-valid]")
    phone.goto(f"{base}/verify/ABCD-EFGH-JKMN")
    phone.wait_for_selector("[data-testid=verify-unknown]")
    screenshot(phone, "verify-unknown-phone")
