"""Webhooks: organizers register URLs for events; deliveries are signed, sent by Celery with
retries and backoff, and logged.

* Events (:class:`.models.WebhookEvent`): ``entry.submitted`` and ``sheet.submitted`` (from the
  audit entries ``entry.submit`` and ``judging.sheet_submit`` the operations write),
  ``results.compiled`` (a new results run) and ``publication.published`` (the audit entry
  ``publication.publish``). They are picked up from the session when it flushes, so no
  feature module knows about webhooks; a delivery row is written in the same transaction as
  the event (a rolled-back action sends nothing).
* URLs: ``http`` or ``https`` only, no credentials in them. A private, loopback, link-local or
  reserved address is refused — at registration for literal addresses and local names, and
  again at every send after resolving the name (DNS rebinding) — unless an admin allowed that
  webhook. Redirects are not followed.
* Signature: ``X-Contest-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the
  webhook's secret>``, with ``X-Contest-Timestamp``, ``X-Contest-Event`` and
  ``X-Contest-Delivery`` (the id: receivers drop repeats).
* Sending: :func:`deliver` POSTs the JSON body with a timeout (``WEBHOOK_TIMEOUT``, 5 s). A 2xx
  answer succeeds (a succeeded delivery is never sent again); anything else is logged and
  retried after :data:`BACKOFF` (10 s, 1 min, 5 min, 30 min, 2 h), then marked failed.
  The task ``webhooks.deliver`` is queued after the commit when a broker is configured; the
  beat task ``webhooks.sweep`` sends every pending delivery that is due (lost messages,
  retries, and the embedded default without a broker).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..accounts.models import Role
from ..audit.models import AuditEntry
from ..errors import UserError
from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import utcnow
from .models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent

BACKOFF = (10, 60, 300, 1800, 7200)  # seconds before retry n (then: failed)
DEFAULT_TIMEOUT = 5.0
LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa")
AUDIT_EVENTS = {
    "entry.submit": WebhookEvent.ENTRY_SUBMITTED,
    "judging.sheet_submit": WebhookEvent.SHEET_SUBMITTED,
    "publication.publish": WebhookEvent.PUBLICATION_PUBLISHED,
}
_PENDING = "contest_webhook_events"
_QUEUED = "contest_webhook_deliveries"


class WebhookRefused(UserError):
    """A webhook cannot be registered as asked; ``message`` is for the user."""


# --- Addresses ---------------------------------------------------------------------------------


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def url_problem(url: str, allow_private: bool = False) -> str | None:
    """Why ``url`` cannot be a webhook (None: it can), without any network access."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("Địa chỉ URL không hợp lệ.")
    del port
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Chỉ chấp nhận địa chỉ http:// hoặc https://.")
    if parts.username or parts.password:
        return _("Địa chỉ URL không được chứa tên đăng nhập hoặc mật khẩu.")
    if len(url) > 500:
        return _("Địa chỉ URL quá dài (tối đa 500 ký tự).")
    if allow_private:
        return None
    host = parts.hostname.rstrip(".").lower()
    try:
        private = _private(host)
    except ValueError:
        private = host == "localhost" or host.endswith(LOCAL_SUFFIXES) or "." not in host
    if private:
        return _("Không được gửi tới địa chỉ nội bộ hoặc loopback (cần quản trị viên cho phép).")
    return None


def resolved_problem(url: str, allow_private: bool) -> str | None:
    """Resolve the URL's host now: refuse it when any address is private (unless allowed)."""
    if allow_private:
        return None
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"dns: {exc}"
    if not infos or any(_private(str(info[4][0])) for info in infos):
        return "refused: private address"
    return None


# --- Registering -------------------------------------------------------------------------------


def register_webhook(actor, url: str, events: list[str], *, allow_private: bool = False) -> Webhook:
    """Register ``url`` for ``events`` (organizers; ``allow_private`` by an admin only).
    Returns the webhook with its new secret. Flushes."""
    if not actor.has_role(Role.ORGANIZER):
        raise WebhookRefused(_("Chỉ Ban Tổ chức được đăng ký webhook."))
    if allow_private and not actor.has_role(Role.ADMIN):
        raise WebhookRefused(_("Chỉ quản trị viên được cho phép gửi tới địa chỉ nội bộ."))
    known = {e.value for e in WebhookEvent}
    wanted = sorted(set(events or ()))
    if not wanted or not set(wanted) <= known:
        raise WebhookRefused(_("Hãy chọn sự kiện trong danh sách được hỗ trợ."))
    problem = url_problem(url, allow_private)
    if problem:
        raise WebhookRefused(problem)
    hook = Webhook(
        url=url,
        events=wanted,
        secret=secrets.token_urlsafe(32),
        allow_private=allow_private,
        created_by_id=actor.id,
    )
    db.session.add(hook)
    db.session.flush()
    from ..audit.operations import record

    record(actor, "api.webhook_create", "webhook", hook.id, url=url, events=wanted)
    return hook


# --- Events → deliveries -----------------------------------------------------------------------


def _collect(session: Session, flush_context, instances) -> None:
    """before_flush: remember the new audit entries and results runs that are events."""
    from ..results.models import ResultsRun

    found = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if (
            isinstance(obj, AuditEntry)
            and obj.action in AUDIT_EVENTS
            or isinstance(obj, ResultsRun)
        ):
            found.append(obj)


