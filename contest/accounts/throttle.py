"""Throttling of logins and self-registrations from the recorded :class:`LoginAttempt` rows.

Logins (and password checks) are guarded three ways; none of them lets a stranger keep the
owner out from the owner's own address:

* **Pair lock.** ``LOGIN_THROTTLE_FAILURES`` (10) failures for one account from one client
  address lock that *pair* for ``LOGIN_THROTTLE_WINDOW`` (15 min) counted from the last
  failure. Other addresses are not affected.
* **Account slow-down.** When an account has ``LOGIN_SLOWDOWN_FAILURES`` (50) failures from
  all addresses within the window, every address may try that account once per
  ``LOGIN_SLOWDOWN_SECONDS`` (5 s): guessing from many addresses slows down, the owner waits a
  few seconds at most.
* **Address lock.** ``LOGIN_THROTTLE_IP_FAILURES`` (50) failures from one address, whatever
  the accounts, lock that address for the window (one address spraying many accounts).

Attempts refused by a throttle are not recorded, so they never renew a lock. A password
reset clears every failure of the account (the owner is back).
E-mail addresses are compared normalised (case and surrounding spaces do not make a new key).

Registrations are limited to ``REGISTER_THROTTLE_PER_EMAIL`` (3) per address and
``REGISTER_THROTTLE_PER_IP`` (20) per client address within ``REGISTER_THROTTLE_WINDOW``
(1 h), counted whether the address has an account or not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select

from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import utcnow
from .models import AttemptKind, LoginAttempt

DEFAULTS = {
    "LOGIN_THROTTLE_FAILURES": 10,
    "LOGIN_THROTTLE_WINDOW": 15 * 60,
    "LOGIN_THROTTLE_IP_FAILURES": 50,
    "LOGIN_SLOWDOWN_FAILURES": 50,
    "LOGIN_SLOWDOWN_SECONDS": 5,
    "REGISTER_THROTTLE_PER_EMAIL": 3,
    "REGISTER_THROTTLE_PER_IP": 20,
    "REGISTER_THROTTLE_WINDOW": 3600,
}


def _setting(name: str) -> int:
    """An integer setting of the app, or its default."""
    return int(current_app.config.get(name, DEFAULTS[name]))


def _email(email: str | None) -> str:
    return (email or "").strip().lower()[:254]


def record_attempt(
    email: str,
    ip: str,
    success: bool,
    now: datetime | None = None,
    kind: str = AttemptKind.LOGIN.value,
) -> LoginAttempt:
    """Add one attempt for ``email`` from ``ip`` (flushes, the caller commits)."""
    attempt = LoginAttempt(
        email=_email(email), ip=(ip or "")[:64], success=success, at=now or utcnow(), kind=kind
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def _failures(*conditions: ColumnElement[bool], limit: int) -> list[datetime]:
    """The times of the ``limit`` latest login failures matching ``conditions``."""
    return list(
        db.session.execute(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.kind == AttemptKind.LOGIN.value,
                LoginAttempt.success.is_(False),
                *conditions,
            )
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


def _lock_end(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """End of the lock set by ``limit`` failures within ``window`` (latest first), or None."""
    if limit <= 0 or len(times) < limit or times[0] - times[limit - 1] >= window:
        return None
    return times[0] + window


def retry_at(email: str, ip: str, now: datetime | None = None) -> datetime | None:
    """When a login for ``email`` from ``ip`` may be tried again, or None if allowed now.

    An empty key (unknown address) is not counted, so unrelated clients are never lumped
    together.
    """
    now = now or utcnow()
    email = _email(email)
    window = timedelta(seconds=_setting("LOGIN_THROTTLE_WINDOW"))
    since = LoginAttempt.at > now - 2 * window
    candidates: list[datetime | None] = []
    if email and ip:
        limit = _setting("LOGIN_THROTTLE_FAILURES")
        times = _failures(LoginAttempt.email == email, LoginAttempt.ip == ip, since, limit=limit)
        candidates.append(_lock_end(times, limit, window))
    if ip:
        limit = _setting("LOGIN_THROTTLE_IP_FAILURES")
        candidates.append(
            _lock_end(_failures(LoginAttempt.ip == ip, since, limit=limit), limit, window)
        )
    if email:
        candidates.append(_slowdown_end(email, ip, now, window))
    ends = [end for end in candidates if end is not None and end > now]
    return max(ends) if ends else None


def _slowdown_end(email: str, ip: str, now: datetime, window: timedelta) -> datetime | None:
    """While ``email`` has many failures from everywhere: the end of this address's
    cool-down since its last attempt on the account, or None."""
    cap = _setting("LOGIN_SLOWDOWN_FAILURES")
    if cap <= 0:
        return None
    recent = (
        db.session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.kind == AttemptKind.LOGIN.value,
                LoginAttempt.email == email,
                LoginAttempt.success.is_(False),
                LoginAttempt.at > now - window,
            )
        )
        or 0
    )
    if recent < cap:
        return None
    last = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.kind == AttemptKind.LOGIN.value,
            LoginAttempt.email == email,
            LoginAttempt.ip == (ip or ""),
        )
    )
    if last is None:
        return None
    return last + timedelta(seconds=_setting("LOGIN_SLOWDOWN_SECONDS"))


def clear_failures(email: str) -> None:
    """Forget every login failure of ``email`` (after a password reset)."""
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.kind == AttemptKind.LOGIN.value,
            LoginAttempt.email == _email(email),
            LoginAttempt.success.is_(False),
        )
    )


def registration_retry_at(email: str, ip: str, now: datetime | None = None) -> datetime | None:
    """When a registration for ``email`` from ``ip`` may be tried again, or None."""
    now = now or utcnow()
    window = timedelta(seconds=_setting("REGISTER_THROTTLE_WINDOW"))
    ends = []
    for column, value, limit in (
        (LoginAttempt.email, _email(email), _setting("REGISTER_THROTTLE_PER_EMAIL")),
        (LoginAttempt.ip, ip, _setting("REGISTER_THROTTLE_PER_IP")),
    ):
        if not value or limit <= 0:
            continue
        times = (
            db.session.execute(
                select(LoginAttempt.at)
                .where(
                    LoginAttempt.kind == AttemptKind.REGISTER.value,
                    column == value,
                    LoginAttempt.at > now - window,
                )
                .order_by(LoginAttempt.at.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        if len(times) >= limit:
            ends.append(times[-1] + window)
    return max(ends) if ends else None


def purge_attempts(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete attempts older than ``older_than`` (they no longer count); return how many."""
    cutoff = (now or utcnow()) - older_than
    result = execute_dml(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    return result.rowcount or 0
