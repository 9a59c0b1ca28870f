"""Helpers shared by the accounts tests."""

from __future__ import annotations

import re

from contest.accounts.models import LoginSession
from contest.extensions import db
from tests.factories import PASSWORD

SESSION_COOKIE = "session"
REMEMBER_COOKIE = "remember_token"


def post_login(client, email: str, password: str = PASSWORD, remember: bool = False, ip=None):
    """POST the login form (optionally from address ``ip``); return the response."""
    kwargs = {"environ_base": {"REMOTE_ADDR": ip}} if ip else {}
    return client.post(
        "/login",
        data={"email": email, "password": password, "remember": "y" if remember else ""},
        **kwargs,
    )


def login_ok(client, email: str, password: str = PASSWORD, remember: bool = False):
    """Log ``client`` in and assert it worked."""
    response = post_login(client, email, password, remember)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response


def is_logged_in(client) -> bool:
    """True when ``client`` reaches a login-only page (the profile)."""
    response = client.get("/profile")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def cookie_value(client, name: str) -> str | None:
    """The value of cookie ``name`` held by the test client."""
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def client_with_cookie(app, name: str, value: str):
    """A fresh test client holding only cookie ``name``."""
    fresh = app.test_client()
    fresh.set_cookie(name, value)
    return fresh


def session_identity(client) -> str | None:
    """The Flask-Login identity ("<user id>:<session key>") in the client's session."""
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def session_row(identity: str) -> LoginSession:
    """The LoginSession row named by an identity."""
    key = identity.partition(":")[2]
    db.session.expire_all()
    return db.session.query(LoginSession).filter_by(key=key).one()


def set_cookie_headers(response, name: str) -> list[str]:
    """The Set-Cookie header lines of ``response`` for cookie ``name``."""
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


LINK_RE = re.compile(r"https?://\S+/(reset|invitation)/([A-Za-z0-9_-]+)")


def link_from(message) -> tuple[str, str]:
    """(full link, token) of the one-time link in an e-mail message."""
    body = message.get_content()
    match = LINK_RE.search(body)
    assert match, body
    return match.group(0), match.group(2)


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, html[:500]
    return match.group(1)
