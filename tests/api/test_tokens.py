"""Personal access tokens: created on the profile page and shown once, stored as a hash,
scope, expiry, revocation, last use, and who may hold them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from contest.api import tokens
from contest.api.models import ApiToken
from contest.extensions import db
from contest.timeutil import utcnow


def test_the_profile_creates_a_token_shown_once_and_stores_only_its_hash(world, client, login):
    login(world["users"]["organizer"])
    page = client.get("/profile").get_data(as_text=True)
    assert 'data-testid="profile-api-tokens"' in page
    answer = client.post(
        "/profile/api-tokens", data={"name": "Công cụ tỉnh", "scope": "read", "days": "90"}
    )
    assert answer.status_code == 201
    assert answer.headers["Cache-Control"] == "no-store"
    text = answer.get_data(as_text=True)
    secret = text.split('data-testid="api-token-secret"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert secret.startswith("ctk_") and len(secret) > 40
    row = db.session.scalars(select(ApiToken)).one()
    assert row.digest == tokens.digest(secret) and secret not in (row.digest, row.prefix)
    assert row.scope == "read" and row.name == "Công cụ tỉnh"
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
    # Listed on the profile afterwards, never with its secret.
    page = client.get("/profile").get_data(as_text=True)
    assert "Công cụ tỉnh" in page and secret not in page
    # The secret works.
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json["scope"] == "read"


def test_entrants_may_not_hold_tokens(world, client, login):
    login(world["users"]["entrant"])
    assert 'data-testid="profile-api-tokens"' not in client.get("/profile").get_data(as_text=True)
    assert (
        client.post(
            "/profile/api-tokens", data={"name": "x", "scope": "read", "days": "30"}
        ).status_code
        == 403
    )
    with pytest.raises(tokens.TokenRefused):
        tokens.create_token(world["users"]["entrant"], "x", "read", 30)
    assert db.session.scalars(select(ApiToken)).all() == []


@pytest.mark.parametrize(
    ("name", "scope", "days"),
    [
        ("", "read", 30),
        ("x" * 101, "read", 30),
        ("ok", "admin", 30),
        ("ok", "read", 0),
        ("ok", "read", 400),
    ],
)
def test_invalid_token_requests_are_refused(world, name, scope, days):
    with pytest.raises(tokens.TokenRefused):
        tokens.create_token(world["users"]["judge"], name, scope, days)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_revoked_token_is_refused(world, call, token_for, client, login):
    secret = token_for("organizer")
    assert call("GET", "/api/v1/me", secret).status_code == 200
    row = db.session.scalars(select(ApiToken)).one()
    login(world["users"]["organizer"])
    assert client.post(f"/profile/api-tokens/{row.id}/revoke").status_code == 302
    answer = call("GET", "/api/v1/me", secret)
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert answer.json["type"] == "urn:contest:problem:invalid-token"


def test_only_the_owner_revokes_a_token(world, token_for, client, login):
    token_for("organizer")
    row = db.session.scalars(select(ApiToken)).one()
    login(world["users"]["judge"])
    assert client.post(f"/profile/api-tokens/{row.id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is None


def test_an_expired_token_is_refused(world, call, token_for):
    secret = token_for("organizer", days=1)
    assert call("GET", "/api/v1/me", secret).status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=1, seconds=1), tick=False):
        assert call("GET", "/api/v1/me", secret).status_code == 401


def test_a_token_stops_working_when_its_owner_is_disabled_or_loses_the_role(world, call, token_for):
    secret = token_for("coordinator")
    assert call("GET", "/api/v1/me", secret).status_code == 200
    user = world["users"]["coordinator"]
    user.is_active_account = False
    db.session.commit()
    assert call("GET", "/api/v1/me", secret).status_code == 401
    user.is_active_account = True
    user.roles.clear()
    db.session.commit()
    assert call("GET", "/api/v1/me", secret).status_code == 401


@pytest.mark.parametrize("header", ["Bearer ctk_unknown", "Bearer", "Basic abc", "Bearer abc"])
def test_bad_authorization_headers_are_401(world, client, header):
    answer = client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401
    assert "Bearer" in answer.headers["WWW-Authenticate"]


def test_last_use_is_recorded(world, call, token_for):
    secret = token_for("judge")
    row = db.session.scalars(select(ApiToken)).one()
    assert row.last_used_at is None
    call("GET", "/api/v1/me", secret, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    db.session.expire_all()
    row = db.session.get(ApiToken, row.id)
    assert row.last_used_at is not None and row.last_used_ip == "10.1.2.3"


def test_a_read_token_cannot_write(world, call, token_for):
    secret = token_for("organizer", scope="read")
    answer = call("POST", "/api/v1/editions", secret, json={"slug": "x"})
    assert answer.status_code == 403
    assert answer.json["type"] == "urn:contest:problem:read-only-token"


def test_a_token_request_sets_no_session_cookie(world, call, token_for):
    answer = call("GET", "/api/v1/me", token_for("organizer"))
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers


def test_a_session_does_not_authenticate_the_api(world, client, login):
    login(world["users"]["organizer"])
    assert client.get("/api/v1/me").status_code == 401
