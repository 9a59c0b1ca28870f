"""The accounts' e-mails (password reset, registration, invitation): absolute links, the
recipient's language, queued as mail jobs that are sent after the commit (or, from inside a
job, delivered at once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..areas.models import Area
from ..mail import build_message, deliver, queue_email
from ..timeutil import utcnow
from .invitations import Invitation
from .models import User


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail.

    In production the base is ``PUBLIC_BASE_URL`` and never the request's ``Host`` header: a
    forged Host would otherwise put the attacker's site into a victim's reset link.
    """
    if current_app.config.get("ENV_NAME") == "production":
        base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


LINK_MAX_AGE_DEFAULTS = {"REGISTRATION_CONFIRM_MAX_AGE": 3 * 24 * 3600}


def link_max_age(config_key: str) -> int:
    """The lifetime in seconds of links of ``config_key``."""
    value = current_app.config.get(config_key, LINK_MAX_AGE_DEFAULTS.get(config_key))
    assert value is not None, f"{config_key} has neither a setting nor a default"
    return int(value)


def expiry(config_key: str) -> datetime:
    """When a link issued now with lifetime ``config_key`` (seconds) expires."""
    return utcnow() + timedelta(seconds=link_max_age(config_key))


def mail_user(user: User, subject, template: str, **context) -> None:
    """Queue an e-mail to ``user`` in the user's language (Vietnamese unless chosen); the
    caller commits with :func:`contest.jobs.operations.commit`."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        queue_email(user.email, str(subject), template, user=user, **context)


def render_for(user: User, subject, template: str, **context) -> tuple[str, str]:
    """``(subject, body)`` of an e-mail to ``user`` in the user's language."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return str(subject), render_template(f"emails/{template}.txt", user=user, **context)


def deliver_password_reset(user: User, raw_token: str) -> None:
    """Send the e-mail with the password reset link now (from the reset job)."""
    subject, body = render_for(
        user,
        _l("Đặt lại mật khẩu"),
        "password_reset",
        link=external_url("accounts.reset_password", token=raw_token),
        expires_at=expiry("PASSWORD_RESET_MAX_AGE"),
    )
    deliver(build_message(user.email, subject, body))


def send_registration_confirmation(user: User, raw_token: str) -> None:
    """Queue the e-mail that confirms a new self-registered account."""
    mail_user(
        user,
        _l("Xác nhận đăng ký tài khoản"),
        "registration_confirm",
        link=external_url("accounts.confirm_email", token=raw_token),
        expires_at=expiry("REGISTRATION_CONFIRM_MAX_AGE"),
    )


def send_registration_attempt(user: User) -> None:
    """Queue the e-mail telling an existing owner that someone tried to register with the
    address (with the links to log in and to reset the password)."""
    mail_user(
        user,
        _l("Có người thử đăng ký tài khoản bằng địa chỉ e-mail của bạn"),
        "registration_attempt",
        login_link=external_url("accounts.login"),
        reset_link=external_url("accounts.forgot_password"),
        at=utcnow(),
    )


def send_invitation(inviter: User, invitation: Invitation, area: Area | None) -> None:
    """Queue an invitation: a link to choose a password, or (for someone who already has
    one) a note about the new role with the login link."""
    if invitation.token:
        link = external_url("accounts.accept_invitation", token=invitation.token)
    else:
        link = external_url("accounts.login")
    mail_user(
        invitation.user,
        _l("Lời mời tham gia hệ thống quản lý cuộc thi sáng tạo"),
        "invitation",
        inviter=inviter,
        role=invitation.role,
        area=area,
        link=link,
        has_password=invitation.token is None,
        expires_at=expiry("INVITATION_MAX_AGE"),
    )
