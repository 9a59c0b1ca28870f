"""Issue 15, results day: on a shared (Redis) page cache a process keeps the public pages it has
read, and a visitor without a cookie gets the cached page before Flask's request cycle
(:mod:`contest.publication.public_fast`) — the same page and headers Flask would give, a CSRF
token their new session accepts, counted in ``/metrics``. Everything else still goes through
Flask, and a correction (made by any process) is on the very next request."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from contest import page_cache
from contest.accounts.models import User
from contest.contests.models import Edition
from contest.extensions import db
from contest.publication import operations as pub
from contest.publication import public_cache, public_fast
from tests import factories
from tests.publication.public_fixtures import TECHNICAL_SLUG as SLUG
from tests.publication.public_fixtures import correct, technical_edition
from tests.services import need, redis_url

T0 = datetime(2026, 8, 10, 3, 0, tzinfo=UTC)
DAY1 = T0 + timedelta(days=1)
RESULTS = f"/results/{SLUG}"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _winners(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-testid="winner" data-code="([^"]+)" data-prize="([^"]+)"', html)


@pytest.fixture()
def shared_app(make_app, monkeypatch):
    """An app on Redis (its own key prefix and metrics key), CSRF on, the technical edition
    published; ``app.fast`` lists, per request that reached the fast path, whether it
    answered."""
    url = redis_url()
    need(url is not None, "Redis")
    tag = uuid.uuid4().hex[:10]
    app = make_app(
        REDIS_URL=url,
        PAGE_CACHE_PREFIX=f"contest-test-{tag}:",
        CELERY_QUEUE=f"contest-test-{tag}",
        WTF_CSRF_ENABLED=True,
    )
    with app.app_context():
        users = factories.one_user_per_role()
        edition = technical_edition(opens_at="2026-06-01T07:00:00+07:00")
        pub.publish(edition, users["organizer"], posting_days=15, now=T0)
        db.session.commit()
        db.session.remove()
    public_cache.forget_local()
    app.fast = []
    answer = public_fast.FastPublicPages.answer

    def spy(self, environ, started):
        response = answer(self, environ, started)
        app.fast.append(response is not None)
        return response

    monkeypatch.setattr(public_fast.FastPublicPages, "answer", spy)
    yield app
    with app.app_context():
        page_cache.clear()
    public_cache.forget_local()


def _without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrf_token" value=""', html)


def _requests_counted(app, endpoint: str) -> float:
    body = app.test_client().get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "contest_http_requests_total" and sample.labels == {
                "endpoint": endpoint,
                "method": "GET",
                "status": "200",
            }:
                return sample.value
    return 0


def test_a_visitor_without_a_cookie_gets_what_flask_would_give(shared_app):
    app = shared_app
    with time_machine.travel(DAY1, tick=False):
        rendered = app.test_client(use_cookies=False).get(RESULTS)  # Flask renders, stores
        assert app.fast == [False]
        fast = app.test_client(use_cookies=False).get(RESULTS)
        assert app.fast == [False, True]
    assert fast.status_code == rendered.status_code == 200
    # Same body (but for the visitor's own token), same headers in the same order.
    assert _without_tokens(fast.get_data(as_text=True)) == _without_tokens(
        rendered.get_data(as_text=True)
    )
    assert TOKEN.search(fast.get_data(as_text=True)).group(1) != TOKEN.search(
        rendered.get_data(as_text=True)
    ).group(1)
    assert [k for k, _v in fast.headers] == [k for k, _v in rendered.headers]
    for name, value in rendered.headers:
        if name == "Set-Cookie":
            assert fast.headers["Set-Cookie"].split(";")[1:] == value.split(";")[1:]
        else:
            assert fast.headers[name] == value, name
    assert fast.headers["Vary"] == "Cookie"
    assert "__contest_csrf_token" not in fast.get_data(as_text=True)
    # Both requests are in /metrics, under the page's endpoint.
    assert _requests_counted(app, "public_results.edition") == 2


def test_the_token_of_a_fast_answer_is_accepted_by_the_language_switch(shared_app):
    app = shared_app
    with time_machine.travel(DAY1, tick=False):
        app.test_client().get(RESULTS)  # stored, and held by this process
        visitor = app.test_client()
        page = visitor.get(RESULTS).get_data(as_text=True)
        assert app.fast[-1] is True
        switched = visitor.post(
            "/lang/en", data={"csrf_token": TOKEN.search(page).group(1), "next": RESULTS}
        )
        assert switched.status_code == 302
        english = visitor.get(RESULTS).get_data(as_text=True)  # has a cookie now: Flask
    assert '<html lang="en">' in english and '<html lang="vi">' in page
    assert _winners(english) == _winners(page)


def test_everything_else_goes_to_flask(shared_app, monkeypatch):
    app = shared_app
    with app.app_context():
        organizer = db.session.scalar(db.select(User).where(User.email.like("organizer%")))
        email = organizer.email
    with time_machine.travel(DAY1, tick=False):
        app.test_client().get(RESULTS)
        calls = len(app.fast)
        # A query string, another method: not even tried.
        app.test_client(use_cookies=False).get(RESULTS + "?x=1")
        app.test_client(use_cookies=False).head(RESULTS)
        assert len(app.fast) == calls
        # A logged-in visitor who only has the remember-me cookie gets their own page.
        member = app.test_client()
        login_page = member.get("/login").get_data(as_text=True)
        member.post(
            "/login",
            data={
                "email": email,
                "password": factories.PASSWORD,
                "remember": "y",
                "csrf_token": TOKEN.search(login_page).group(1),
            },
        )
        assert member.get_cookie("remember_token") is not None
        member.delete_cookie("session")
        calls = len(app.fast)
        mine = member.get(RESULTS).get_data(as_text=True)
        assert len(app.fast) == calls  # a remember-me cookie: Flask
        assert 'data-testid="logout"' in mine and 'data-testid="nav-login"' not in mine
        # A page this process does not hold yet: Flask reads it from Redis, then it is held.
        public_cache.forget_local()
        app.test_client(use_cookies=False).get(RESULTS)
        app.test_client(use_cookies=False).get(RESULTS)
        assert app.fast[-2:] == [False, True]
        # The edition page too.
        app.test_client(use_cookies=False).get(f"/editions/{SLUG}")
        edition_page = app.test_client(use_cookies=False).get(f"/editions/{SLUG}")
        assert app.fast[-1] is True and edition_page.status_code == 200
        # Unknown pages and other URLs: Flask (404 as before).
        assert app.test_client(use_cookies=False).get("/results/no-such").status_code == 404


def test_without_redis_nothing_is_answered_early(make_app, monkeypatch):
    app = make_app()
    with app.app_context():
        users = factories.one_user_per_role()
        edition = technical_edition(opens_at="2026-06-01T07:00:00+07:00")
        pub.publish(edition, users["organizer"], posting_days=15, now=T0)
        db.session.commit()
        db.session.remove()
    answered = []
    answer = public_fast.FastPublicPages.answer
    monkeypatch.setattr(
        public_fast.FastPublicPages,
        "answer",
        lambda self, e, s: answered.append(answer(self, e, s)) or answered[-1],
    )
    with time_machine.travel(DAY1, tick=False):
        for _ in range(2):
            assert app.test_client(use_cookies=False).get(RESULTS).status_code == 200
    assert answered == [None, None]


def test_a_correction_made_by_another_process_is_on_the_next_request(shared_app, make_app):
    """The process keeps its copy of the page; another process publishes a correction; the
    next cookie-less request (fast path) and the next request with a cookie (Flask) both
    show it."""
    app = shared_app
    other = make_app(
        REDIS_URL=app.config["REDIS_URL"],
        PAGE_CACHE_PREFIX=app.config["PAGE_CACHE_PREFIX"],
        CELERY_QUEUE=app.config["CELERY_QUEUE"],
    )
    with time_machine.travel(DAY1, tick=False):
        first = app.test_client(use_cookies=False).get(RESULTS).get_data(as_text=True)
        app.test_client(use_cookies=False).get(RESULTS)
        assert app.fast[-1] is True  # held by this process
        with_cookie = app.test_client()
        with_cookie.get(RESULTS)
        with other.app_context():
            edition = db.session.scalar(db.select(Edition).where(Edition.slug == SLUG))
            organizer = db.session.scalar(db.select(User).where(User.email.like("organizer%")))
            correct(edition, organizer, now=DAY1 + timedelta(hours=1))
            db.session.remove()
        after = app.test_client(use_cookies=False).get(RESULTS).get_data(as_text=True)
        assert app.fast[-1] is False  # the held copy is stale: not used
        again = with_cookie.get(RESULTS).get_data(as_text=True)
    assert ("T3", "second") in _winners(after) and ("T3", "second") not in _winners(first)
    assert _winners(again) == _winners(after)


def test_a_cleared_cache_is_never_answered_from_a_held_copy(shared_app):
    """A change made outside the application (a restored database) followed by clearing the
    cache: the copy a process still holds is not used, even though the generation starts
    again from zero."""
    app = shared_app
    with time_machine.travel(DAY1, tick=False):
        app.test_client(use_cookies=False).get(f"/editions/{SLUG}")
        before = app.test_client(use_cookies=False).get(f"/editions/{SLUG}")
        assert app.fast[-1] is True
        with app.app_context():
            db.session.execute(
                text("UPDATE editions SET title = 'Hội thi đã khôi phục' WHERE slug = :s"),
                {"s": SLUG},
            )
            db.session.commit()
            backend = page_cache.get_cache().cache
            generation = int(backend.get(public_cache.GENERATION_KEY) or 0)
            assert generation > 0
            page_cache.clear()
            # Later changes bring the generation back to the number the held copy carries.
            backend.inc(public_cache.GENERATION_KEY, generation)
            db.session.remove()
        after = app.test_client(use_cookies=False).get(f"/editions/{SLUG}")
    assert "Hội thi đã khôi phục" not in before.get_data(as_text=True)
    assert "Hội thi đã khôi phục" in after.get_data(as_text=True)
