"""Celery tasks of the webhooks (:mod:`.webhooks`): one delivery, and the sweeper that sends
every due delivery (beat schedule in :mod:`contest.celery_app`)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="webhooks.deliver", ignore_result=True, acks_late=True)
def deliver_task(delivery_id: int) -> str:
    """Send one delivery if it is pending and due (idempotent: a succeeded one is not sent
    again; a failed attempt is retried by the sweeper after its backoff)."""
    from .webhooks import deliver

    return deliver(delivery_id)


@shared_task(name="webhooks.sweep", ignore_result=True)
def sweep_task() -> int:
    """Send every pending delivery that is due (retries, lost messages)."""
    from .webhooks import deliver_due

    return deliver_due()
