"""The API documentation page in Chromium: Swagger UI renders the description from the
vendored assets under the page's CSP (no request leaves the server), with no serious or
critical axe-core violation."""

from __future__ import annotations

import pytest

from tests.browser_support import BLOCKING_IMPACTS, axe_violations, describe_violations

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_every_operation_offline_and_accessibly(live_server, page):
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 20
    assert page.get_by_text("/api/v1/entries", exact=True).count() >= 1
    assert outside == [] and missing == []
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe_violations(blocking)
