"""Issue 7's journey in real Chromium: an organizer publishes the results and generates the
certificates through the pages; a visitor on a phone opens the public results and verifies a
certificate by following the link its QR code holds (read from the PDF in the ZIP)."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from PIL import Image

from contest.certificates.models import Certificate
from contest.extensions import db
from tests import factories
from tests.browser_support import LiveServer, assert_accessible, screenshot
from tests.publication.helpers import SLUG, compiled_edition, resolve_flags

pytestmark = pytest.mark.browser


@pytest.fixture()
def server(make_app):
    """A live server whose PUBLIC_BASE_URL is its own address (the QR codes point at it)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with LiveServer(app) as live:
        app.config["PUBLIC_BASE_URL"] = live.url
        yield live


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-form] button[type=submit]")


def _qr_link(pdf: bytes, tmp_path) -> str:
    """The text of the QR code printed on a certificate: render the page, decode the image."""
    import zxingcpp

    (tmp_path / "cert.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "cert.pdf"),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    (png,) = sorted(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        found = zxingcpp.read_barcodes(image.convert("L"))
    assert len(found) == 1, "one QR code on the certificate"
    return found[0].text


def test_organizer_publishes_and_a_visitor_verifies_a_certificate(
    server, page, phone_page, runner, tmp_path, users
):
    organizer = users["organizer"]
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer)
    base = server.url
    errors: list[str] = []
    for p in (page, phone_page):
        p.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())

    # The organizer publishes version 1 (15 days of posting), confirming it.
    _login(page, base, organizer.email)
    page.goto(f"{base}/organizer/publication/{SLUG}")
    page.check("input[name=confirm]")
    page.click("[data-testid=publish-submit]")
    page.wait_for_selector("[data-testid=state-posting]")
    assert_accessible(page, "journey-publication-published")
    screenshot(page, "journey-publication-published")

    # … then generates the certificates: the job's page, then the ZIP.
    page.goto(f"{base}/organizer/certificates/{SLUG}")
    page.fill("input[name=signatory_name]", "Hoàng Thị Thu Hà")
    page.click("[data-testid=generate-submit]")
    page.wait_for_selector("[data-testid=certificates-result]")
    assert_accessible(page, "journey-certificates-job")
    screenshot(page, "journey-certificates-job")
    with page.expect_download() as download:
        page.click("[data-testid=download-zip]")
    download.value.save_as(tmp_path / "certificates.zip")
    data = (tmp_path / "certificates.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.endswith(".pdf")]
        a1 = next(n for n in names if n.startswith("A1_1_"))
        pdf = archive.read(a1)

    db.session.expire_all()
    certificate = db.session.scalars(
        db.select(Certificate).where(
            Certificate.entry_code == "A1", Certificate.author_position == 1
        )
    ).one()
    link = _qr_link(pdf, tmp_path)
    assert link == f"{base}/verify/{certificate.display_code}"

    # A visitor on a phone: the public results, then the QR link.
    visitor = phone_page
    visitor.goto(f"{base}/results/{SLUG}")
    body = visitor.inner_text("main")
    assert certificate.entry_title in body and certificate.author_name in body
    assert visitor.get_attribute("[data-testid=state-banner]", "data-state") == "posting"
    assert_accessible(visitor, "journey-public-results-phone")
    screenshot(visitor, "journey-public-results-phone")
    visitor.goto(link)
    visitor.wait_for_selector("[data-testid=verify-valid]")
    assert visitor.inner_text("[data-testid=cert-name]") == certificate.author_name
    assert visitor.inner_text("[data-testid=cert-prize]") == certificate.prize_name
    assert_accessible(visitor, "journey-verify-phone")
    screenshot(visitor, "journey-verify-phone")
    assert errors == []
