"""Writing audit entries (flushes, never commits)."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEntry


def record(actor, action: str, obj_type: str, obj_id: Any, **details: Any) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj_type:obj_id`` by ``actor`` (a User or None)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        details=details,
    )
    db.session.add(entry)
    return entry
