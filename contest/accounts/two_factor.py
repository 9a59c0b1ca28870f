"""Two-factor login (TOTP, RFC 6238) for staff accounts: the rules, without HTTP.

* **Who.** Staff (administrators, organizers, coordinators, judges) may turn it on from their
  profile; entrants are not offered it. An administrator may require it per role
  (:func:`set_required_roles`; requiring "organizer" covers administrators, who hold every
  organizer right). A user holding a required role without a second factor is led to enrol
  right after the password, and a logged-in one reaches nothing else until they do
  (:func:`must_enrol`, checked on every request by the views).
* **Codes.** 6 digits, 30-second steps, HMAC-SHA1: what every authenticator app makes. A code
  of the current step, or of the step just before or after, is accepted (pyotp's
  ``valid_window=1``, for a phone's clock a little off); older or newer ones are refused.
  Each accepted code records its step (``last_step``), and a code of that step or an earlier
  one is refused from then on, so a code seen over a shoulder cannot be used again. The
  record is a conditional UPDATE: of two requests racing with one code, one wins.
* **Enrolment.** A new secret waits unconfirmed until the first valid code, which turns the
  factor on and returns 10 recovery codes, shown once. Only their SHA-256 digests (salted
  with the user id) are kept; each works once; the user may replace the whole set.
* **Remembered devices.** After the second step a browser may be remembered for
  :data:`DEVICE_DAYS` days. Its cookie is signed with the app's secret key and carries the user
  id and a random token; the token's digest names a server-side row, which is revoked when the
  factor is turned off or reset, when the password is changed or reset (audit listeners, see
  :func:`register_listeners`), or when the user forgets their devices.
* **Throttling** is the views' job: a wrong code is recorded as a failed login of the account
  (:mod:`contest.accounts.throttle`), so wrong codes lock exactly like wrong passwords.
* **Reset.** An administrator may remove another user's second factor (audited); that user's
  remembered devices and login sessions are revoked, and they enrol again if required.

The TOTP secret itself is stored as it is (the server must compute the codes).
Every function flushes, never commits, and takes ``now`` where time matters.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import and_, delete, exists, func, not_, or_, select, update

from ..audit.models import AuditEntry
from ..audit.operations import on_record, record
from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import utcnow
from .models import Role, User, UserRole
from .operations import AccountError
from .session_auth import revoke_all_sessions
from .two_factor_models import (
    STAFF_ROLES,
    RecoveryCode,
    RememberedDevice,
    TwoFactorCredential,
    TwoFactorRequirement,
)

DIGITS = 6
INTERVAL = 30
VALID_WINDOW = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1: read aloud safely
RECOVERY_LENGTH = 12  # about 59 bits each
DEVICE_DAYS = 30
WAITING_REUSE = timedelta(hours=1)  # an enrolment's secret shown longer ago is replaced
_DEVICE_SALT = "two-factor-device"

WRONG_CODE = _l("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới đang hiện trên ứng dụng.")
WRONG_RECOVERY_CODE = _l("Mã khôi phục không đúng hoặc đã được dùng.")
ALREADY_ON = _l("Xác thực hai bước đã được bật cho tài khoản này.")
NOT_STARTED = _l("Chưa bắt đầu thiết lập. Vui lòng bắt đầu lại.")
NOT_ON = _l("Tài khoản này chưa bật xác thực hai bước.")
REQUIRED = _l(
    "Vai trò của bạn bắt buộc dùng xác thực hai bước nên không thể tắt. Nếu mất điện thoại, "
    "hãy nhờ quản trị hệ thống đặt lại."
)
NOT_STAFF = _l(
    "Chỉ tài khoản cán bộ (quản trị, ban tổ chức, điều phối viên, giám khảo) mới dùng "
    "được xác thực hai bước."
)
OWN_RESET = _l("Không thể tự đặt lại xác thực hai bước của mình ở đây: hãy dùng trang hồ sơ.")

AUDIT_ENABLE = "user.two_factor_enable"
AUDIT_DISABLE = "user.two_factor_disable"
AUDIT_RECOVERY = "user.two_factor_recovery_codes"
AUDIT_RESET = "user.two_factor_reset"
AUDIT_POLICY = "user.two_factor_policy"
AUDIT_ACTIONS = (AUDIT_ENABLE, AUDIT_DISABLE, AUDIT_RECOVERY, AUDIT_RESET, AUDIT_POLICY)


# --- Codes (pure) ---------------------------------------------------------------------------


def new_secret() -> str:
    """A random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32()


