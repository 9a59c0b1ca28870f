"""Visitors never reach a dead end: the home page lists the editions open for entries first
with the days left, an open edition's page says "Đăng ký / Nộp hồ sơ", and every page's footer
links to certificate verification."""

from __future__ import annotations

import re

from contest.contests.open_calls import open_calls, open_first
from contest.timeutil import as_utc, utcnow
from tests.entries_ui.conftest import open_edition


def days_to(edition) -> int:
    return (as_utc(edition.submission_deadline) - utcnow()).days


def test_home_lists_open_editions_first_with_their_countdowns(client, users):
    later = open_edition("technical", "stkt-mo-lau", users["organizer"], days=40)
    sooner = open_edition("youth", "ttn-sap-het", users["organizer"], days=5)
    closed = open_edition("youth", "ttn-da-dong", users["organizer"], days=-3)
    html = client.get("/").get_data(as_text=True)
    calls = html.split('data-testid="open-calls"', 1)[1]
    assert html.index('data-testid="open-calls"') < html.index('data-testid="contest-youth"')
    slugs = re.findall(r'data-testid="open-call" data-slug="([\w-]+)"', calls)
    assert slugs == [sooner.slug, later.slug]
    assert closed.slug not in calls
    assert f"còn {days_to(sooner)} ngày" in calls and f"còn {days_to(later)} ngày" in calls
    assert [c.edition.slug for c in open_calls(utcnow())] == slugs


def test_public_list_puts_open_editions_first(client, users):
    closed = open_edition("youth", "ttn-het-han", users["organizer"], days=-2)
    opened = open_edition("youth", "ttn-con-han", users["organizer"], days=30)
    assert [e.slug for e in open_first([closed, opened], utcnow())] == [opened.slug, closed.slug]
    html = client.get("/editions/").get_data(as_text=True)
    current = html.split('data-testid="current-editions"', 1)[1].split(
        'data-testid="past-editions"'
    )[0]
    assert current.index(opened.slug) < current.index(closed.slug)
    assert f"còn {days_to(opened)} ngày" in current


def test_open_edition_page_offers_to_apply(client, login, users):
    edition = open_edition("youth", "ttn-nop-ho-so", users["organizer"])
    html = client.get(f"/editions/{edition.slug}").get_data(as_text=True)
    assert "Đăng ký / Nộp hồ sơ" in html
    assert re.search(r'href="/register"[^>]*data-testid="apply"', html)
    assert f"/login?next=/my/entries/new/{edition.slug}" in html.replace("%2F", "/")
    login(users["entrant"])
    html = client.get(f"/editions/{edition.slug}").get_data(as_text=True)
    assert re.search(rf'href="/my/entries/new/{edition.slug}"[^>]*data-testid="apply"', html)


def test_closed_edition_page_does_not_offer_to_apply(client, users):
    edition = open_edition("youth", "ttn-het-nhan", users["organizer"], days=-2)
    html = client.get(f"/editions/{edition.slug}").get_data(as_text=True)
    assert 'data-testid="apply"' not in html


def test_footer_links_to_certificate_verification(client, login, users):
    for user in (None, users["entrant"], users["organizer"]):
        if user is not None:
            login(user)
        html = client.get("/").get_data(as_text=True)
        footer = html.split("<footer", 1)[1]
        assert re.search(r'href="/verify/"[^>]*data-testid="footer-verify"', footer)
