"""Deadlines and the timeline as the database sees them: an area's ancestors, the phase and
deadline for an area, the check every entry write calls, and deadline extensions (audited;
flush, never commit)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from ..audit.operations import record
from ..errors import UserError
from ..timeutil import LOCAL_TZ, utcnow
from . import timeline
from .models import DeadlineExtension, Edition
from .saving import flush_edition
from .validation import InvalidEdition, Problem

if TYPE_CHECKING:
    from ..areas.models import Area
    from ..audit.actor import Actor


def area_ancestor_ids(area: Area | None) -> list[int]:
    """Ids of the areas above ``area`` (district, province), nearest first."""
    ids, node = [], getattr(area, "parent", None)
    while node is not None:
        ids.append(node.id)
        node = node.parent
    return ids


def edition_phase(
    edition: Edition, now: datetime | None = None, area: Area | None = None
) -> timeline.Phase:
    """The edition's phase now, as seen from ``area`` (None: the whole edition)."""
    now = now or utcnow()
    if area is None:
        return timeline.phase(edition, now)
    return timeline.phase(edition, now, area.id, area_ancestor_ids(area))


def deadline_for(edition: Edition, area: Area | None = None) -> datetime:
    """The effective submission deadline for ``area`` (None: the whole edition)."""
    if area is None:
        return timeline.effective_deadline(edition)
    return timeline.effective_deadline(edition, area.id, area_ancestor_ids(area))


class SubmissionsClosed(UserError):
    """Raised by :func:`ensure_submissions_open` (a write outside the submission window);
    ``message`` names the phase the edition is in."""


def ensure_submissions_open(
    edition: Edition, area: Area | None = None, now: datetime | None = None
) -> None:
    """Raise :class:`SubmissionsClosed` unless entries from ``area`` may be written now.
    Call it in every operation that writes an entry, right where it writes."""
    current = edition_phase(edition, now, area)
    if current != timeline.Phase.OPEN:
        raise SubmissionsClosed(
            _("Lần thi không nhận hồ sơ lúc này (%(phase)s).", phase=str(current.label))
        )


def extend_deadline(
    edition: Edition,
    area: Area | None,
    new_deadline: datetime,
    reason: str,
    actor: Actor | None,
    *,
    now: datetime | None = None,
) -> DeadlineExtension:
    """Extend the submission deadline of the whole edition (``area`` None) or of ``area`` and
    the areas under it, with a reason (audited). Extensions only ever move a deadline later."""
    now = now or utcnow()
    problems = []
    if not (reason or "").strip():
        problems.append(Problem("reason", _("cần ghi rõ lý do gia hạn")))
    if new_deadline.tzinfo is None:
        problems.append(Problem("new_deadline", _("thời điểm phải có múi giờ")))
    else:
        current = deadline_for(edition, area)
        if new_deadline <= current:
            problems.append(
                Problem(
                    "new_deadline",
                    _(
                        "hạn mới phải sau hạn hiện tại (%(current)s)",
                        current=current.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y"),
                    ),
                )
            )
        if edition.judging_starts_at and new_deadline > edition.judging_starts_at:
            problems.append(Problem("new_deadline", _("hạn mới phải trước thời điểm bắt đầu chấm")))
    if timeline.judging_started(edition, now):
        problems.append(Problem("", _("việc chấm đã bắt đầu: không thể gia hạn nộp hồ sơ")))
    if problems:
        raise InvalidEdition(problems)
    previous = deadline_for(edition, area)
    extension = DeadlineExtension(
        area_id=getattr(area, "id", None),
        new_deadline=new_deadline,
        reason=reason.strip(),
        created_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    edition.extensions.append(extension)
    edition.updated_at = now
    flush_edition(edition.slug)
    record(
        actor,
        "edition.extend_deadline",
        "edition",
        edition.id,
        area_id=extension.area_id,
        area=getattr(area, "name", None),
        before=previous.astimezone(LOCAL_TZ).isoformat(),
        after=new_deadline.astimezone(LOCAL_TZ).isoformat(),
        reason=extension.reason,
    )
    return extension


def set_reminder_days(edition: Edition, days: int | None, actor: Actor | None) -> bool:
    """Set how many days before an entrant's effective deadline an unsubmitted draft gets its
    one reminder (0: none; None: unchanged); audited. Returns True when it changed."""
    if days is None or days == edition.reminder_days_before:
        return False
    if not 0 <= days <= 60:
        raise InvalidEdition([Problem("reminder_days_before", _("từ 0 đến 60 ngày"))])
    before = edition.reminder_days_before
    edition.reminder_days_before = days
    edition.updated_at = utcnow()
    record(
        actor,
        "edition.reminder_days",
        "edition",
        edition.id,
        changes={"reminder_days_before": {"before": before, "after": days}},
    )
    return True
