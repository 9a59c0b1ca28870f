"""The progress component in real Chromium: the bar follows the job and the page shows the
result when the job is done, without breaking the CSP."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from contest.extensions import db
from contest.jobs.models import Job
from contest.jobs.operations import Progress
from contest.timeutil import utcnow
from tests import factories
from tests.jobs.helpers import add_job, sign_in

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture()
def served(make_app):
    """The app (CSRF on) served on a free port by a background thread."""
    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture()
def browser_page(chromium):
    """A page in headless Debian Chromium, with the console errors it logs."""
    context = chromium.new_context(locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    # Failed requests are checked by URL (the browser's own /favicon.ico may 404).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors
    context.close()


def test_progress_bar_follows_the_job_and_shows_the_result(served, browser_page):
    from playwright.sync_api import expect

    app, base_url = served
    page, errors = browser_page
    client = app.test_client()
    with app.app_context():
        organizer = factories.make_user(email="btc@example.vn", roles=("organizer",))
        sign_in(client, organizer)
        job = add_job(created_by_id=organizer.id, status="running", total=4, started_at=utcnow())
        job_id = job.id
        cookie = client.get_cookie("session")
        page.context.add_cookies([{"name": "session", "value": cookie.value, "url": base_url}])

        page.goto(f"{base_url}/jobs/{job_id}")
        bar = page.locator("[data-job-bar]")
        assert bar.inner_text() == "0%"
        assert page.locator("[data-job-progress]").get_attribute("data-watching") == "true"

        Progress(job_id, 4)(2, message="Đang đếm dữ liệu…")  # what a worker would report
        expect(bar).to_have_text("50%", timeout=5000)  # (wait_for_function would need eval)
        assert bar.evaluate("el => el.style.width") == "50%"
        assert page.locator("[data-job-message]").inner_text() == "Đang đếm dữ liệu…"
        assert page.locator("[data-job-track]").get_attribute("aria-valuenow") == "50"

        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(
                    status="succeeded",
                    progress=4,
                    finished_at=utcnow(),
                    result={"database": {"ok": True, "dialect": "sqlite"}, "counts": {"users": 1}},
                )
            )
        page.wait_for_selector('[data-testid="job-result"]', timeout=5000)  # page reloaded
        assert page.locator("[data-job-progress]").get_attribute("data-done") == "true"
        assert "Hoàn thành" in page.locator("[data-job-status]").inner_text()
        assert "bg-success" in bar.get_attribute("class")
        assert "progress-bar-animated" not in bar.get_attribute("class")
        db.session.remove()
    assert errors == []  # no CSP violation, no script error
