"""Changing the password while logged in ends every other session."""

from __future__ import annotations

from sqlalchemy import select

from contest.accounts.models import LoginSession
from contest.accounts.passwords import verify_password
from contest.extensions import db
from tests import factories

from .helpers import (
    REMEMBER_COOKIE,
    SESSION_COOKIE,
    client_with_cookie,
    cookie_value,
    is_logged_in,
    login_ok,
    post_login,
)

NEW = "Mật khẩu mới của tôi 🌾"


def _change(client, current=factories.PASSWORD, new=NEW, confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "password": new, "confirm": confirm or new},
    )


def test_change_password_requires_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_change_ends_other_sessions_and_keeps_this_one(app, client, users):
    judge = users["judge"]
    login_ok(client, judge.email, remember=True)
    old_session_cookie = cookie_value(client, SESSION_COOKIE)
    old_remember_cookie = cookie_value(client, REMEMBER_COOKIE)
    phone = app.test_client()
    login_ok(phone, judge.email)

    response = _change(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    # This browser stays logged in, under a new session.
    assert is_logged_in(client)
    assert cookie_value(client, SESSION_COOKIE) != old_session_cookie
    # Every other device and every copied old cookie is anonymous.
    assert not is_logged_in(phone)
    assert not is_logged_in(client_with_cookie(app, SESSION_COOKIE, old_session_cookie))
    assert not is_logged_in(client_with_cookie(app, REMEMBER_COOKIE, old_remember_cookie))
    # The browser's new remember-me cookie works.
    assert is_logged_in(
        client_with_cookie(app, REMEMBER_COOKIE, cookie_value(client, REMEMBER_COOKIE))
    )
    live = (
        db.session.execute(select(LoginSession).where(LoginSession.revoked_at.is_(None)))
        .scalars()
        .all()
    )
    assert len(live) == 1
    # The new password works, the old one does not.
    other = app.test_client()
    assert post_login(other, judge.email).status_code == 200
    login_ok(other, judge.email, NEW)


def test_wrong_current_password_changes_nothing(client, users, login):
    login(users["judge"])
    response = _change(client, current="đoán bừa một mật khẩu")
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(users["judge"].password_hash, factories.PASSWORD)
    assert is_logged_in(client)


def test_new_password_follows_the_policy(client, users, login):
    login(users["judge"])
    for new, message in (
        ("1234567", "Mật khẩu phải có từ 8 đến 128 ký tự."),
        ("x" * 129, "Mật khẩu phải có từ 8 đến 128 ký tự."),
    ):
        response = _change(client, new=new)
        assert message in response.get_data(as_text=True)
    response = _change(client, confirm="không khớp gì cả")
    assert "Mật khẩu nhập lại không khớp." in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(users["judge"].password_hash, factories.PASSWORD)
