"""Two-factor login models: a user's TOTP credential, recovery codes, remembered devices and
the roles an administrator requires it of (the rules are in :mod:`contest.accounts.two_factor`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow

#: The roles that may use (and be required to use) a second factor: staff, not entrants.
STAFF_ROLES = ("admin", "organizer", "coordinator", "judge")
_STAFF_SQL = "(" + ", ".join(f"'{r}'" for r in STAFF_ROLES) + ")"


class TwoFactorCredential(Model):
    """A user's TOTP secret. ``enabled_at`` is empty while the enrolment waits for its first
    valid code; ``last_step`` is the 30-second time step of the last accepted code (a code
    of that step or an earlier one is refused: no replay)."""

    __tablename__ = "two_factor_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_step: Mapped[int | None] = mapped_column(BigInteger())

    user = relationship("User")


class RecoveryCode(Model):
    """One single-use recovery code; only a SHA-256 digest of it is stored."""

    __tablename__ = "two_factor_recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RememberedDevice(Model):
    """A browser that may skip the second step until ``expires_at``: the cookie it holds
    names this row by the SHA-256 digest of its random token. Revoked when the user resets or
    turns off the second factor, changes or resets the password, or forgets their devices."""

    __tablename__ = "two_factor_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class TwoFactorRequirement(Model):
    """A role whose holders must use a second factor (set by an administrator)."""

    __tablename__ = "two_factor_requirements"
    __table_args__ = (CheckConstraint(f"role IN {_STAFF_SQL}", name="role_valid"),)

    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
