"""Two-factor login through the real pages (test client, real TOTP clock): the password step
reveals nothing, the half-logged-in state grants nothing and expires, codes, recovery codes,
remembered devices, throttling, enrolment (on the profile and forced by a role), the gate,
and the administrators' page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from contest.accounts import two_factor as tf
from contest.accounts.models import LoginAttempt, LoginSession
from contest.accounts.two_factor_models import RememberedDevice
from contest.accounts.two_factor_views import DEVICE_COOKIE
from contest.audit.models import AuditEntry
from contest.extensions import db
from tests import factories

from .helpers import cookie_value, is_logged_in, post_login, session_identity

T0 = datetime(2026, 12, 7, 3, 0, 10, tzinfo=UTC)


@pytest.fixture()
def clock():
    """The clock, stopped at T0 (move it with ``clock.shift(seconds)``)."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def enrol(user, now=T0) -> tuple[str, list[str]]:
    cred = tf.begin_enrolment(user, now)
    codes = tf.confirm_enrolment(user, pyotp.TOTP(cred.secret).at(now), now)
    db.session.commit()
    return cred.secret, codes


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def send_code(client, code: str, remember: bool = False):
    return client.post(
        "/login/two-factor", data={"code": code, "remember_device": "y" if remember else ""}
    )


def secret_on(html: str) -> str:
    match = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', html)
    assert match, html[:2000]
    return match.group(1).replace(" ", "")


def codes_on(html: str) -> list[str]:
    return re.findall(r'data-testid="recovery-code">([a-z2-9-]+)<', html)


# --- The password step ----------------------------------------------------------------------


def test_the_password_step_looks_the_same_with_or_without_a_second_factor(app, users, clock):
    with_factor, without = users["organizer"], users["judge"]
    enrol(with_factor)
    clock.shift(60)
    bodies = []
    for user in (with_factor, without):
        client = app.test_client()
        response = post_login(client, user.email, "sai mật khẩu rồi")
        assert response.status_code == 200
        bodies.append(response.get_data(as_text=True).replace(user.email, ""))
    assert bodies[0] == bodies[1]


