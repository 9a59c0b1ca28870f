"""The page cache (issue 15) on Redis when ``REDIS_URL`` is set, in-process otherwise; a
Redis that is down is skipped, never an error."""

from __future__ import annotations

import uuid

from contest import page_cache
from tests.services import need, port_free, redis_url


def test_redis_backs_the_cache_and_is_shared_between_apps(make_app):
    url = redis_url()
    need(url is not None, "Redis")
    prefix = f"contest-test-{uuid.uuid4().hex[:8]}:"
    one = make_app(REDIS_URL=url, PAGE_CACHE_PREFIX=prefix)
    two = make_app(REDIS_URL=url, PAGE_CACHE_PREFIX=prefix)
    with one.app_context():
        assert type(page_cache.get_cache().cache).__name__ == "RedisCache"
        page_cache.put("k", {"html": "trang"})
    with two.app_context():  # another process would see it the same way
        assert page_cache.get("k") == {"html": "trang"}
        page_cache.clear()
        assert page_cache.get("k") is None


def test_without_redis_the_cache_is_in_process(app):
    assert type(page_cache.get_cache().cache).__name__ == "SimpleCache"
    built = []
    assert page_cache.cached("x", lambda: built.append(1) or "v") == "v"
    assert page_cache.cached("x", lambda: built.append(1) or "w") == "v"
    assert built == [1]


def test_a_redis_that_is_down_is_skipped(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port_free()}/0")
    with app.app_context():
        page_cache.put("k", "v")  # no error
        assert page_cache.get("k") is None
        assert page_cache.cached("k", lambda: "built") == "built"
