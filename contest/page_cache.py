"""A small cache for what is expensive to build and immutable once its key is known (public pages
are read far more often than they change): rendered public results and edition pages of a published
version, the publication page's preview of a run.

Flask-Caching on Redis when ``REDIS_URL`` is set (shared by every gunicorn worker), else an
in-process ``SimpleCache``; ``PAGE_CACHE_TYPE`` overrides (``NullCache`` switches it off).
Every key carries what makes the value unique (a publication id and version, a language, a
run and its decisions), so nothing is ever invalidated by hand: a correction is a new
version, hence a new key, visible on the next request. A cache that fails (Redis down) is
skipped: the value is built as if it were absent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from flask_caching import Cache

log = logging.getLogger(__name__)

_EXTENSION = "contest_page_cache"
#: Values live a day at most (they are also replaced whenever their key changes).
DEFAULT_TIMEOUT = 24 * 3600
_MISSING = object()


def _make(app: Flask) -> Cache:
    kind = app.config.get("PAGE_CACHE_TYPE")
    redis_url = app.config.get("REDIS_URL")
    config: dict[str, Any] = {
        "CACHE_DEFAULT_TIMEOUT": int(app.config.get("PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT)),
        "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_PREFIX", "contest:page:"),
    }
    if kind:
        config["CACHE_TYPE"] = kind
    elif redis_url:
        config.update(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=redis_url,
            CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        )
    else:
        config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=2000)
    cache = Cache(config=config)
    cache.init_app(app, config=config)
    return cache


def get_cache(app: Flask | None = None) -> Cache:
    """The app's cache (made on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    cache = app.extensions.get(_EXTENSION)
    if cache is None:
        cache = app.extensions[_EXTENSION] = _make(app)
    return cache


def get(key: str) -> Any:
    """The cached value of ``key``, or None (also when the cache is unreachable)."""
    try:
        return get_cache().get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not break the page
        log.warning("page cache unreachable (get %s)", key, exc_info=True)
        return None


def put(key: str, value: Any, timeout: int | None = None) -> None:
    """Store ``value`` under ``key`` (ignored when the cache is unreachable)."""
    try:
        get_cache().set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001
        log.warning("page cache unreachable (set %s)", key, exc_info=True)


def put_many(values: dict[str, Any], timeout: int | None = None) -> None:
    """Store every value of ``values`` under its key, in one round trip on Redis."""
    try:
        get_cache().set_many(values, timeout=timeout)
    except Exception:  # noqa: BLE001
        log.warning("page cache unreachable (set %s)", ", ".join(values), exc_info=True)


def cached(key: str, build: Callable[[], Any], timeout: int | None = None) -> Any:
    """The value of ``key``, built by ``build()`` and stored when absent."""
    value = get(key)
    if value is None:
        value = build()
        put(key, value, timeout)
    return value


def clear() -> None:
    """Forget everything (tests, and after a restore of the database)."""
    try:
        get_cache().clear()
    except Exception:  # noqa: BLE001
        log.warning("page cache unreachable (clear)", exc_info=True)
