"""Operations endpoints (issue 19): ``/healthz`` is public; ``/metrics`` answers loopback
clients (the test client is 127.0.0.1), whoever is logged in."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import public

    return {"ops.healthz": public(), "ops.metrics": public()}
