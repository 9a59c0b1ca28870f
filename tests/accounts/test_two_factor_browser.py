"""Real Chromium, real clock: a judge turns two-factor login on from the profile (the QR code
on the page is decoded and matches the secret shown as text; the code is computed with
pyotp), logs out, logs in with a code, then with a recovery code; an administrator resets
the judge's factor, which logs the judge out, and the judge logs in with the password
alone. axe-core finds no serious problem on the enrolment and code pages.
Screenshots: test-artifacts/two-factor-*.png."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from contest.timeutil import utcnow
from tests import factories
from tests.browser_support import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def _password_step(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")


def _qr_text(page) -> str:
    """The text of the QR code as Chromium draws it (decoded with zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    png = page.locator("[data-testid=two-factor-qr]").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code decoded"
    return found[0].text


def test_enrol_log_in_with_a_code_then_a_recovery_code_and_an_admin_resets(
    live_server, users, chromium
):
    base, judge = live_server.url, users["judge"]
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # Enrol from the profile.
        _password_step(page, base, judge.email)
        page.wait_for_url(re.compile(r"/judge/?$"))
        page.goto(f"{base}/profile")
        page.click("[data-testid=profile-two-factor-link]")
        page.click("[data-testid=two-factor-start]")
        expect(page.locator("h1")).to_have_text("Bật xác thực hai bước")
        secret = page.locator("[data-testid=two-factor-secret]").inner_text().replace(" ", "")
        uri = _qr_text(page)
        assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
        assert pyotp.parse_uri(uri).secret == secret
        screenshot(page, "two-factor-enrol")
        assert_accessible(page, "two-factor enrolment")
        totp = pyotp.TOTP(secret)
        page.get_by_label("Mã xác thực (6 chữ số)").fill(totp.now())
        page.click("[data-testid=two-factor-enrol-form] button[type=submit]")
        codes = page.locator("[data-testid=recovery-code]").all_inner_texts()
        assert len(codes) == 10
        screenshot(page, "two-factor-codes")
        page.click("[data-testid=codes-continue]")
        expect(page.locator("[data-testid=two-factor-status]")).to_contain_text("Đang bật")

        # Log out, log in with a code (the next window's: the enrolment used this one's).
        page.click("[data-testid=logout]")
        _password_step(page, base, judge.email)
        page.wait_for_url(re.compile(r"/login/two-factor$"))
        field = page.get_by_label("Mã xác thực (6 chữ số)")
        assert field.get_attribute("autocomplete") == "one-time-code"
        assert field.get_attribute("inputmode") == "numeric"
        assert_accessible(page, "two-factor code page")
        screenshot(page, "two-factor-code")
        field.fill("000000")
        page.click("[data-testid=two-factor-form] button[type=submit]")
        expect(page.locator("[data-testid=two-factor-error]")).to_contain_text(
            "Mã xác thực không đúng"
        )
        page.get_by_label("Mã xác thực (6 chữ số)").fill(totp.at(utcnow() + timedelta(seconds=30)))
        page.click("[data-testid=two-factor-form] button[type=submit]")
        page.wait_for_url(re.compile(r"/judge/?$"))

        # Log out, log in with a recovery code.
        page.click("[data-testid=logout]")
        _password_step(page, base, judge.email)
        page.click("[data-testid=use-recovery-code]")
        page.get_by_label("Mã khôi phục").fill(codes[0])
        page.click("[data-testid=recovery-form] button[type=submit]")
        page.wait_for_url(re.compile(r"/judge/?$"))
        expect(page.locator("[data-testid=flash]").first).to_contain_text("còn 9 mã")

        # An administrator resets the judge's factor.
        admin_context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, locale="vi-VN"
        )
        admin = admin_context.new_page()
        try:
            admin.on("dialog", lambda dialog: dialog.accept())
            _password_step(admin, base, users["admin"].email)
            admin.wait_for_url(re.compile(r"/organizer/?$"))
            admin.goto(f"{base}/profile")
            admin.click("[data-testid=profile-two-factor-admin]")
            row = admin.locator(f"[data-testid=staff-row][data-email='{judge.email}']")
            expect(row).to_contain_text("Đang bật")
            row.get_by_role("button", name=f"Đặt lại xác thực hai bước của {judge.email}").click()
            expect(admin.locator("[data-testid=flash]").first).to_contain_text(
                f"Đã đặt lại xác thực hai bước của {judge.email}"
            )
            expect(admin.locator("[data-testid=two-factor-audit]")).to_contain_text(
                f"đặt lại xác thực hai bước của {judge.email}"
            )
            expect(row).to_contain_text("Chưa bật")
            screenshot(admin, "two-factor-admin")
        finally:
            admin_context.close()

        # The judge was logged out everywhere, and now logs in with the password alone.
        page.goto(f"{base}/judge/")
        assert "/login" in page.url
        _password_step(page, base, judge.email)
        page.wait_for_url(re.compile(r"/judge/?$"))
        assert not errors, errors
    finally:
        context.close()
