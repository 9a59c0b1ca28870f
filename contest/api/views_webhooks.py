"""Webhooks of organizers (:mod:`.webhooks`): ``GET /webhooks``, ``POST /webhooks`` (the
signing secret is in this answer only), ``DELETE /webhooks/<id>`` (deactivates it) and
``GET /webhooks/<id>/deliveries`` (the deliveries' log). Organizers see every webhook;
``allow_private`` needs an admin."""

from __future__ import annotations

from flask import Response, g, url_for
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Role
from ..extensions import db
from . import schemas
from .core import bp, json_answer, operation
from .models import Webhook, WebhookDelivery
from .problems import Problem
from .views_editions import _moment
from .webhooks import WebhookRefused, register_webhook


def webhook_json(hook: Webhook) -> dict:
    return {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events or ()),
        "allow_private": hook.allow_private,
        "active": hook.active,
        "created_at": _moment(hook.created_at),
    }


def _load(webhook_id: int) -> Webhook:
    hook = db.session.get(Webhook, webhook_id)
    if hook is None:
        raise Problem(404)
    return hook


@bp.get("/webhooks")
@operation(
    summary="Các webhook đã đăng ký",
    tags=("webhooks",),
    roles=(Role.ORGANIZER,),
    response=schemas.WebhookListSchema,
    errors=(403,),
)
def webhooks():
    """Every webhook (organizers)."""
    found = db.session.scalars(select(Webhook).order_by(Webhook.id))
    return json_answer({"items": [webhook_json(h) for h in found]})


@bp.post("/webhooks")
@operation(
    summary="Đăng ký webhook",
    tags=("webhooks",),
    scope="write",
    roles=(Role.ORGANIZER,),
    body=schemas.WebhookCreateSchema,
    response=schemas.WebhookCreatedSchema,
    status=201,
    errors=(403, 415, 422),
)
def create_webhook():
    """Register a URL for events; the answer holds the signing secret (shown once)."""
    data = g.body
    try:
        hook = register_webhook(
            current_user, data["url"], data["events"], allow_private=data["allow_private"]
        )
    except WebhookRefused as exc:
        raise Problem(422, exc.message, code="webhook-refused") from None
    db.session.commit()
    response = json_answer({**webhook_json(hook), "secret": hook.secret}, 201, conditional=False)
    response.headers["Location"] = url_for("api.webhook_deliveries", webhook_id=hook.id)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/webhooks/<int:webhook_id>")
@operation(
    summary="Gỡ webhook",
    tags=("webhooks",),
    scope="write",
    roles=(Role.ORGANIZER,),
    status=204,
    errors=(403, 404),
)
def delete_webhook(webhook_id: int):
    """Deactivate a webhook: nothing more is sent to it (its log stays)."""
    hook = _load(webhook_id)
    hook.active = False
    db.session.commit()
    return Response(status=204)


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@operation(
    summary="Nhật ký gửi của một webhook",
    tags=("webhooks",),
    roles=(Role.ORGANIZER,),
    response=schemas.DeliveryListSchema,
    errors=(403, 404),
)
def webhook_deliveries(webhook_id: int):
    """The webhook's last 100 deliveries, newest first, each with its attempts."""
    hook = _load(webhook_id)
    found = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(100)
    )
    items = [
        {
            "id": d.id,
            "event": d.event,
            "status": d.status,
            "attempts": d.attempts,
            "last_status_code": d.last_status_code,
            "last_error": d.last_error or "",
            "log": list(d.log or ()),
            "created_at": _moment(d.created_at),
            "delivered_at": _moment(d.delivered_at),
        }
        for d in found
    ]
    return json_answer({"items": items})
