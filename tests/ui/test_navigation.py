"""The organizer's menu is short (at most six top items, grouped in dropdowns), every page
lights up the item it belongs to, and each edition's organizer pages share a sub-navigation in
the order of the season with the current section highlighted."""

from __future__ import annotations

import re

import pytest

from contest.navigation import SECTIONS, nav_entries
from tests.entries_ui.conftest import open_edition


def top_items(html: str) -> list[str]:
    """The top-level items of the navigation bar (their testids)."""
    start = html.index(">", html.index('data-testid="nav-links"'))
    block = html[start : html.index('data-testid="nav-aux"', start)]
    block = re.sub(r'<ul class="dropdown-menu">.*?</ul>', "", block, flags=re.S)
    return re.findall(r'data-testid="(nav-[\w-]+)"(?=[^<]*>[^<]*</(?:a|button)>)', block)


def active_item(html: str) -> str:
    """The testid of the highlighted top item (a link or a menu)."""
    start = html.index('data-testid="nav-links"')
    block = html[start : html.index('data-testid="nav-aux"', start)]
    found = re.findall(
        r'class="nav-link[^"]*\bactive\b[^"]*"[^>]*data-testid="([\w-]+)"',
        block,
    )
    assert len(found) == 1, found
    return found[0]


def season_nav(html: str) -> list[tuple[str, bool]]:
    """The sub-navigation's sections: (testid, highlighted)."""
    start = html.index('data-testid="season-nav"')
    block = html[start : html.index("</ul>", start)]
    return [
        (m.group(2), "active" in m.group(1))
        for m in re.finditer(r'<a class="([^"]*)"[^>]*data-testid="(section-[\w]+)"', block)
    ]


@pytest.mark.parametrize("role", ["organizer", "admin"])
def test_organizer_menu_has_at_most_six_top_items(client, login, users, role):
    login(users[role])
    html = client.get("/organizer/").get_data(as_text=True)
    items = top_items(html)
    assert 3 <= len(items) <= 6, items
    assert "nav-group-season" in items and "nav-group-results" in items
    # every organizer link is still there, inside its menu
    for testid in ("nav-editions", "nav-intake", "nav-results", "nav-publication", "nav-jobs"):
        assert f'data-testid="{testid}"' in html


def test_anonymous_visitors_keep_flat_public_links(client):
    html = client.get("/").get_data(as_text=True)
    assert top_items(html) == ["nav-public-editions", "nav-public-results"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/organizer/", "nav-organizer"),
        ("/organizer/editions/", "nav-group-season"),
        ("/organizer/entries/", "nav-group-season"),
        ("/organizer/season/{slug}", "nav-group-season"),
        ("/organizer/judging/", "nav-judging"),
        ("/organizer/results/", "nav-group-results"),
        ("/organizer/national/{slug}", "nav-group-results"),
        ("/organizer/statistics/{slug}", "nav-group-results"),
        ("/organizer/areas/", "nav-group-admin"),
    ],
)
def test_the_right_item_is_highlighted(client, login, users, path, expected):
    edition = open_edition("youth", "ttn-dieu-huong", users["organizer"])
    login(users["organizer"])
    response = client.get(path.format(slug=edition.slug))
    assert response.status_code == 200, path
    assert active_item(response.get_data(as_text=True)) == expected


def test_grouped_menu_marks_the_child_and_the_menu(app, users):
    with app.test_request_context("/organizer/national/x"):
        entries = nav_entries(users["organizer"], "/organizer/national/x")
    results = next(e for e in entries if e.testid == "nav-group-results")
    assert results.active and [c.testid for c in results.children if c.active] == ["nav-results"]
    assert not any(e.active for e in entries if e is not results)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/organizer/season/{slug}", "section-season"),
        ("/organizer/editions/{slug}", "section-settings"),
        ("/organizer/editions/{slug}/general", "section-settings"),
        ("/organizer/judging/{slug}/", "section-judging"),
        ("/organizer/results/{slug}", "section-results"),
        ("/organizer/publication/{slug}", "section-publication"),
        ("/organizer/certificates/{slug}", "section-certificates"),
        ("/organizer/national/{slug}", "section-national"),
        ("/organizer/statistics/{slug}", "section-statistics"),
    ],
)
def test_edition_pages_share_the_season_subnavigation(client, login, users, path, current):
    edition = open_edition("youth", "ttn-mua-thi", users["organizer"])
    login(users["organizer"])
    response = client.get(path.format(slug=edition.slug))
    assert response.status_code == 200, path
    sections = season_nav(response.get_data(as_text=True))
    assert [testid for testid, _ in sections] == [f"section-{s.key}" for s in SECTIONS]
    assert [testid for testid, active in sections if active] == [current]


def test_season_order_starts_with_the_cockpit():
    assert [s.key for s in SECTIONS] == [
        "season",
        "settings",
        "entries",
        "judging",
        "results",
        "publication",
        "certificates",
        "national",
        "statistics",
    ]
    assert str(SECTIONS[0].label) == "Tình hình mùa thi"
