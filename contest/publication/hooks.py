"""Hooks run inside the publish transaction, after version n is written (RULES §6).

Features that must react to a new publication mark a callable with ``@after_publish`` and
``create_app`` registers it (``add_after_publish``, from ``contest.wiring``): certificates
revoke the previous version's certificates whose content changed; notifications add their
job. Each hook gets ``(publication, previous, actor)`` (``previous``: version n − 1
or None), may flush and add jobs, and must not commit (the publish view commits once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Hook = Callable[[Any, Any, Any], None]
_HOOKS: list[Hook] = []


def after_publish(func: Hook) -> Hook:
    """Decorator: mark ``func(publication, previous, actor)`` to run after each publish once
    registered (:func:`add_after_publish`); importing the module registers nothing."""
    func.after_publish = True  # type: ignore[attr-defined]
    return func


def is_after_publish(obj: object) -> bool:
    """True for a function marked with :func:`after_publish`."""
    return callable(obj) and getattr(obj, "after_publish", False) is True


def add_after_publish(func: Hook) -> None:
    """Run ``func`` after each publish (adding it twice is harmless)."""
    if func not in _HOOKS:
        _HOOKS.append(func)


def run_after_publish(publication, previous, actor) -> None:
    """Called by the publish operation (``publish.publish``) before its caller commits."""
    for hook in list(_HOOKS):
        hook(publication, previous, actor)
