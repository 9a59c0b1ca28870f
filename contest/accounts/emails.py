"""The accounts' e-mails (password reset, invitation): absolute links, the recipient's
language, queued as mail jobs that are sent after the commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..areas.models import Area
from ..mail import queue_email
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


def expiry(config_key: str) -> datetime:
    """When a link issued now with lifetime ``config_key`` (seconds) expires."""
    return utcnow() + timedelta(seconds=int(current_app.config[config_key]))


def mail_user(user: User, subject, template: str, **context) -> None:
    """Queue an e-mail to ``user`` in the user's language (Vietnamese unless chosen); the
    caller commits with :func:`contest.jobs.operations.commit`."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        queue_email(user.email, str(subject), template, user=user, **context)


def send_password_reset(user: User, raw_token: str) -> None:
    """Queue the e-mail with the password reset link."""
    mail_user(
        user,
        _l("Đặt lại mật khẩu"),
        "password_reset",
        link=external_url("accounts.reset_password", token=raw_token),
        expires_at=expiry("PASSWORD_RESET_MAX_AGE"),
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
