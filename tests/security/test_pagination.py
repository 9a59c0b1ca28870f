"""Page numbers from the URL are clamped to the existing pages: a huge, zero, negative or
garbled ``page`` shows the first or last page, never an error (a huge offset overflows the
database's integers)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.accounts.models import User
from contest.extensions import db
from contest.pagination import clamp_page

HUGE = "99999999999999999999"

LIST_PAGES = [
    ("anonymous", "/editions/"),
    ("anonymous", "/results/"),
    ("organizer", "/jobs/"),
    ("organizer", "/organizer/editions/"),
    ("organizer", "/organizer/editions/{slug}/audit"),
    ("organizer", "/organizer/entries/"),
    ("coordinator", "/coordinator/entries/"),
    ("organizer", "/organizer/publication/"),
    ("organizer", "/organizer/publication/{slug}/complaints"),
    ("entrant", "/complaints/"),
    ("organizer", "/organizer/certificates/"),
    ("organizer", "/organizer/certificates/{slug}"),
]


@pytest.mark.parametrize(
    ("page", "total", "per_page", "expected"),
    [
        (1, 0, 25, 1),
        (5, 0, 25, 1),
        (0, 100, 25, 1),
        (-3, 100, 25, 1),
        (None, 100, 25, 1),
        (4, 100, 25, 4),
        (5, 100, 25, 4),
        (5, 101, 25, 5),
        (10**20, 101, 25, 5),
    ],
)
def test_clamp_page(page, total, per_page, expected):
    assert clamp_page(page, total, per_page) == expected


def test_paginate_clamps_to_the_last_page(app, users):
    stmt = select(User).order_by(User.id)
    page = db.paginate(stmt, page=10**20, per_page=2)
    assert page.page == 3 and page.pages == 3 and page.total == 5
    assert [u.email for u in page.items] == [users["entrant"].email]
    assert not page.has_next and page.has_prev
    assert db.paginate(stmt, page=-7, per_page=2).page == 1


@pytest.mark.parametrize(("persona", "url"), LIST_PAGES)
def test_list_pages_accept_any_page_number(client, login, world, persona, url):
    if persona != "anonymous":
        login(world["users"][persona])
    url = url.format(slug=world["edition"].slug)
    for value in (HUGE, "-" + HUGE, "0", "abc", "1e9", "2"):
        response = client.get(f"{url}?page={value}")
        assert response.status_code == 200, (url, value, response.status_code)
