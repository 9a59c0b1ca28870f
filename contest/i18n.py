"""Language choice: Vietnamese by default, English on request."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import refresh
from flask_login import current_user


def select_locale() -> str:
    """The UI language: the session's choice, then the user's saved choice, then Vietnamese.

    Browser headers are ignored on purpose: the service speaks Vietnamese first.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen is not None and chosen in languages:
        return chosen
    user_choice = getattr(current_user, "locale", None) if current_user else None
    if (
        getattr(current_user, "is_authenticated", False)
        and user_choice is not None
        and user_choice in languages
    ):
        return user_choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register(app: Flask) -> None:
    """Choose the language afresh for every request.

    Flask-Babel caches the locale on the application context; when one app context outlives
    several requests (tests, scripts that push a context) the first request's language would
    otherwise stick.
    """
    app.before_request(refresh)
