"""Roles and access decorators. Per-object ``can_*`` predicates live in each feature."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from .accounts.models import Role


def role_required(*roles: Role | str) -> Callable:
    """Allow the view to users holding any of ``roles``; anonymous users go to the login page,
    logged-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from .extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(str(r) for r in roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


organizer_required = role_required(Role.ORGANIZER)
