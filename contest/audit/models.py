"""Audit entries: an append-only record of changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class AuditEntry(Model):
    """One audited action on one object (e.g. ``edition.update`` on ``edition:3``)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User")

    @property
    def actor_label(self) -> str:
        """Who did it, as people read it: the account, the command line's OS user, or the
        system (background jobs)."""
        if self.actor is not None:
            return self.actor.display_name
        cli_user = (self.details or {}).get("cli_user")
        if cli_user:
            return str(_l("Dòng lệnh (người dùng máy chủ %(user)s)", user=cli_user))
        return str(_l("Hệ thống"))
