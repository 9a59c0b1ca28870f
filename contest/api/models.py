"""Personal access tokens and webhooks of the REST API.

Only the SHA-256 digest of a token's secret is stored; the secret is shown once, when the
token is created. A token has a name, a scope (``read`` or ``write``), an expiry, and may be
revoked; the moment and address of its last use are recorded. Webhooks
(:class:`Webhook`, :class:`WebhookDelivery`) are described in :mod:`.webhooks`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class TokenScope(enum.StrEnum):
    """What a token may do: ``read`` (GET only) or ``write`` (every operation)."""

    READ = "read"
    WRITE = "write"


class ApiToken(Model):
    """One personal access token of one user."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so that its owner recognises it in the list.
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10), default=TokenScope.READ.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_ip: Mapped[str] = mapped_column(String(64), default="")

    user = relationship("User")

    @property
    def can_write(self) -> bool:
        """True for a write-scope token."""
        return self.scope == TokenScope.WRITE.value

    def usable(self, now: datetime) -> bool:
        """True when the token is neither revoked nor expired at ``now``."""
        return self.revoked_at is None and now < self.expires_at


class WebhookEvent(enum.StrEnum):
    """What a webhook may subscribe to."""

    ENTRY_SUBMITTED = "entry.submitted"
    SHEET_SUBMITTED = "sheet.submitted"
    RESULTS_COMPILED = "results.compiled"
    PUBLICATION_PUBLISHED = "publication.published"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Webhook(Model):
    """A URL an organizer registered for some events; deliveries are signed with ``secret``
    (HMAC-SHA256). ``allow_private`` (set by an admin only) lets it reach a private or
    loopback address."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(100))
    allow_private: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(Model):
    """One event sent (or to send) to one webhook, with its attempts' log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status_valid"),
        CheckConstraint("attempts >= 0", name="attempts_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # One line per attempt: "<ISO time> <status or error>".
    log: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    webhook = relationship("Webhook")
