"""axe-core (WCAG 2.1 A/AA) on every GET page each role can open, in real Chromium.

The pages are those of the plain-language crawl: the access-matrix world (one user per role,
ids for every route) with every result flag, a compile job and audit entries added. Each
persona logs in through the login form and opens each of its pages; any serious or critical
violation fails the test, named with the page and the element.
"""

from __future__ import annotations

import pytest

from tests.browser_support import BLOCKING_IMPACTS, LiveServer, axe_violations
from tests.factories import PASSWORD
from tests.test_access_matrix import (  # noqa: F401 - fixtures
    MATRIX,
    PERSONAS,
    _client_for,
    _rules,
    _url,
    login_as,
    world,
)
from tests.ui.test_plain_language import _add_every_flag

pytestmark = pytest.mark.browser


def _pages_of(app, users, world, login_as, persona: str) -> list[str]:  # noqa: F811
    """The HTML pages ``persona`` may open (the admin's own pages only; the organizers' pages
    are checked for the organizer); downloads are left out."""
    client = _client_for(app, users, persona, login_as)
    urls = [
        _url(app, rule, world)
        for rule in _rules(app)
        if MATRIX[rule.endpoint].get
        and "GET" in rule.methods
        and MATRIX[rule.endpoint].expected(persona) == 200
        and not (persona == "admin" and MATRIX[rule.endpoint].expected("organizer") == 200)
        # public pages are checked once, for the visitor
        and not (persona != "anonymous" and MATRIX[rule.endpoint].expected("anonymous") == 200)
    ]
    if persona == "organizer":
        urls += extra_urls
    pages = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(url)
        response.close()  # a download's file is open until its body is closed
    return pages


extra_urls: list[str] = []


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()


@pytest.mark.slow
def test_every_page_of_every_role_passes_axe(app, users, world, login_as, chromium):  # noqa: F811
    extra_urls[:] = _add_every_flag(world, users)
    failures: list[str] = []
    checked = 0
    with LiveServer(app) as server:
        for persona in PERSONAS:
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            try:
                if persona != "anonymous":
                    _log_in(page, server.url, users[persona])
                for url in _pages_of(app, users, world, login_as, persona):
                    response = page.goto(server.url + url)
                    assert response is not None and response.status == 200, url
                    checked += 1
                    for violation in axe_violations(page):
                        if violation["impact"] in BLOCKING_IMPACTS:
                            targets = ", ".join(n["target"] for n in violation["nodes"][:3])
                            failures.append(
                                f"{persona} {url}: [{violation['impact']}] {violation['id']} "
                                f"({violation['help']}) at {targets}"
                            )
            finally:
                context.close()
    assert checked > 80, checked  # the crawl reached the pages
    assert not failures, f"{len(failures)} violations:\n" + "\n".join(failures)
