"""Template filters and globals: local time, numbers the Vietnamese way, navigation."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from .timeutil import format_local


def register(app: Flask) -> None:
    """Register the filters and context processors on ``app``."""
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = lambda v: format_local(v, "%d/%m/%Y")

    @app.context_processor
    def _globals():
        from .navigation import nav_items

        return {"nav_items": nav_items, "current_locale": str(get_locale())}
