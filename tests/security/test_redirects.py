"""Every ``next`` and referrer the service follows goes through one helper that keeps
same-site paths only."""

from __future__ import annotations

import pytest

from contest.redirects import back_to, safe_next

FOREIGN = [
    "////evil.example",
    "///evil.example",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "https://evil.example/",
    "http://localhost@evil.example/",
    "https:evil.example",
    "http:///evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "evil.example",
    "profile",
    "/ok\r\nSet-Cookie: x=1",
    "/a\x00b",
    "/a\x7fb",
    "",
    None,
]
KEPT = [
    ("/", "/"),
    ("/organizer/?page=2", "/organizer/?page=2"),
    ("/results/?q=Nguy%E1%BB%85n", "/results/?q=Nguy%E1%BB%85n"),
    ("http://localhost/profile", "/profile"),
    ("/my/entries/3#files", "/my/entries/3"),
]


@pytest.mark.parametrize("target", FOREIGN)
def test_foreign_targets_are_refused(app, target):
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_next(target) is None
        assert back_to(target, default="/home") == "/home"


@pytest.mark.parametrize(("target", "expected"), KEPT)
def test_same_site_paths_are_kept(app, target, expected):
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_next(target) == expected


def _location(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("target", ["////evil.example", "/\\evil.example", "https://evil.example"])
def test_language_switch_stays_on_the_site(client, target):
    location = _location(client.post("/lang/vi", data={"next": target}))
    assert location == "/"


def test_language_switch_ignores_a_foreign_referrer(client):
    response = client.post("/lang/en", headers={"Referer": "https://evil.example/x"})
    assert _location(response) == "/"


def test_language_switch_goes_back(client):
    assert _location(client.post("/lang/vi", data={"next": "/editions/?q=a"})) == "/editions/?q=a"
    response = client.post("/lang/vi", headers={"Referer": "http://localhost/results/"})
    assert _location(response) == "/results/"


def test_login_next_stays_on_the_site(client, users):
    response = client.post(
        "/login?next=////evil.example",
        data={"email": users["entrant"].email, "password": "mật khẩu đúng 123"},
    )
    assert "evil.example" not in _location(response)


def test_area_move_back_stays_on_the_site(client, login, users):
    from contest.areas.models import Area
    from contest.extensions import db

    login(users["organizer"])
    area = db.session.scalars(db.select(Area).where(Area.name == "Yên Sơn")).one()
    for target in ("/organizer/areas////evil.example", "/organizer/areas/\\evil.example"):
        location = _location(
            client.post(f"/organizer/areas/{area.id}/move/up", data={"next": target})
        )
        assert "evil.example" not in location