def _payload(obj) -> tuple[str, dict] | None:
    """The event name and data of a collected object (ids are set after the flush)."""
    from ..results.models import ResultsRun

    if isinstance(obj, ResultsRun):
        return WebhookEvent.RESULTS_COMPILED.value, {
            "run_id": obj.id,
            "edition_id": obj.edition_id,
            "round_id": obj.round_id,
            "number": obj.number,
        }
    name = AUDIT_EVENTS[obj.action].value
    details = obj.details or {}
    if name == WebhookEvent.PUBLICATION_PUBLISHED.value:
        return name, {"edition_id": int(obj.object_id), "version": details.get("version")}
    if name == WebhookEvent.SHEET_SUBMITTED.value:
        return name, {"sheet_id": int(obj.object_id)}
    return name, {"entry_id": int(obj.object_id)}


def _write_deliveries(session: Session, flush_context) -> None:
    """after_flush_postexec: a pending delivery per active webhook subscribed to each event
    (flushed with the same transaction)."""
    found = session.info.pop(_PENDING, [])
    if not found:
        return
    hooks = session.scalars(select(Webhook).where(Webhook.active.is_(True))).all()
    if not hooks:
        return
    now = utcnow()
    for obj in found:
        made = _payload(obj)
        if made is None:
            continue
        name, data = made
        body = {"event": name, "occurred_at": now.isoformat(), "data": data}
        for hook in hooks:
            if name in (hook.events or ()):
                delivery = WebhookDelivery(
                    webhook_id=hook.id, event=name, payload=body, next_attempt_at=now
                )
                session.add(delivery)
                session.info.setdefault(_QUEUED, []).append(delivery)


def _queue_after_commit(session: Session) -> None:
    """after_commit: hand the new deliveries to the broker (never inline: the sweeper sends
    them when no broker is configured)."""
    made = session.info.pop(_QUEUED, [])
    if not made:
        return
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    except RuntimeError:
        return
    if not app.config.get("REDIS_URL") or app.config.get("CELERY_TASK_ALWAYS_EAGER"):
        return
    from .tasks import deliver_task

    for delivery in made:
        delivery_id = delivery.__dict__.get("id")
        if delivery_id is None:
            continue
        try:
            deliver_task.apply_async((delivery_id,), ignore_result=True)
        except Exception:  # noqa: BLE001 - broker down: the sweeper sends it later
            app.logger.warning("webhook delivery %s not queued", delivery_id, exc_info=True)


def _forget(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_QUEUED, None)


def listen() -> None:
    """Install the session hooks (once per process)."""
    if event.contains(Session, "before_flush", _collect):
        return
    event.listen(Session, "before_flush", _collect)
    event.listen(Session, "after_flush_postexec", _write_deliveries)
    event.listen(Session, "after_commit", _queue_after_commit)
    event.listen(Session, "after_soft_rollback", _forget)


# --- Sending -----------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Contest-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


def _post(url: str, body: bytes, headers: dict, timeout: float) -> int:
    """POST ``body``; the HTTP status (an ``HTTPError``'s too)."""
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def deliver(delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery now if it is pending (claimed with a conditional UPDATE, so two
    workers never both send it); record the attempt; commit. Returns its status."""
    now = now or utcnow()
    claimed = execute_dml(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + timedelta(seconds=60))  # a lease while sending
    ).rowcount
    db.session.commit()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return "missing"
    if not claimed:
        return delivery.status
    hook = delivery.webhook
    body = json.dumps({**delivery.payload, "delivery_id": delivery.id}, ensure_ascii=False).encode(
        "utf-8"
    )
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "contest-webhooks/1",
        "X-Contest-Event": delivery.event,
        "X-Contest-Delivery": str(delivery.id),
        "X-Contest-Timestamp": timestamp,
        "X-Contest-Signature": signature(hook.secret, timestamp, body),
    }
    status_code, error = None, ""
    if not hook.active:
        error = "webhook removed"
    else:
        error = resolved_problem(hook.url, hook.allow_private) or ""
    if not error:
        timeout = float(current_app.config.get("WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT))
        try:
            status_code = _post(hook.url, body, headers, timeout)
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:400]
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    delivery.log = [*(delivery.log or []), f"{now.isoformat()} {status_code or error}"]
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = DeliveryStatus.SUCCEEDED.value
        delivery.delivered_at = now
    elif delivery.attempts > len(BACKOFF) or error == "webhook removed":
        delivery.status = DeliveryStatus.FAILED.value
    else:
        delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[delivery.attempts - 1])
    current_app.logger.info(
        "webhook delivery %s to %s: attempt %d → %s",
        delivery.id,
        hook.url,
        delivery.attempts,
        status_code or error,
    )
    db.session.commit()
    return delivery.status


def due_ids(now: datetime | None = None, limit: int = 100) -> list[int]:
    """Pending deliveries whose next attempt is due."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING.value,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.id)
            .limit(limit)
        )
    )


def deliver_due(now: datetime | None = None) -> int:
    """Send every due pending delivery (the sweeper); returns how many were tried."""
    ids = due_ids(now)
    for delivery_id in ids:
        deliver(delivery_id, now)
    return len(ids)
