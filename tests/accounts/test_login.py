"""Logging in and out: generic errors, redirects, new sessions, replayed cookies, CSRF."""

from __future__ import annotations

from sqlalchemy import func, select

from contest.accounts.models import LoginAttempt, LoginSession, Role
from contest.accounts.views import safe_next
from contest.extensions import db
from tests import factories

from .helpers import (
    REMEMBER_COOKIE,
    SESSION_COOKIE,
    client_with_cookie,
    cookie_value,
    csrf_token_from,
    is_logged_in,
    login_ok,
    post_login,
    session_identity,
    session_row,
    set_cookie_headers,
)


def test_login_page_renders_in_vietnamese(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đăng nhập" in html and "Mật khẩu" in html and "Quên mật khẩu?" in html


def test_login_redirects_home_and_records_session(client, users):
    response = login_ok(client, users["judge"].email)
    assert response.headers["Location"].endswith("/home")
    identity = session_identity(client)
    row = session_row(identity)
    assert row.user_id == users["judge"].id and row.revoked_at is None
    assert is_logged_in(client)


def test_login_accepts_email_in_any_case_with_spaces(client, users):
    login_ok(client, "  JUDGE@Example.VN ")
    assert is_logged_in(client)


def test_wrong_password_unknown_email_and_inactive_account_look_the_same(app, users):
    inactive = factories.make_user("locked@example.vn", active=False)
    bodies = []
    for email, password in (
        (users["judge"].email, "sai mật khẩu rồi"),
        ("nobody@example.vn", factories.PASSWORD),
        (inactive.email, factories.PASSWORD),
    ):
        client = app.test_client()
        response = post_login(client, email, password)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "E-mail hoặc mật khẩu không đúng." in html
        bodies.append(html.replace(email, ""))
        assert not is_logged_in(client)
    assert bodies[0] == bodies[1] == bodies[2]


def test_invited_user_without_password_cannot_log_in(client):
    user = factories.make_user("nopass@example.vn", roles=(Role.JUDGE,), password=None)
    response = post_login(client, user.email, "")
    assert response.status_code == 200  # the form refuses an empty password
    response = post_login(client, user.email, "bất kỳ mật khẩu nào")
    assert "E-mail hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_every_attempt_is_recorded(client, users):
    post_login(client, users["judge"].email, "sai mật khẩu rồi")
    login_ok(client, users["judge"].email)
    rows = db.session.execute(select(LoginAttempt).order_by(LoginAttempt.id)).scalars().all()
    assert [(r.email, r.success) for r in rows] == [
        ("judge@example.vn", False),
        ("judge@example.vn", True),
    ]


def test_next_is_followed_only_for_same_site_paths(client, users):
    response = client.post(
        "/login?next=/profile",
        data={"email": users["judge"].email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/profile"
    client.post("/logout")
    response = client.post(
        "/login?next=//evil.example/steal",
        data={"email": users["judge"].email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"].endswith("/home")


def test_safe_next_rejects_other_sites(app):
    with app.test_request_context("/login", base_url="http://localhost"):
        assert safe_next("/organizer/?page=2") == "/organizer/?page=2"
        assert safe_next("http://localhost/profile") == "/profile"
        for bad in (
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "profile",
            "http://evil.example/profile",
            "/ok\r\nSet-Cookie: x=1",
            "",
            None,
        ):
            assert safe_next(bad) is None, bad


def test_login_starts_a_new_session_and_drops_old_values(client, users):
    with client.session_transaction() as sess:
        sess["planted"] = "giá trị trước khi đăng nhập"
        sess["_user_id"] = f"{users['judge'].id}:forged-key"
    login_ok(client, users["judge"].email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        first = sess["_user_id"]
    assert first != f"{users['judge'].id}:forged-key"
    # Logging in again (even while logged in) gives another key and ends the first one.
    login_ok(client, users["judge"].email)
    second = session_identity(client)
    assert second != first
    assert session_row(first).revoked_at is not None
    assert session_row(second).revoked_at is None


def test_logout_is_post_only(client, users):
    login_ok(client, users["judge"].email)
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_logout_makes_a_replayed_session_cookie_anonymous(app, client, users):
    login_ok(client, users["judge"].email)
    old_cookie = cookie_value(client, SESSION_COOKIE)
    # The copied cookie works before logout ...
    assert is_logged_in(client_with_cookie(app, SESSION_COOKIE, old_cookie))
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert not is_logged_in(client)
    # ... and is anonymous after it.
    assert not is_logged_in(client_with_cookie(app, SESSION_COOKIE, old_cookie))
    assert (
        db.session.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.revoked_at.is_(None))
        )
        == 0
    )


def test_logout_makes_a_replayed_remember_cookie_anonymous(app, client, users):
    login_ok(client, users["judge"].email, remember=True)
    remember = cookie_value(client, REMEMBER_COOKIE)
    assert remember
    # The remember-me cookie alone logs a fresh browser in ...
    assert is_logged_in(client_with_cookie(app, REMEMBER_COOKIE, remember))
    response = client.post("/logout")
    # ... logout deletes it from this browser ...
    deleted = set_cookie_headers(response, REMEMBER_COOKIE)
    assert deleted and "1970" in deleted[0]
    # ... and a copy replayed elsewhere is anonymous.
    assert not is_logged_in(client_with_cookie(app, REMEMBER_COOKIE, remember))


def test_cookie_flags_default(client, users):
    response = login_ok(client, users["judge"].email, remember=True)
    for name in (SESSION_COOKIE, REMEMBER_COOKIE):
        (header,) = set_cookie_headers(response, name)
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
        assert "Secure" not in header  # plain HTTP in development


def test_cookie_flags_secure_in_production_settings(make_app, users):
    app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    response = post_login(client, users["judge"].email, remember=True)
    assert response.status_code == 302
    for name in (SESSION_COOKIE, REMEMBER_COOKIE):
        (header,) = set_cookie_headers(response, name)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Strict-Transport-Security" in response.headers


def test_security_headers_on_the_login_page(client):
    response = client.get("/login")
    csp = {
        part.strip().split()[0]: part.strip().split()[1:]
        for part in response.headers["Content-Security-Policy"].split(";")
        if part.strip()
    }
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src and "'unsafe-inline'" not in script_src
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    # No inline script on the page: every <script> loads a file.
    assert html.count("<script") == html.count("<script src=")


def test_csrf_login_without_token_is_rejected(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = post_login(client, users["judge"].email)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert session_identity(client) is None


def test_csrf_logout_without_token_is_rejected(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": users["judge"].email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    response = client.post("/logout")
    assert response.status_code == 400
    assert is_logged_in(client)
    assert session_row(session_identity(client)).revoked_at is None
    # With the token the logout goes through.
    token = csrf_token_from(client.get("/profile").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(client)
