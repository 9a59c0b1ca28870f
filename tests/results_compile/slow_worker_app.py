"""Celery entry point of the compile crash test: the real ``worker`` module (the deployment's
``celery -A worker worker``) with the test-only slow compile installed
(``slow_compile.install``; the pause comes from ``RESULTS_COMPILE_TEST_DELAY``)."""

from __future__ import annotations

from tests.results_compile.slow_compile import install
from worker import celery, flask_app

install()

__all__ = ["celery", "flask_app"]
