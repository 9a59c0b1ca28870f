"""Account operations: registration, passwords and their reset, roles, profiles.

Every function takes the acting user (when there is one) as a parameter, flushes but never
commits, and never reads the request. A refused operation raises :class:`AccountError`, whose
``message`` is shown to the user as it is (and ``field`` names the form field it belongs to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..areas.models import Area
from ..audit.operations import record
from ..errors import UserError
from ..extensions import db
from ..timeutil import utcnow
from .models import AuthToken, Role, TokenPurpose, User, UserRole
from .passwords import hash_password, policy_error, verify_password
from .session_auth import revoke_all_sessions
from .throttle import clear_failures
from .tokens import find_valid_token, issue_token, use_token, void_tokens

ROLE_LABELS = {
    Role.ADMIN.value: _l("Quản trị hệ thống"),
    Role.ORGANIZER.value: _l("Ban Tổ chức"),
    Role.COORDINATOR.value: _l("Điều phối viên địa bàn"),
    Role.JUDGE.value: _l("Giám khảo"),
    Role.ENTRANT.value: _l("Thí sinh / tác giả"),
}
ROLE_ORDER = tuple(r.value for r in Role)
INVITABLE_ROLES = (Role.JUDGE.value, Role.COORDINATOR.value, Role.ORGANIZER.value)
#: Roles whose row may name a province (contest.areas.provinces): the user is bound to it.
PROVINCE_ROLES = (Role.ORGANIZER.value, Role.JUDGE.value)

PASSWORD_RULE = _l("Mật khẩu phải có từ 8 đến 128 ký tự.")
DUPLICATE_EMAIL = _l("Địa chỉ e-mail này đã được dùng cho một tài khoản khác.")
INVALID_LINK = _l(
    "Liên kết không hợp lệ, đã được dùng hoặc đã hết hạn. Vui lòng yêu cầu một liên kết mới."
)
# At most this many reset e-mails per account within one reset lifetime (no mail bombing).
RESET_MAILS_PER_WINDOW = 3


class AccountError(UserError):
    """An account operation was refused; ``message`` is for the user, ``field`` the form
    field it concerns (None: the whole form)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def role_label(role: str) -> str:
    """The Vietnamese (translated) name of ``role``."""
    return str(ROLE_LABELS.get(str(role), role))


def sorted_roles(user: User) -> list[UserRole]:
    """The user's role rows, most powerful first."""
    order = {name: i for i, name in enumerate(ROLE_ORDER)}
    return sorted(user.roles, key=lambda r: order.get(r.role, len(order)))


def normalize_email(email: str | None) -> str:
    """E-mail addresses are stored stripped and lower-cased."""
    return (email or "").strip().lower()


def find_user(email: str | None) -> User | None:
    """The user with ``email`` (any case, surrounding spaces ignored), or None."""
    email = normalize_email(email)
    if not email:
        return None
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


# --- Passwords ------------------------------------------------------------------------------


def password_problem(password: str) -> str | None:
    """The user-facing reason ``password`` breaks the policy, or None."""
    return str(PASSWORD_RULE) if policy_error(password or "") else None


