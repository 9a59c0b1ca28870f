"""Operations: backup and restore (``contest backup|restore``), ``/healthz``, ``/metrics``
and the worker heartbeat they read. See docs/operations.md."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the blueprint, the request timing, the CLI and the worker signals."""
    from . import cli, metrics, views, workers

    app.register_blueprint(views.bp)
    metrics.install(app)
    cli.register(app)
    workers.connect_signals()