def test_the_right_password_leads_to_the_code_page_and_grants_nothing(app, client, users, clock):
    organizer = users["organizer"]
    enrol(organizer)
    clock.shift(60)
    response = post_login(client, organizer.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login/two-factor")
    assert session_identity(client) is None
    assert not is_logged_in(client)
    for url in ("/organizer/", "/account/two-factor", "/home"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], url
    assert db.session.scalars(select(LoginSession)).all() == []
    page = client.get("/login/two-factor").get_data(as_text=True)
    assert "Xác thực hai bước" in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label class="form-label" for="code">Mã xác thực (6 chữ số)</label>' in page
    assert "Ghi nhớ thiết bị này trong 30 ngày" in page


def test_a_valid_code_logs_in_and_follows_next(client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    response = client.post(
        "/login?next=/profile", data={"email": judge.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"].endswith("/login/two-factor")
    response = send_code(client, code_now(secret))
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    assert is_logged_in(client)
    attempts = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [a.success for a in attempts] == [True, True]  # the password, then the code


def test_a_wrong_code_is_refused_in_vietnamese_and_counts(client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    old = pyotp.TOTP(secret).at(T0 - timedelta(minutes=5))
    response = send_code(client, old)
    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in response.get_data(as_text=True)
    assert not is_logged_in(client)
    failures = db.session.scalars(select(LoginAttempt).where(LoginAttempt.success.is_(False)))
    assert [a.email for a in failures] == [judge.email]


def test_a_code_used_once_cannot_log_in_again_in_its_window(app, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    code = code_now(secret)
    first, second = app.test_client(), app.test_client()
    post_login(first, judge.email)
    post_login(second, judge.email)
    assert send_code(first, code).status_code == 302
    clock.shift(10)
    assert send_code(second, code).status_code == 200  # refused: replay
    assert not is_logged_in(second)


def test_the_half_logged_in_state_expires_after_five_minutes(client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    clock.shift(301)
    response = send_code(client, code_now(secret))
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not is_logged_in(client)
    page = client.get("/login").get_data(as_text=True)
    assert "Đã quá thời gian chờ bước xác thực thứ hai" in page


def test_a_password_changed_meanwhile_voids_the_half_logged_in_state(client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    judge.password_hash = factories._hash("một mật khẩu khác hẳn")
    db.session.commit()
    response = send_code(client, code_now(secret))
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not is_logged_in(client)


def test_a_recovery_code_logs_in_once(app, users, clock):
    judge = users["judge"]
    _secret, codes = enrol(judge)
    clock.shift(60)
    client = app.test_client()
    post_login(client, judge.email)
    page = client.get("/login/two-factor/recovery").get_data(as_text=True)
    assert "Mã khôi phục" in page and 'autocomplete="off"' in page
    response = client.post("/login/two-factor/recovery", data={"code": codes[0]})
    assert response.status_code == 302
    assert "còn 9 mã" in client.get("/profile").get_data(as_text=True)  # logged in
    again = app.test_client()
    post_login(again, judge.email)
    response = again.post("/login/two-factor/recovery", data={"code": codes[0]})
    assert response.status_code == 200
    assert "Mã khôi phục không đúng hoặc đã được dùng." in response.get_data(as_text=True)
    assert not is_logged_in(again)


def test_a_remembered_device_skips_the_code_for_30_days(app, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    client = app.test_client()
    post_login(client, judge.email)
    response = send_code(client, code_now(secret), remember=True)
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE)]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    device = cookie_value(client, DEVICE_COOKIE)
    client.post("/logout")
    clock.shift(20 * 24 * 3600)
    response = post_login(client, judge.email)
    assert response.headers["Location"].endswith("/home")  # no second step
    assert is_logged_in(client)
    # 31 days after it was remembered, the same cookie no longer skips the step.
    clock.shift(11 * 24 * 3600)
    later = app.test_client()
    later.set_cookie(DEVICE_COOKIE, device)
    response = post_login(later, judge.email)
    assert response.headers["Location"].endswith("/login/two-factor")
    assert not is_logged_in(later)


def test_a_password_change_over_the_web_forgets_remembered_devices(app, client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    send_code(client, code_now(secret), remember=True)
    device = cookie_value(client, DEVICE_COOKIE)
    response = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "mật khẩu mới 2026",
              "confirm": "mật khẩu mới 2026"},
    )  # fmt: skip
    assert response.status_code == 302
    other = app.test_client()
    other.set_cookie(DEVICE_COOKIE, device)
    response = post_login(other, judge.email, "mật khẩu mới 2026")
    assert response.headers["Location"].endswith("/login/two-factor")


def test_wrong_codes_lock_like_wrong_passwords(app, client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    wrong = pyotp.TOTP(secret).at(T0 - timedelta(hours=1))
    for _ in range(10):
        assert send_code(client, wrong).status_code == 200
    response = send_code(client, code_now(secret))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert not is_logged_in(client)
    # The account is locked from this address for passwords too, as after wrong passwords.
    assert post_login(app.test_client(), judge.email).status_code == 429
    clock.shift(16 * 60)  # after the window, the owner gets in
    fresh = app.test_client()
    post_login(fresh, judge.email)
    assert send_code(fresh, code_now(secret)).status_code == 302


# --- Enrolment ------------------------------------------------------------------------------


def test_enrolment_from_the_profile_then_logging_in_needs_a_code(app, client, users, clock):
    judge = users["judge"]
    post_login(client, judge.email)
    profile = client.get("/profile").get_data(as_text=True)
    assert 'data-testid="profile-two-factor"' in profile and "Chưa bật." in profile
    page = client.get("/account/two-factor/enrol").get_data(as_text=True)
    assert 'role="img"' in page and "<svg" in page and "Mã QR để thêm tài khoản" in page
    secret = secret_on(page)
    assert (
        client.get("/account/two-factor/enrol")
        .get_data(as_text=True)
        .count(" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))
        == 1
    )  # a reload shows the same secret
    wrong = client.post("/account/two-factor/enrol", data={"code": "000000"})
    assert "Mã xác thực không đúng" in wrong.get_data(as_text=True)
    response = client.post("/account/two-factor/enrol", data={"code": code_now(secret)})
    assert response.status_code == 200
    codes = codes_on(response.get_data(as_text=True))
    assert len(codes) == 10 and "chỉ hiện một lần" in response.get_data(as_text=True)
    manage = client.get("/account/two-factor").get_data(as_text=True)
    assert "Đang bật từ" in manage and "Còn 10 mã khôi phục chưa dùng." in manage
    client.post("/logout")
    clock.shift(30)
    assert post_login(client, judge.email).headers["Location"].endswith("/login/two-factor")
    assert send_code(client, code_now(secret)).status_code == 302
    assert is_logged_in(client)


def test_regenerating_codes_and_turning_off_ask_for_the_password(client, users, clock):
    judge = users["judge"]
    secret, old_codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    send_code(client, code_now(secret))
    refused = client.post("/account/two-factor/recovery-codes", data={"codes-password": "sai"})
    assert refused.status_code == 400
    assert "Mật khẩu hiện tại không đúng." in refused.get_data(as_text=True)
    response = client.post(
        "/account/two-factor/recovery-codes", data={"codes-password": factories.PASSWORD}
    )
    new_codes = codes_on(response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    response = client.post("/account/two-factor/off", data={"off-password": factories.PASSWORD})
    assert response.status_code == 302
    assert not tf.is_enabled(judge)
    client.post("/logout")
    assert post_login(client, judge.email).headers["Location"].endswith("/home")


def test_a_required_role_enrols_right_after_the_password(app, client, users, clock):
    admin_client = app.test_client()
    post_login(admin_client, users["admin"].email)
    response = admin_client.post("/admin/two-factor", data={"roles": ["judge"]})
    assert response.status_code == 302
    judge = users["judge"]
    response = post_login(client, judge.email)
    assert response.headers["Location"].endswith("/login/two-factor/setup")
    assert not is_logged_in(client)
    assert client.get("/judge/").status_code == 302
    page = client.get("/login/two-factor/setup").get_data(as_text=True)
    assert "Vai trò của bạn bắt buộc dùng xác thực hai bước" in page
    secret = secret_on(page)
    assert not is_logged_in(client)  # reading the page logs nobody in
    response = client.post("/login/two-factor/setup", data={"code": code_now(secret)})
    assert response.status_code == 200 and len(codes_on(response.get_data(as_text=True))) == 10
    assert client.get("/judge/").status_code == 200


def test_a_logged_in_user_of_a_newly_required_role_reaches_only_the_enrolment(app, users):
    judge = users["judge"]
    client = app.test_client()
    post_login(client, judge.email)
    assert client.get("/judge/").status_code == 200
    tf.set_required_roles(users["admin"], ["judge"], T0)
    db.session.commit()
    for url in ("/judge/", "/profile", "/", "/organizer/editions/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/account/two-factor/enrol"), url
    assert client.get("/account/two-factor/enrol").status_code == 200
    assert client.get("/account/two-factor").status_code == 200
    assert client.post("/logout").status_code == 302
    # Other roles are not concerned.
    organizer = app.test_client()
    post_login(organizer, users["organizer"].email)
    assert organizer.get("/organizer/").status_code == 200


def test_a_required_factor_cannot_be_turned_off_from_the_profile(client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    tf.set_required_roles(users["admin"], ["judge"], T0)
    db.session.commit()
    clock.shift(60)
    post_login(client, judge.email)
    send_code(client, code_now(secret))
    assert "Tắt xác thực hai bước" not in client.get("/account/two-factor").get_data(as_text=True)
    client.post("/account/two-factor/off", data={"off-password": factories.PASSWORD})
    assert tf.is_enabled(judge)


# --- Administrators -------------------------------------------------------------------------


def test_an_admin_resets_a_judges_factor_logging_them_out_everywhere(app, users, clock):
    judge, admin = users["judge"], users["admin"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    judge_client = app.test_client()
    post_login(judge_client, judge.email)
    send_code(judge_client, code_now(secret), remember=True)
    assert is_logged_in(judge_client)
    admin_client = app.test_client()
    post_login(admin_client, admin.email)
    page = admin_client.get("/admin/two-factor").get_data(as_text=True)
    assert 'data-email="judge@example.vn"' in page and "Đang bật" in page
    response = admin_client.post(f"/admin/two-factor/{judge.id}/reset")
    assert response.status_code == 302
    page = admin_client.get("/admin/two-factor").get_data(as_text=True)
    assert "Đã đặt lại xác thực hai bước của judge@example.vn" in page
    assert "Người dùng admin đặt lại xác thực hai bước của judge@example.vn" in page
    assert not is_logged_in(judge_client)
    assert not tf.is_enabled(judge)
    assert (
        db.session.scalars(
            select(RememberedDevice).where(RememberedDevice.revoked_at.is_(None))
        ).all()
        == []
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == tf.AUDIT_RESET))
    assert [e.actor_id for e in entry] == [admin.id]
    # The judge logs in with the password alone now (no role requires a factor).
    assert post_login(judge_client, judge.email).headers["Location"].endswith("/home")


def test_organizers_cannot_open_the_admin_page_or_reset(client, users):
    judge = users["judge"]
    enrol(judge)
    post_login(client, users["organizer"].email)
    assert client.get("/admin/two-factor").status_code == 403
    assert client.post(f"/admin/two-factor/{judge.id}/reset").status_code == 403
    assert tf.is_enabled(judge)


def test_the_admin_page_saves_required_roles_and_refuses_unknown_ones(client, users):
    post_login(client, users["admin"].email)
    page = client.get("/admin/two-factor").get_data(as_text=True)
    for label in ("Quản trị hệ thống", "Ban Tổ chức", "Điều phối viên địa bàn", "Giám khảo"):
        assert label in page
    assert "Thí sinh" not in page
    client.post("/admin/two-factor", data={"roles": ["coordinator", "judge"]})
    assert tf.required_roles() == ["coordinator", "judge"]
    response = client.post("/admin/two-factor", data={"roles": ["entrant"]})
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert tf.required_roles() == ["coordinator", "judge"]
    # Requiring their own role, an administrator without a factor must enrol at once.
    client.post("/admin/two-factor", data={"roles": ["admin"]})
    response = client.get("/admin/two-factor")
    assert response.headers["Location"].endswith("/account/two-factor/enrol")


def test_entrants_log_in_as_before_and_have_no_two_factor_page(client, users):
    response = post_login(client, users["entrant"].email)
    assert response.headers["Location"].endswith("/home")
    assert client.get("/account/two-factor").status_code == 403
    assert 'data-testid="profile-two-factor"' not in client.get("/profile").get_data(as_text=True)


def test_forgetting_devices_asks_for_a_code_again(app, client, users, clock):
    judge = users["judge"]
    secret, _codes = enrol(judge)
    clock.shift(60)
    post_login(client, judge.email)
    send_code(client, code_now(secret), remember=True)
    device = cookie_value(client, DEVICE_COOKIE)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'data-testid="devices"' in page and "Ghi nhớ từ" in page
    response = client.post("/account/two-factor/devices/forget")
    assert response.status_code == 302
    assert 'data-testid="no-devices"' in client.get("/account/two-factor").get_data(as_text=True)
    other = app.test_client()
    other.set_cookie(DEVICE_COOKIE, device)
    assert post_login(other, judge.email).headers["Location"].endswith("/login/two-factor")