def set_password(user: User, password: str) -> None:
    """Hash and store ``password`` (argon2id) after checking the policy."""
    if password_problem(password):
        raise AccountError(PASSWORD_RULE, field="password")
    user.password_hash = hash_password(password)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change ``user``'s password and revoke every login session of the user (the caller
    starts a fresh session for the browser that asked)."""
    if not verify_password(user.password_hash, current_password or ""):
        raise AccountError(_l("Mật khẩu hiện tại không đúng."), field="current_password")
    set_password(user, new_password)
    revoke_all_sessions(user)
    record(user, "user.password_change", "user", user.id)
    db.session.flush()


# --- Password reset -------------------------------------------------------------------------


def request_password_reset(email: str, now: datetime | None = None) -> tuple[User, str] | None:
    """A reset token for the active account with ``email``, or None when there is no such
    account (the caller answers the same either way) or too many were sent lately."""
    now = now or utcnow()
    user = find_user(email)
    if user is None or not user.is_active:
        return None
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"])
    recent = db.session.execute(
        select(func.count(AuthToken.id)).where(
            AuthToken.user_id == user.id,
            AuthToken.purpose == TokenPurpose.PASSWORD_RESET.value,
            AuthToken.created_at > now - timedelta(seconds=max_age),
        )
    ).scalar_one()
    if recent >= RESET_MAILS_PER_WINDOW:
        return None
    return user, issue_token(user, TokenPurpose.PASSWORD_RESET, max_age, now)


def reset_password(raw: str, password: str, now: datetime | None = None) -> User:
    """Set a new password with reset token ``raw``: the token (and every other outstanding
    reset token of the user) is used up, every login session of the user is revoked, and the
    account's login failures are forgotten (a lock set by someone's guesses ends)."""
    now = now or utcnow()
    token = find_valid_token(raw, TokenPurpose.PASSWORD_RESET, now)
    if token is None:
        raise AccountError(INVALID_LINK)
    if password_problem(password):
        raise AccountError(PASSWORD_RULE, field="password")
    if not use_token(token, now):
        raise AccountError(INVALID_LINK)
    user = token.user
    set_password(user, password)
    user.email_confirmed = True  # the link proved the address
    void_tokens(user, TokenPurpose.PASSWORD_RESET, now)
    revoke_all_sessions(user)
    clear_failures(user.email)  # the owner is back: no lock left from anyone's guesses
    record(user, "user.password_reset", "user", user.id)
    db.session.flush()
    return user


# --- Users and roles ------------------------------------------------------------------------


def add_role(user: User, role: str, area: Area | None = None, province: Area | None = None) -> bool:
    """Give ``user`` ``role`` unless held already; return True when it was added.

    A coordinator is bound to exactly one area: ``area`` is required, and a coordinator of
    another area is refused rather than silently moved. An organizer or a judge may be bound
    to ``province``: a new row names it; a row of another province is refused (never moved);
    a row naming no province (instance-wide) is left as it is.
    """
    role = str(role)
    if role not in ROLE_LABELS:
        raise AccountError(_l("Vai trò không hợp lệ: %(role)s.", role=role), field="role")
    existing = next((r for r in user.roles if r.role == role), None)
    if province is not None:
        if role not in PROVINCE_ROLES:
            raise AccountError(
                _l("Chỉ Ban Tổ chức và giám khảo được gắn với một tỉnh, thành phố."),
                field="province",
            )
        if existing is None:
            user.roles.append(UserRole(role=role, area_id=province.id))
            return True
        if existing.area_id not in (None, province.id):
            other = db.session.get(Area, existing.area_id)
            raise AccountError(
                _l(
                    "%(email)s đã có vai trò %(role)s của %(province)s.",
                    email=user.email,
                    role=role_label(role),
                    province=other.name if other else "?",
                ),
                field="province",
            )
        return False
    if role == Role.COORDINATOR.value:
        if area is None:
            raise AccountError(_l("Điều phối viên phải gắn với một địa bàn."), field="area")
        if existing is not None and existing.area_id != area.id:
            raise AccountError(
                _l(
                    "%(email)s đã là điều phối viên của địa bàn khác (%(area)s).",
                    email=user.email,
                    area=existing.area.name if existing.area else "?",
                ),
                field="area",
            )
    if existing is not None:
        return False
    user.roles.append(
        UserRole(
            role=role,
            area_id=area.id if role == Role.COORDINATOR.value and area is not None else None,
        )
    )
    return True


def flush_new_user() -> None:
    """Flush a new account; a concurrent insert of the same e-mail becomes an AccountError
    (the session is rolled back: callers create accounts before anything else)."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(DUPLICATE_EMAIL, field="email") from None


@dataclass
class Registration:
    """What :func:`register_entrant` did: ``created`` is False when the address already had
    an account (nothing was changed; the caller tells the owner by e-mail)."""

    user: User
    created: bool


