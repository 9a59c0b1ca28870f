"""Writing audit entries (flushes, never commits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..extensions import db
from . import actor as cli_actor
from .models import AuditEntry

if TYPE_CHECKING:
    from .actor import Actor

# action → listeners run when an entry of that action is recorded (:func:`on_record`)
_LISTENERS: dict[str, list[Callable[[AuditEntry], None]]] = {}


def on_record(action: str, listener: Callable[[AuditEntry], None]) -> None:
    """Run ``listener(entry)`` each time an audit entry of ``action`` is recorded, inside the
    same transaction: it may flush and add jobs, never commit. Features that react to an
    event register here explicitly (in ``create_app``), so the operation that records the
    event need not know them. Registering the same listener twice is harmless."""
    listeners = _LISTENERS.setdefault(action, [])
    if listener not in listeners:
        listeners.append(listener)


def record(
    actor: Actor | None, action: str, obj_type: str, obj_id: Any, **details: Any
) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj_type:obj_id`` by ``actor`` (a User or None).
    With no user, a running command's actor is recorded: the ``--actor`` account, else the
    operating-system user (in ``details["cli_user"]``)."""
    if actor is None and (command := cli_actor.current()) is not None:
        actor = command.user
        if actor is None:
            details = {**details, "cli_user": command.os_user}
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        details=details,
    )
    db.session.add(entry)
    for listener in _LISTENERS.get(action, ()):
        listener(entry)
    return entry
