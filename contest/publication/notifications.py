"""E-mail notifications sent at most once (results, complaint answers, announcements, digests).

``send_once(key, …)`` claims ``key`` in ``sent_notifications`` (unique) and commits the claim
before it delivers: a second call with the same key — a duplicated or redelivered job, a
publish clicked twice — finds the claim and sends nothing. When delivery raises, the claim is
removed (and committed) so a retry can send it. A worker killed between the claim and the
delivery loses that one message rather than sending it twice (at most once; the claim rows are
the record of what was sent). Call it from a job (it commits), never inside a request's
transaction.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import build_message, deliver
from .models import SentNotification


def already_sent(key: str) -> bool:
    """True when ``key`` was claimed (sent or being sent)."""
    found = db.session.scalar(select(SentNotification.id).where(SentNotification.key == key))
    return found is not None


def send_once(key: str, kind: str, to: str, subject: str, body: str) -> bool:
    """Send one e-mail unless ``key`` was sent before; True when it was sent now."""
    db.session.commit()  # the caller's pending work is not ours to lose on rollback below
    try:
        db.session.add(SentNotification(key=key, kind=kind, recipient=to, subject=subject))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    try:
        deliver(build_message(to, subject, body))
    except Exception:
        db.session.execute(delete(SentNotification).where(SentNotification.key == key))
        db.session.commit()
        raise
    return True
