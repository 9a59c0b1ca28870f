"""Rate limits of the API: a fixed window of one minute per token and per client address.

``API_RATE_LIMIT_PER_TOKEN`` and ``API_RATE_LIMIT_PER_ADDRESS`` (requests per minute; 0 turns a
limit off) are read from the app's configuration. The counters live in Redis when
``REDIS_URL`` is configured (shared by every process), in this process's memory otherwise (the
embedded default runs one process). A request over a limit is answered 429 with
``Retry-After``: the seconds left in the window.
"""

from __future__ import annotations

import threading
import time

from flask import current_app

WINDOW = 60
DEFAULT_PER_TOKEN = 600
DEFAULT_PER_ADDRESS = 1200


class MemoryCounter:
    """Counters in this process (thread-safe), forgotten when their window is over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, window_start: int) -> int:
        """Count one request of ``key`` in the window starting at ``window_start``."""
        with self._lock:
            if len(self._counts) > 10000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window_start}
            start, count = self._counts.get(key, (window_start, 0))
            count = count + 1 if start == window_start else 1
            self._counts[key] = (window_start, count)
            return count


class RedisCounter:
    """Counters in Redis: ``INCR`` then ``EXPIRE`` of a key per window."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def hit(self, key: str, window_start: int) -> int:
        """Count one request of ``key`` in the window starting at ``window_start``."""
        name = f"contest:api:rate:{key}:{window_start}"
        pipe = self._client.pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW + 5)
        count, _ = pipe.execute()
        return int(count)


def _counter():
    """The app's counter (created once per app)."""
    store = current_app.extensions.get("api_rate_counter")
    if store is None:
        url = current_app.config.get("REDIS_URL")
        store = RedisCounter(url) if url else MemoryCounter()
        current_app.extensions["api_rate_counter"] = store
    return store


def retry_after(key: str, limit: int, now: float | None = None) -> int | None:
    """Count a request of ``key`` against ``limit`` per minute; the seconds to wait when
    over it, None when allowed. A Redis that does not answer lets the request through (the
    API stays usable; the address limit of the proxy remains)."""
    if not limit:
        return None
    now = time.time() if now is None else now
    window_start = int(now) - int(now) % WINDOW
    try:
        count = _counter().hit(key, window_start)
    except Exception:  # noqa: BLE001 - Redis down: do not refuse the request
        current_app.logger.warning("API rate limit counter unavailable", exc_info=True)
        return None
    if count > limit:
        return max(1, window_start + WINDOW - int(now))
    return None


def limit_for(name: str) -> int:
    """The configured limit ``per_token`` or ``per_address``."""
    if name == "per_token":
        return int(current_app.config.get("API_RATE_LIMIT_PER_TOKEN", DEFAULT_PER_TOKEN))
    return int(current_app.config.get("API_RATE_LIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS))