def register_entrant(
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    unit_name: str = "",
    area: Area | None = None,
) -> Registration:
    """Create an entrant's account (self-registration), waiting for its e-mail confirmation.

    An address that already has an account is left unchanged; the password is hashed either
    way, so both cases cost the same and the answer cannot tell them apart.
    """
    email = normalize_email(email)
    if password_problem(password):
        raise AccountError(PASSWORD_RULE, field="password")
    existing = find_user(email)
    if existing is not None:
        hash_password(password)  # the same work as a new account
        return Registration(existing, created=False)
    user = User(
        email=email,
        full_name=(full_name or "").strip(),
        phone=(phone or "").strip(),
        unit_name=(unit_name or "").strip(),
        area_id=area.id if area else None,
        email_confirmed=False,
    )
    set_password(user, password)
    user.roles.append(UserRole(role=Role.ENTRANT.value))
    db.session.add(user)
    flush_new_user()
    record(user, "user.register", "user", user.id, role=Role.ENTRANT.value)
    return Registration(user, created=True)


def confirm_email(user: User) -> bool:
    """Mark ``user``'s address confirmed; True if it was not yet (audited)."""
    if user.email_confirmed:
        return False
    user.email_confirmed = True
    record(user, "user.email_confirm", "user", user.id)
    db.session.flush()
    return True


def update_profile(
    user: User, full_name: str, phone: str, unit_name: str, area: Area | None
) -> None:
    """Save the user's own profile fields. A judge whose new name or unit conflicts with an
    assigned entry loses that assignment at once (:mod:`contest.judging.recusal`)."""
    before = (user.full_name, user.unit_name)
    user.full_name = (full_name or "").strip()
    user.phone = (phone or "").strip()
    user.unit_name = (unit_name or "").strip()
    user.area_id = area.id if area else None
    db.session.flush()
    if (user.full_name, user.unit_name) != before:
        from ..judging.recusal import after_judge_changed

        after_judge_changed(user, user)


@dataclass
class EnsuredUser:
    """What :func:`ensure_user` did; ``province_bound``: an instance-wide organizer or judge
    role was bound to the given province."""

    user: User
    created: bool
    role_added: bool
    province_bound: bool = False


def ensure_user(
    email: str,
    role: str,
    full_name: str | None = None,
    password: str | None = None,
    area: Area | None = None,
    actor: User | None = None,
    province: Area | None = None,
) -> EnsuredUser:
    """Create the user with ``role``, or add ``role`` to the existing one (idempotent).

    A given ``password`` is set (revoking the user's sessions if the account existed); a given
    ``full_name`` replaces the old one. An organizer or a judge is bound to ``province`` when
    given (an instance-wide role of theirs too; a role of another province is refused). Used
    by the command line and the demo data.
    """
    email = normalize_email(email)
    if not email or "@" not in email:
        raise AccountError(_l("Địa chỉ e-mail không hợp lệ."), field="email")
    if password is not None and password_problem(password):
        raise AccountError(PASSWORD_RULE, field="password")
    user = find_user(email)
    created = user is None
    if user is None:
        user = User(email=email, full_name=(full_name or "").strip())
        db.session.add(user)
    elif full_name:
        user.full_name = full_name.strip()
    role_added = add_role(user, role, area, province=province)
    province_bound = False
    if province is not None and not role_added:
        row = next(r for r in user.roles if r.role == str(role))
        if row.area_id is None:
            row.area_id = province.id
            province_bound = True
    if password is not None:
        set_password(user, password)
    if created:
        flush_new_user()
    else:
        db.session.flush()
        if password is not None:
            revoke_all_sessions(user)
    if created or role_added or province_bound or password is not None:
        record(
            actor,
            "user.create" if created else "user.update",
            "user",
            user.id,
            role=str(role),
            area_id=area.id if area else None,
            province_id=province.id if province else None,
            role_added=role_added,
            province_bound=province_bound,
            password_set=password is not None,
        )
    return EnsuredUser(user, created, role_added, province_bound)
