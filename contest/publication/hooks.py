"""Hooks run inside the publish transaction, after version n is written (issue 7).

Features that must react to a new publication register a callable with ``@after_publish``:
certificates revoke the previous version's certificates whose content changed; notifications
add their job. Each hook gets ``(publication, previous, actor)`` (``previous``: version n − 1
or None), may flush and add jobs, and must not commit (the publish view commits once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Hook = Callable[[Any, Any, Any], None]
_HOOKS: list[Hook] = []


def after_publish(func: Hook) -> Hook:
    """Decorator: run ``func(publication, previous, actor)`` after each publish."""
    if func not in _HOOKS:
        _HOOKS.append(func)
    return func


def run_after_publish(publication, previous, actor) -> None:
    """Called by the publish operation (``publish.publish``) before its caller commits."""
    for hook in list(_HOOKS):
        hook(publication, previous, actor)
