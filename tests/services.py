"""Finding the real services the integration tests need.

Locally a test skips when PostgreSQL or Redis is absent; under CI (``CI=true``) it fails,
because CI starts every service and a skip would hide a broken set-up.
"""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def need(condition: bool, what: str) -> None:
    """Skip (locally) or fail (under CI) unless ``condition`` holds."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI but is not available")
    pytest.skip(f"{what} not available")


def redis_url() -> str | None:
    """The Redis URL for tests, if a Redis server answers there."""
    url = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    return url if _redis_answers(url) else None


def _redis_answers(url: str) -> bool:
    """True if a Redis server answers PING at ``url`` within a second."""
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite runs on, if any."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def port_free() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
