"""The judge's own declaration of a conflict with an assigned entry (POST only): only judges,
and only on an entry assigned to them — the world's entry is not, so 404."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import only

    return {"judge.declare_conflict": only("judge", get=False, judge=404)}
