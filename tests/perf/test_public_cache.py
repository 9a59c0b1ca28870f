"""Issue 15: the public results and edition pages are cached for visitors who are not logged
in, keyed by the published version and the language — a correction (a new published
version) is on the very next request, a language switch never gets the other language's
page, and each visitor gets their own CSRF token in a cached page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import time_machine

from contest import page_cache
from contest.extensions import db
from contest.publication import operations as pub
from tests import factories
from tests.perf.helpers import counting
from tests.publication.public_fixtures import TECHNICAL_SLUG as SLUG
from tests.publication.public_fixtures import correct, technical_edition
from tests.services import need, redis_url

T0 = datetime(2026, 8, 10, 3, 0, tzinfo=UTC)


def _winners(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-testid="winner" data-code="([^"]+)" data-prize="([^"]+)"', html)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _publish(users):
    edition = technical_edition(opens_at="2026-06-01T07:00:00+07:00")
    pub.publish(edition, users["organizer"], posting_days=15, now=T0)
    db.session.commit()
    return edition


def test_a_correction_is_visible_on_the_next_request(client, users):
    edition = _publish(users)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        with counting() as rendered:
            first = client.get(f"/results/{SLUG}").get_data(as_text=True)
        with counting() as cached:
            again = client.get(f"/results/{SLUG}").get_data(as_text=True)
        assert _winners(again) == _winners(first)
        # Served from the cache: one plain statement (the edition and its newest version),
        # never the version's entries (the page itself is not rebuilt).
        assert not any("published_entries" in s for s in cached.statements), cached.report()
        assert cached.count == 1 < rendered.count, cached.report()
        v2 = correct(edition, users["organizer"], now=T0 + timedelta(days=1, hours=1))
        after = client.get(f"/results/{SLUG}").get_data(as_text=True)
    assert ("T3", "second") in _winners(after) and ("T3", "second") not in _winners(first)
    assert f"/results/{SLUG}/v/{v2.version}" not in first
    # The old version's own page now says it was replaced.
    with time_machine.travel(T0 + timedelta(days=1, hours=2), tick=False):
        old = client.get(f"/results/{SLUG}/v/1").get_data(as_text=True)
    assert 'data-testid="superseded' in old or "thay thế" in old


def test_the_language_is_part_of_the_key(client, users, make_app):
    _publish(users)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        vi = client.get(f"/results/{SLUG}").get_data(as_text=True)
        assert '<html lang="vi">' in vi
        client.post("/lang/en", data={"next": f"/results/{SLUG}"})
        en = client.get(f"/results/{SLUG}").get_data(as_text=True)
        assert '<html lang="en">' in en
        client.post("/lang/vi", data={"next": f"/results/{SLUG}"})
        back = client.get(f"/results/{SLUG}").get_data(as_text=True)
    assert '<html lang="vi">' in back
    assert _winners(vi) == _winners(en) == _winners(back)


def test_each_visitor_gets_their_own_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        _publish(factories.one_user_per_role())
        db.session.remove()
    # Requests outside the set-up's app context: each has its own ``g`` (as in production).
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        one, two = app.test_client(), app.test_client()
        first = one.get(f"/results/{SLUG}").get_data(as_text=True)
        second = two.get(f"/results/{SLUG}").get_data(as_text=True)
        assert _token(first) and _token(second) and _token(first) != _token(second)
        assert "__contest_csrf_token" not in second
        # The second visitor's cached page carries a token their session accepts.
        switched = two.post(
            "/lang/en", data={"csrf_token": _token(second), "next": f"/results/{SLUG}"}
        )
        assert switched.status_code == 302
        assert '<html lang="en">' in two.get(f"/results/{SLUG}").get_data(as_text=True)


def test_logged_in_visitors_and_edition_pages(client, login, users):
    edition = _publish(users)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        anonymous = client.get(f"/editions/{SLUG}").get_data(as_text=True)
        assert 'data-testid="nav-login"' in anonymous
        login(users["organizer"])
        mine = client.get(f"/results/{SLUG}").get_data(as_text=True)
        assert 'data-testid="nav-login"' not in mine and 'data-testid="logout"' in mine
        page = client.get(f"/editions/{SLUG}").get_data(as_text=True)
        assert 'data-testid="logout"' in page
        # An edit of the edition is on the next anonymous request.
        client.post("/logout")
        edition.title = "Hội thi đã đổi tên"  # the edition's version counter moves on flush
        db.session.commit()
        renamed = client.get(f"/editions/{SLUG}").get_data(as_text=True)
    assert "Hội thi đã đổi tên" in renamed


def test_on_redis_a_hit_reads_no_database_and_a_correction_shows_next(make_app):
    """Generation mode: the page cache on Redis, a commit that changes an edition or a
    publication bumps the generation; a hit costs one Redis round trip and no SQL."""
    url = redis_url()
    need(url is not None, "Redis")
    app = make_app(REDIS_URL=url, PAGE_CACHE_PREFIX=f"contest-test-{uuid.uuid4().hex[:8]}:")
    with app.app_context():
        users = factories.one_user_per_role()
        edition = _publish(users)
        client = app.test_client()
        with time_machine.travel(T0 + timedelta(days=1), tick=False):
            first = client.get(f"/results/{SLUG}").get_data(as_text=True)
            with counting() as hit:
                assert client.get(f"/results/{SLUG}").get_data(as_text=True) == first
            assert hit.count == 0, hit.report()
            page = client.get(f"/editions/{SLUG}").get_data(as_text=True)
            with counting() as hit:
                client.get(f"/editions/{SLUG}")
            assert hit.count == 0, hit.report()
            correct(edition, users["organizer"], now=T0 + timedelta(days=1, hours=1))
            after = client.get(f"/results/{SLUG}").get_data(as_text=True)
            edition.title = "Hội thi đã đổi tên"
            db.session.commit()
            renamed = client.get(f"/editions/{SLUG}").get_data(as_text=True)
        page_cache.clear()
    assert ("T3", "second") in _winners(after) and ("T3", "second") not in _winners(first)
    assert "Hội thi đã đổi tên" in renamed and "Hội thi đã đổi tên" not in page