def normalize_code(code: str | None) -> str:
    """A typed TOTP code without spaces or dashes ("123 456" → "123456")."""
    return "".join((code or "").split()).replace("-", "")


def matching_step(secret: str, code: str | None, now: datetime) -> int | None:
    """The time step whose code is ``code`` among the current one and its neighbours
    (``VALID_WINDOW``), or None. Compared in constant time."""
    code = normalize_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = totp.timecode(now)
    found = None
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def normalize_recovery_code(code: str | None) -> str:
    """A typed recovery code, lower-cased, without spaces or dashes."""
    return "".join((code or "").split()).replace("-", "").lower()


def _recovery_digest(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{normalize_recovery_code(code)}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Reading the state ----------------------------------------------------------------------


def is_staff(user: User) -> bool:
    """True when ``user`` holds a role that may use a second factor."""
    return bool(user.role_names & set(STAFF_ROLES))


def credential(user: User) -> TwoFactorCredential | None:
    """The user's credential (enabled or waiting for confirmation), or None."""
    return db.session.execute(
        select(TwoFactorCredential).where(TwoFactorCredential.user_id == user.id)
    ).scalar_one_or_none()


def enabled_credential(user: User) -> TwoFactorCredential | None:
    """The user's confirmed credential, or None."""
    found = credential(user)
    return found if found is not None and found.enabled_at is not None else None


def is_enabled(user: User) -> bool:
    return enabled_credential(user) is not None


def required_roles() -> list[str]:
    """The roles an administrator requires a second factor of, in the order of STAFF_ROLES."""
    rows = set(db.session.scalars(select(TwoFactorRequirement.role)))
    return [r for r in STAFF_ROLES if r in rows]


def _requirement_keys(user: User) -> list[str]:
    """The requirement rows that apply to ``user``: their staff roles, and "organizer" for an
    administrator (who holds every organizer right)."""
    keys = user.role_names & set(STAFF_ROLES)
    if Role.ADMIN.value in keys:
        keys.add(Role.ORGANIZER.value)
    return sorted(keys)


def is_required(user: User) -> bool:
    """True when one of ``user``'s roles requires a second factor."""
    keys = _requirement_keys(user)
    if not keys:
        return False
    return bool(db.session.scalar(select(exists().where(TwoFactorRequirement.role.in_(keys)))))


def must_enrol(user: User) -> bool:
    """True when ``user`` must use a second factor and has none yet (one query; none for
    an entrant)."""
    keys = _requirement_keys(user)
    if not keys:
        return False
    required = exists().where(TwoFactorRequirement.role.in_(keys))
    enabled = exists().where(
        TwoFactorCredential.user_id == user.id, TwoFactorCredential.enabled_at.is_not(None)
    )
    return bool(db.session.scalar(select(and_(required, not_(enabled)))))


def recovery_codes_left(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return (
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def login_step(user: User, device_cookie: str | None, now: datetime) -> str | None:
    """What follows a verified password: ``"challenge"`` (ask for a code), ``"enrol"`` (a
    required second factor is missing) or None (logged in now: no factor, or this browser is
    remembered)."""
    if is_enabled(user):
        return None if device_remembered(user, device_cookie, now) else "challenge"
    if is_required(user):
        return "enrol"
    return None


# --- Verification ---------------------------------------------------------------------------


def verify_code(cred: TwoFactorCredential, code: str | None, now: datetime) -> bool:
    """True when ``code`` is valid now and newer than the last accepted one; records its
    step (one conditional UPDATE, so a code is accepted once even under concurrent
    requests)."""
    step = matching_step(cred.secret, code, now)
    if step is None:
        return False
    result = execute_dml(
        update(TwoFactorCredential)
        .where(
            TwoFactorCredential.id == cred.id,
            or_(TwoFactorCredential.last_step.is_(None), TwoFactorCredential.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    cred.last_step = step
    return True


def use_recovery_code(user: User, code: str | None, now: datetime) -> bool:
    """True when ``code`` is one of the user's unused recovery codes; it is used up."""
    if len(normalize_recovery_code(code)) != RECOVERY_LENGTH or not is_enabled(user):
        return False
    result = execute_dml(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.digest == _recovery_digest(user.id, code or ""),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


# --- Enrolment and recovery codes -----------------------------------------------------------


def begin_enrolment(user: User, now: datetime) -> TwoFactorCredential:
    """An unconfirmed credential for ``user``: the one already waiting if it was made within
    :data:`WAITING_REUSE` (reloading the page keeps the same QR code), else a new secret."""
    if not is_staff(user):
        raise AccountError(NOT_STAFF)
    cred = credential(user)
    if cred is not None and cred.enabled_at is not None:
        raise AccountError(ALREADY_ON)
    if cred is None:
        cred = TwoFactorCredential(user_id=user.id, secret=new_secret(), created_at=now)
        db.session.add(cred)
    elif cred.created_at < now - WAITING_REUSE:
        cred.secret, cred.created_at, cred.last_step = new_secret(), now, None
    db.session.flush()
    return cred


def confirm_enrolment(user: User, code: str | None, now: datetime) -> list[str]:
    """Turn the waiting credential on with its first valid code; return the 10 recovery
    codes (shown once)."""
    cred = credential(user)
    if cred is None:
        raise AccountError(NOT_STARTED)
    if cred.enabled_at is not None:
        raise AccountError(ALREADY_ON)
    if not verify_code(cred, code, now):
        raise AccountError(WRONG_CODE, field="code")
    cred.enabled_at = now
    codes = _replace_recovery_codes(user, now)
    record(user, AUDIT_ENABLE, "user", user.id)
    db.session.flush()
    return codes


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = _new_recovery_code()
        if code not in codes:
            codes.append(code)
    db.session.add_all(
        RecoveryCode(user_id=user.id, digest=_recovery_digest(user.id, c), created_at=now)
        for c in codes
    )
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User, now: datetime) -> list[str]:
    """A new set of 10 recovery codes; the old ones stop working."""
    if not is_enabled(user):
        raise AccountError(NOT_ON)
    codes = _replace_recovery_codes(user, now)
    record(user, AUDIT_RECOVERY, "user", user.id)
    return codes


def provisioning_uri(cred: TwoFactorCredential, user: User) -> str:
    """The ``otpauth://`` address the authenticator app reads from the QR code."""
    issuer = current_app.config.get("TWO_FACTOR_ISSUER") or "Cuộc thi Sáng tạo"
    totp = pyotp.TOTP(cred.secret, digits=DIGITS, interval=INTERVAL)
    return totp.provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> Markup:
    """``uri`` as an inline SVG QR code (segno; no external service), named ``title``."""
    import segno

    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, title=title, svgclass="two-factor-qr", lineclass=None
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's markup


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Remembered devices ---------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    key = current_app.secret_key
    assert key is not None  # create_app always sets SECRET_KEY
    return URLSafeSerializer(key, salt=_DEVICE_SALT)


def remember_device(user: User, now: datetime, ip: str = "", user_agent: str = "") -> str:
    """Remember a browser for :data:`DEVICE_DAYS` days; return its signed cookie value."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        RememberedDevice(
            user_id=user.id,
            digest=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=DEVICE_DAYS),
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:300],
        )
    )
    db.session.flush()
    return _serializer().dumps([user.id, token])


def device_remembered(user: User, cookie: str | None, now: datetime) -> bool:
    """True when ``cookie`` is a remembered-device cookie of ``user``, unexpired and not
    revoked (its last use is recorded)."""
    if not cookie:
        return False
    try:
        user_id, token = _serializer().loads(cookie)
    except (BadSignature, TypeError, ValueError):
        return False
    if user_id != user.id or not isinstance(token, str):
        return False
    device = db.session.execute(
        select(RememberedDevice).where(
            RememberedDevice.digest == _digest(token),
            RememberedDevice.user_id == user.id,
            RememberedDevice.revoked_at.is_(None),
            RememberedDevice.expires_at > now,
        )
    ).scalar_one_or_none()
    if device is None:
        return False
    device.last_used_at = now
    return True


def active_devices(user: User, now: datetime) -> list[RememberedDevice]:
    """The user's remembered browsers that still skip the second step, newest first."""
    return list(
        db.session.scalars(
            select(RememberedDevice)
            .where(
                RememberedDevice.user_id == user.id,
                RememberedDevice.revoked_at.is_(None),
                RememberedDevice.expires_at > now,
            )
            .order_by(RememberedDevice.created_at.desc())
        )
    )


_BROWSERS = (
    ("edg/", "Edge"),
    ("coc_coc", "Cốc Cốc"),
    ("opr/", "Opera"),
    ("firefox/", "Firefox"),
    ("chrome/", "Chrome"),
    ("chromium/", "Chromium"),
    ("safari/", "Safari"),
)
_SYSTEMS = (
    ("android", "Android"),
    ("iphone", "iPhone"),
    ("ipad", "iPad"),
    ("windows", "Windows"),
    ("mac os x", "macOS"),
    ("linux", "Linux"),
)


def device_label(user_agent: str | None) -> str:
    """A remembered browser as people name it ("Chrome trên Windows"), from its user agent."""
    ua = (user_agent or "").lower()
    browser = next((name for key, name in _BROWSERS if key in ua), None)
    system = next((name for key, name in _SYSTEMS if key in ua), None)
    if browser and system:
        return str(_l("%(browser)s trên %(system)s", browser=browser, system=system))
    return browser or system or str(_l("Trình duyệt không rõ"))


def revoke_devices(user_id: int, now: datetime) -> int:
    """Revoke every remembered browser of the user; return how many."""
    result = execute_dml(
        update(RememberedDevice)
        .where(RememberedDevice.user_id == user_id, RememberedDevice.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --- Turning off, resetting, requiring ------------------------------------------------------


def _remove(user_id: int, now: datetime) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    db.session.execute(delete(TwoFactorCredential).where(TwoFactorCredential.user_id == user_id))
    revoke_devices(user_id, now)
    db.session.expire_all()


def turn_off(user: User, now: datetime) -> None:
    """The user turns their own second factor off (refused while a role requires it)."""
    if not is_enabled(user):
        raise AccountError(NOT_ON)
    if is_required(user):
        raise AccountError(REQUIRED)
    _remove(user.id, now)
    record(user, AUDIT_DISABLE, "user", user.id)
    db.session.flush()


def reset(admin: User | None, target: User, now: datetime) -> None:
    """An administrator (None: the command line's actor) removes ``target``'s second factor:
    the factor, its recovery codes, remembered browsers and login sessions are gone; audited.
    """
    if admin is not None and admin.id == target.id:
        raise AccountError(OWN_RESET)
    if credential(target) is None:
        raise AccountError(NOT_ON)
    target_id, email = target.id, target.email
    _remove(target_id, now)
    revoke_all_sessions(db.session.get_one(User, target_id))
    record(admin, AUDIT_RESET, "user", target_id, email=email)
    db.session.flush()


def set_required_roles(actor: User, roles: list[str], now: datetime) -> bool:
    """Require a second factor of exactly ``roles`` (staff roles); audited when it changes.
    Return True when something changed."""
    wanted = {r for r in roles if r in STAFF_ROLES}
    current = set(required_roles())
    if wanted == current:
        return False
    if current - wanted:
        db.session.execute(
            delete(TwoFactorRequirement).where(TwoFactorRequirement.role.in_(current - wanted))
        )
    db.session.add_all(
        TwoFactorRequirement(role=r, set_at=now, set_by_id=actor.id) for r in wanted - current
    )
    record(actor, AUDIT_POLICY, "settings", "two_factor", roles=sorted(wanted))
    db.session.flush()
    return True


@dataclass(frozen=True)
class StaffStatus:
    """One staff account on the administrators' page."""

    user: User
    enabled_at: datetime | None
    waiting: bool  # an enrolment started and not confirmed
    required: bool


def staff_statuses() -> list[StaffStatus]:
    """Every staff account with its second factor's state, by e-mail (two queries)."""
    staff_ids = select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES))
    rows = db.session.execute(
        select(User, TwoFactorCredential)
        .outerjoin(TwoFactorCredential, TwoFactorCredential.user_id == User.id)
        .where(User.id.in_(staff_ids))
        .order_by(User.email)
    ).all()
    required = set(required_roles())
    statuses = []
    for user, cred in rows:
        keys = set(_requirement_keys(user))
        statuses.append(
            StaffStatus(
                user=user,
                enabled_at=cred.enabled_at if cred is not None else None,
                waiting=cred is not None and cred.enabled_at is None,
                required=bool(keys & required),
            )
        )
    return statuses


def recent_audit(limit: int = 20) -> list[AuditEntry]:
    """The latest audit entries about second factors, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.in_(AUDIT_ACTIONS))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def _revoke_after_password_change(entry: AuditEntry) -> None:
    """Audit listener: a changed or reset password revokes the user's remembered browsers."""
    if entry.object_type == "user" and str(entry.object_id).isdigit():
        revoke_devices(int(entry.object_id), utcnow())


def register_listeners() -> None:
    """React to password changes and resets (called from ``create_app``)."""
    on_record("user.password_change", _revoke_after_password_change)
    on_record("user.password_reset", _revoke_after_password_change)
