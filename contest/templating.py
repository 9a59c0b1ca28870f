"""Template filters and globals: local time, numbers and dates in the chosen language,
navigation.

``localtime`` / ``localdate`` print the unambiguous day/month/year form used on Vietnamese
documents whatever the language. ``number``, ``vnd`` and ``longdate`` go through Flask-Babel,
so they follow the chosen locale (``1.234,5`` in Vietnamese, ``1,234.5`` in English).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, get_locale

from . import display
from .redirects import safe_next
from .timeutil import format_local, to_local

# The languages offered in the switch, each named in its own language.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def format_number(value) -> str:
    """A number with the locale's separators, never in scientific notation; empty for None
    (see :func:`contest.display.points`)."""
    return display.points(value)


def format_vnd(value) -> str:
    """An amount of Vietnamese đồng in the locale's currency format; empty for None."""
    return display.vnd(value)


def format_long_date(value: date | datetime | None) -> str:
    """A date written out in the chosen language (``31 tháng 7, 2025`` / ``July 31, 2025``);
    datetimes are taken in Vietnam time first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return format_date(value, "long")


def format_local_date(value: date | datetime | None) -> str:
    """Day/month/year; a datetime is taken in Vietnam time, a plain date as it is."""
    if isinstance(value, datetime) or value is None:
        return format_local(value, "%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def register(app: Flask) -> None:
    """Register the filters and context processors on ``app`` (and the per-request language
    choice, see :func:`contest.i18n.register`)."""
    from . import i18n

    i18n.register(app)
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = format_local_date
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["vnd"] = format_vnd
    app.jinja_env.filters["longdate"] = format_long_date
    display.register(app)
    app.jinja_env.globals["edition_sections"] = _edition_sections
    # Where a form sends the user back to (the language switch): same-site paths only, so an
    # error page about a bad URL never writes that URL's control characters back.
    app.jinja_env.globals["safe_next"] = safe_next

    @app.context_processor
    def _globals():
        from .navigation import nav_items

        return {
            "nav_items": nav_items,
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "language_names": LANGUAGE_NAMES,
        }


def _edition_sections(edition, current=None):
    """The sub-navigation of an edition's organizer pages (a global: macros imported
    without context use it)."""
    from .navigation import edition_sections

    return edition_sections(edition, current)
