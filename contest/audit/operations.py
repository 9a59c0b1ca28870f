"""Writing audit entries (flushes, never commits)."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from . import actor as cli_actor
from .models import AuditEntry


def record(actor, action: str, obj_type: str, obj_id: Any, **details: Any) -> AuditEntry:
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
    return entry
