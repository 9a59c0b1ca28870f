"""Account models: users and their roles, login sessions, login attempts, one-time tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class Role(enum.StrEnum):
    """What a user may do. A user may hold several roles."""

    ADMIN = "admin"
    ORGANIZER = "organizer"
    COORDINATOR = "coordinator"
    JUDGE = "judge"
    ENTRANT = "entrant"


ROLE_VALUES = tuple(r.value for r in Role)


class User(UserMixin, Model):
    """A person with an account. E-mail addresses are stored lower-cased."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # False for a self-registered account until its e-mail link is followed (or a password
    # reset proves the address): it cannot log in before.
    email_confirmed: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    locale: Mapped[str | None] = mapped_column(String(8))
    # A judge's fields of expertise (field names or codes, as typed): automatic assignment
    # prefers a judge whose expertise matches the entry's field.
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    unit = relationship("Unit", foreign_keys=[unit_id])
    area = relationship("Area", foreign_keys=[area_id])

    # The login session this request runs under (set by the user loader, not stored; declared
    # apart because the ORM maps every annotated attribute).
    if TYPE_CHECKING:
        current_session_key: str | None
    else:
        current_session_key = None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:
        """Flask-Login identity: user id and login-session key, so that a revoked session
        (logout, password change) makes any replayed cookie anonymous."""
        return f"{self.id}:{self.current_session_key or ''}"

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: str) -> bool:
        """True if the user holds any of ``roles`` (admins hold every organizer right)."""
        names = self.role_names
        wanted = {str(r) for r in roles}
        if Role.ADMIN in names and Role.ORGANIZER in wanted:
            return True
        return bool(names & wanted)

    def coordinator_area_id(self) -> int | None:
        """The area a coordinator is bound to, if the user is a coordinator."""
        for r in self.roles:
            if r.role == Role.COORDINATOR:
                return r.area_id
        return None

    def coordinator_group_id(self) -> int | None:
        """The group (cluster of communes, sector) a coordinator is bound to, if any; its
        role row keeps the group's province as the area."""
        for r in self.roles:
            if r.role == Role.COORDINATOR:
                return r.group_id
        return None

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Model):
    """One role of a user; a coordinator's role row names the area it is bound to."""

    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(
            "role IN ('admin', 'organizer', 'coordinator', 'judge', 'entrant')", name="role_valid"
        ),
        CheckConstraint("role != 'coordinator' OR area_id IS NOT NULL", name="coordinator_area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    # A coordinator of a group (contest.areas.groups): area_id is then the group's province.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("area_groups.id", ondelete="RESTRICT"))

    user: Mapped[User] = relationship(back_populates="roles")
    area = relationship("Area")
    group = relationship("AreaGroup")


class LoginSession(Model):
    """A server-side record of one login; revoking it ends that session everywhere."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class AttemptKind(enum.StrEnum):
    """What was attempted: a login (or a password check) or a self-registration."""

    LOGIN = "login"
    REGISTER = "register"


class LoginAttempt(Model):
    """One login or registration attempt, kept to throttle guessing and sign-up floods per
    account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    success: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(
        String(20), default=AttemptKind.LOGIN.value, server_default=AttemptKind.LOGIN.value
    )


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a token purpose, not a password
    INVITATION = "invitation"


class AuthToken(Model):
    """A single-use, expiring token sent by e-mail; only its SHA-256 digest is stored."""

    __tablename__ = "auth_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('password_reset', 'invitation')", name="purpose_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
