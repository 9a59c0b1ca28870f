"""With CSRF protection on (as in production), every form of the entry pages carries its token:
the writes go through with the page's token and are refused without it."""

from __future__ import annotations

import re

import pytest

from contest.entries.models import Entry
from contest.extensions import db
from tests import factories
from tests.entries_ui.conftest import make_entry, text_of


def token(page: str) -> str:
    """The CSRF token of a page."""
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


@pytest.fixture()
def csrf_client(make_app):
    """``csrf_client(user)``: a client of an app with CSRF on, logged in as ``user``."""

    def _client(user):
        client = make_app(WTF_CSRF_ENABLED=True).test_client()
        page = text_of(client.get("/login"))
        response = client.post(
            "/login",
            data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token(page)},
        )
        assert response.status_code == 302
        return client

    return _client


def status_of(entry) -> str:
    db.session.expire_all()
    return db.session.get(Entry, entry.id).status


def test_entrant_forms_carry_their_token(csrf_client, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"])
    client = csrf_client(people["entrant"])
    url = f"/my/entries/{entry.id}/submit"
    assert client.post(url, data={"version": entry.version}).status_code == 400
    assert status_of(entry) == "draft"
    review = text_of(client.get(f"/my/entries/{entry.id}/review"))
    response = client.post(url, data={"version": entry.version, "csrf_token": token(review)})
    assert response.status_code == 302 and status_of(entry) == "submitted"
    authors = text_of(client.get(f"/my/entries/{entry.id}/authors"))
    assert 'name="csrf_token"' in authors


def test_intake_forms_carry_their_token(csrf_client, people, youth, tree):
    first = make_entry(youth, people["entrant"], tree["yen_son"], submit=True)
    second = make_entry(youth, people["other"], tree["ham_yen"], title="Thứ hai", submit=True)
    client = csrf_client(people["organizer"])
    detail = text_of(client.get(f"/organizer/entries/{first.id}"))
    data = {"version": first.version, "reason": "Trùng đề tài"}
    assert client.post(f"/organizer/entries/{first.id}/reject", data=data).status_code == 400
    assert status_of(first) == "submitted"
    data["csrf_token"] = token(detail)
    assert client.post(f"/organizer/entries/{first.id}/reject", data=data).status_code == 302
    assert status_of(first) == "rejected"
    listing = text_of(client.get("/organizer/entries/"))
    data = {"action": "receive", "ids": [second.id], "csrf_token": token(listing)}
    assert client.post("/organizer/entries/bulk", data=data).status_code == 302
    assert status_of(second) == "received"
    assert 'name="csrf_token"' in text_of(client.get("/organizer/entries/import"))
