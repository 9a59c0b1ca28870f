"""E-mail reminders to judges with sheets due.

A judge is due a reminder when, in an edition whose judging window is open now, they have an
assignment without a submitted sheet. Each judge gets at most one reminder a day (the local,
Asia/Ho_Chi_Minh calendar day): the sent-at record is the ``judging.reminder`` audit entry on
the judge, checked before sending. The e-mail names the editions and how many sheets are due
— never an entry's title, author, unit or area (blind judging).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..accounts.emails import mail_user
from ..accounts.models import User
from ..audit.models import AuditEntry
from ..audit.operations import record
from ..contests import timeline
from ..contests.models import Edition
from ..extensions import db
from ..timeutil import LOCAL_TZ, as_utc, utcnow
from .models import Assignment, ScoreSheet, SheetStatus

ACTION = "judging.reminder"


@dataclass(frozen=True)
class DueEdition:
    """An edition in which a judge has sheets due."""

    title: str
    due: int
    ends_at: datetime | None


def open_editions(now: datetime) -> list[Edition]:
    """Editions whose judging window is open at ``now``."""
    candidates = db.session.scalars(
        select(Edition).where(
            Edition.judging_starts_at.is_not(None), Edition.judging_starts_at <= now
        )
    )
    return [e for e in candidates if timeline.phase(e, now) == timeline.Phase.JUDGING]


def due_by_judge(editions: list[Edition]) -> dict[int, list[DueEdition]]:
    """``{judge id: [DueEdition, …]}``: assignments without a submitted sheet (one query)."""
    if not editions:
        return {}
    by_id = {e.id: e for e in editions}
    rows = db.session.execute(
        select(Assignment.judge_id, Assignment.edition_id, func.count(Assignment.id))
        .outerjoin(
            ScoreSheet,
            and_(
                ScoreSheet.round_id == Assignment.round_id,
                ScoreSheet.entry_id == Assignment.entry_id,
                ScoreSheet.judge_id == Assignment.judge_id,
                ScoreSheet.status == SheetStatus.SUBMITTED.value,
            ),
        )
        .where(Assignment.edition_id.in_(by_id), ScoreSheet.id.is_(None))
        .group_by(Assignment.judge_id, Assignment.edition_id)
    )
    out: dict[int, list[DueEdition]] = defaultdict(list)
    for judge_id, edition_id, count in rows:
        edition = by_id[edition_id]
        out[judge_id].append(DueEdition(edition.title, int(count), edition.judging_ends_at))
    return dict(out)


def start_of_local_day(now: datetime) -> datetime:
    """Midnight (Vietnam time) of ``now``'s local day, in UTC."""
    local = as_utc(now).astimezone(LOCAL_TZ)
    return as_utc(datetime.combine(local.date(), time(0, 0), tzinfo=LOCAL_TZ))


def reminded_today(judge_ids, now: datetime) -> set[int]:
    """The judges among ``judge_ids`` already reminded on ``now``'s local day."""
    if not judge_ids:
        return set()
    rows = db.session.scalars(
        select(AuditEntry.object_id).where(
            AuditEntry.action == ACTION,
            AuditEntry.object_type == "user",
            AuditEntry.object_id.in_([str(j) for j in judge_ids]),
            AuditEntry.at >= start_of_local_day(now),
        )
    )
    return {int(r) for r in rows}


def _home_link() -> str:
    """The absolute link to the judge's home page (also outside a request: a beat task)."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")
    if has_request_context() and current_app.config.get("ENV_NAME") != "production":
        return url_for("main.judge_home", _external=True)
    with current_app.test_request_context("/", base_url=base):
        return url_for("main.judge_home", _external=True)


def send_reminders(now: datetime | None = None) -> list[int]:
    """Queue one reminder to every judge with sheets due who was not reminded today; record
    each (audit). Returns the ids of the judges reminded. Flushes; the caller commits with
    :func:`contest.jobs.operations.commit`."""
    now = now or utcnow()
    due = due_by_judge(open_editions(now))
    skip = reminded_today(set(due), now)
    link = _home_link() if due else ""
    sent = []
    for judge_id in sorted(set(due) - skip):
        judge = db.session.get(User, judge_id)
        if judge is None or not judge.is_active:
            continue
        items = sorted(due[judge_id], key=lambda d: d.title)
        mail_user(
            judge,
            _l("Nhắc chấm thi: còn phiếu chấm chưa nộp"),
            "judging_reminder",
            items=items,
            total=sum(d.due for d in items),
            link=link,
        )
        audit = record(None, ACTION, "user", judge_id, due=sum(d.due for d in items))
        audit.at = now
        sent.append(judge_id)
    db.session.flush()
    return sent
