"""Jobs, audit entries, announcements, and the REST API's tokens and webhooks."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from contest.accounts.models import Role, User
from contest.announcements.models import Announcement, AnnouncementRecipient, Audience
from contest.api.models import ApiToken, TokenScope, Webhook, WebhookDelivery, WebhookEvent
from contest.audit.models import AuditEntry
from contest.contests.models import Edition
from contest.jobs.models import Job

from .accounts import make_user
from .base import apply, done, save, seq
from .contests import make_edition


def make_job(
    kind: str = "system.selfcheck",
    status: str = "pending",
    *,
    params: dict | None = None,
    created_by: User | None = None,
    commit: bool = True,
    **attrs,
) -> Job:
    """A job row written directly (nothing is dispatched); ``attrs``: ``progress``,
    ``total``, ``result``, ``error``, ``created_at``, ``started_at`` …"""
    row = Job(
        kind=kind,
        status=status,
        params=params or {},
        created_by_id=getattr(created_by, "id", None),
    )
    apply(row, attrs)
    return save(row, commit)


def make_audit_entry(
    action: str = "edition.update",
    object_type: str = "edition",
    object_id: str | int = 1,
    actor: User | None = None,
    *,
    details: dict | None = None,
    commit: bool = True,
    **attrs,
) -> AuditEntry:
    """One audit entry of ``actor`` (the system when None); ``attrs``: ``at``."""
    row = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        actor=actor,
        details=details or {},
    )
    apply(row, attrs)
    return save(row, commit)


def make_announcement(
    edition: Edition | None = None,
    audience: str = Audience.DRAFTS,
    subject: str = "Nhắc hoàn thiện hồ sơ dự thi",
    body: str = "Hạn nộp hồ sơ sắp hết; vui lòng hoàn thiện và nộp hồ sơ.",
    *,
    recipients: Sequence[str | User] = (),
    created_by: User | None = None,
    commit: bool = True,
    **attrs,
) -> Announcement:
    """An announcement to ``audience`` of ``edition`` with ``recipients`` (addresses or
    users, pending), written directly (no job); ``attrs``: ``area_id``, ``area_name``,
    ``field_id``, ``field_name``, ``job_id``."""
    edition = edition or make_edition(commit=commit)
    row = Announcement(
        edition_id=edition.id,
        audience=str(audience),
        subject=subject,
        body=body,
        recipient_count=len(recipients),
        created_by_id=getattr(created_by, "id", None),
    )
    apply(row, attrs)
    for item in recipients:
        if isinstance(item, str):
            row.recipients.append(AnnouncementRecipient(email=item))
        else:
            row.recipients.append(
                AnnouncementRecipient(email=item.email, name=item.full_name, user_id=item.id)
            )
    return save(row, commit)


def make_announcement_recipient(
    announcement: Announcement | None = None,
    email: str | None = None,
    *,
    user: User | None = None,
    commit: bool = True,
    **attrs,
) -> AnnouncementRecipient:
    """One more address ``announcement`` goes to (``user``'s when given); ``attrs``:
    ``status``, ``error``, ``sent_at``."""
    announcement = announcement or make_announcement(commit=commit)
    row = AnnouncementRecipient(
        email=email or (user.email if user is not None else f"nguoinhan{seq()}@example.vn"),
        name=user.full_name if user is not None else "",
        user_id=getattr(user, "id", None),
    )
    apply(row, attrs)
    announcement.recipients.append(row)
    announcement.recipient_count = len(announcement.recipients)
    done(commit)
    return row


def make_api_token(
    user: User | None = None,
    name: str = "Khoá tích hợp",
    scope: str = TokenScope.READ,
    days: int = 30,
    *,
    now: datetime | None = None,
    commit: bool = True,
) -> ApiToken:
    """A personal access token of ``user`` (a new organizer when absent) through
    :func:`contest.api.tokens.create_token`; its secret (shown once in the service) is kept
    on the returned row as ``secret``."""
    from contest.api import tokens

    user = user or make_user(roles=(Role.ORGANIZER,), commit=commit)
    made = tokens.create_token(user, name, str(scope), days, now=now)
    done(commit)
    made.token.secret = made.secret
    return made.token


def make_webhook(
    url: str = "https://hooks.example.vn/contest",
    events: Sequence[str] = (WebhookEvent.ENTRY_SUBMITTED,),
    *,
    created_by: User | None = None,
    commit: bool = True,
    **attrs,
) -> Webhook:
    """An active webhook for ``events``, written directly (no address check); ``attrs``:
    ``secret``, ``allow_private``, ``active``."""
    row = Webhook(
        url=url,
        events=[str(e) for e in events],
        secret=secrets.token_urlsafe(32),
        created_by_id=getattr(created_by, "id", None),
    )
    apply(row, attrs)
    return save(row, commit)


def make_webhook_delivery(
    webhook: Webhook | None = None,
    event: str = WebhookEvent.ENTRY_SUBMITTED,
    payload: dict | None = None,
    *,
    commit: bool = True,
    **attrs,
) -> WebhookDelivery:
    """A pending delivery of ``event`` to ``webhook``; ``attrs``: ``status``, ``attempts``,
    ``next_attempt_at`` …"""
    webhook = webhook or make_webhook(commit=commit)
    row = WebhookDelivery(
        webhook_id=webhook.id, event=str(event), payload=payload or {"event": str(event)}
    )
    apply(row, attrs)
    return save(row, commit)
