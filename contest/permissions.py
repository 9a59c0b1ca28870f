"""Roles and access guards. Per-object ``can_*`` predicates live in each feature.

The rule is the same everywhere: an anonymous visitor goes to the login page, a logged-in user
without the role gets 403. :func:`role_required` guards one view; :func:`roles_only` guards every
page of a blueprint (``bp.before_request(organizers_only)``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from .accounts.models import Role


def _refusal(roles: tuple[Role | str, ...]) -> ResponseReturnValue | None:
    """None when the current user holds one of ``roles``; else the login page for an anonymous
    visitor, or 403."""
    if not current_user.is_authenticated:
        from .extensions import login_manager

        return login_manager.unauthorized()
    if not current_user.has_role(*roles):
        abort(403)
    return None


def role_required(*roles: Role | str) -> Callable:
    """Allow the view to users holding any of ``roles``; anonymous users go to the login page,
    logged-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refusal = _refusal(roles)
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(str(r) for r in roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def roles_only(*roles: Role | str) -> Callable[[], ResponseReturnValue | None]:
    """A ``before_request`` guard for a blueprint whose every page is for users holding any of
    ``roles`` (anonymous users go to the login page, others get 403)."""

    def guard() -> ResponseReturnValue | None:
        return _refusal(roles)

    guard.required_roles = tuple(str(r) for r in roles)  # type: ignore[attr-defined]
    return guard


organizer_required = role_required(Role.ORGANIZER)
#: The guard of the organizers' blueprints (areas, editions, intake, judging organisation).
organizers_only = roles_only(Role.ORGANIZER)
#: The guard of the coordinators' blueprint.
coordinators_only = roles_only(Role.COORDINATOR)
