"""Language choice: Vietnamese by default, English on request."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


def select_locale() -> str:
    """The UI language: the session's choice, then the user's saved choice, then Vietnamese.

    Browser headers are ignored on purpose: the service speaks Vietnamese first.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
