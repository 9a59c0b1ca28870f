"""Writing an announcement and sending it: the recipients are chosen (:mod:`.audience`) and
frozen in the same transaction as the announcement and its sending job, which reaches Celery
after the commit (``contest.jobs.operations.commit``). Operations flush, audit, and never
commit.

The organizer confirms the number of recipients the preview showed: when the audience has
changed since (an entry submitted, a judge added), :class:`CountChanged` asks them to confirm
the new number. A sending that stopped (a worker killed, a refused address) is resumed by a
new job for the same announcement: it writes only to the addresses not yet written to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..audit.operations import record
from ..errors import UserError
from ..extensions import db
from ..jobs.models import FINISHED
from ..jobs.operations import create_job
from .audience import AudienceError, Selection, select_recipients
from .models import Announcement, AnnouncementRecipient, Audience, RecipientStatus

if TYPE_CHECKING:
    from ..accounts.models import User
    from ..areas.models import Area
    from ..contests.models import Edition, EditionField

SEND_KIND = "announcements.send"
SUBJECT_MAX = 200
BODY_MAX = 10000
KEY_MAX = 200  # sent_notifications.key


class InvalidAnnouncement(UserError):
    """The announcement cannot be sent; ``problems`` are (input name or "", message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(m for _k, m in problems))


class CountChanged(UserError):
    """The audience changed since the preview: ``count`` recipients now, ``previous`` then;
    ``message`` asks to confirm again."""

    def __init__(self, previous: int, count: int):
        self.previous = previous
        self.count = count
        super().__init__(
            _l(
                "Số người nhận đã thay đổi từ %(before)d thành %(after)d kể từ lúc xem trước: "
                "vui lòng xác nhận lại.",
                before=previous,
                after=count,
            )
        )


def notification_key(prefix: str, address: str) -> str:
    """``<prefix>:<address>`` (case-folded), or a digest of the address when that would not
    fit the key column."""
    key = f"{prefix}:{address.casefold()}"
    if len(key) <= KEY_MAX:
        return key
    return f"{prefix}:sha256:{hashlib.sha256(address.casefold().encode()).hexdigest()}"


def message_key(announcement_id: int, address: str) -> str:
    """The at-most-once key of one announcement to one address."""
    return notification_key(f"announcement:{announcement_id}", address)


def clean_text(subject: str | None, body: str | None) -> tuple[str, str]:
    """The subject (one line) and body, trimmed; raises :class:`InvalidAnnouncement`."""
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    problems = []
    if not subject:
        problems.append(("subject", _("Vui lòng nhập tiêu đề thông báo.")))
    elif len(subject) > SUBJECT_MAX:
        problems.append(("subject", _("Tiêu đề tối đa %(max)d ký tự.", max=SUBJECT_MAX)))
    if not body:
        problems.append(("body", _("Vui lòng nhập nội dung thông báo.")))
    elif len(body) > BODY_MAX:
        problems.append(("body", _("Nội dung tối đa %(max)d ký tự.", max=BODY_MAX)))
    if problems:
        raise InvalidAnnouncement(problems)
    return subject, body


def preview(
    edition: Edition,
    audience: Audience | str,
    area: Area | None = None,
    field_: EditionField | None = None,
) -> Selection:
    """The recipients the announcement would reach now (raises :class:`InvalidAnnouncement`
    for a filter the audience has no use for)."""
    try:
        return select_recipients(edition, audience, area, field_)
    except AudienceError as exc:
        raise InvalidAnnouncement(exc.problems) from None


def send(
    edition: Edition,
    actor: User | None,
    audience: Audience | str,
    subject: str,
    body: str,
    *,
    area: Area | None = None,
    field_: EditionField | None = None,
    expected_count: int | None = None,
) -> Announcement:
    """Record the announcement with its recipients and add its sending job (module
    docstring). Raises :class:`InvalidAnnouncement` or :class:`CountChanged`."""
    subject, body = clean_text(subject, body)
    selection = preview(edition, audience, area, field_)
    if selection.count == 0:
        raise InvalidAnnouncement([("", _("Không có người nhận nào phù hợp với lựa chọn này."))])
    if expected_count is not None and expected_count != selection.count:
        raise CountChanged(expected_count, selection.count)
    announcement = Announcement(
        edition_id=edition.id,
        audience=Audience(audience).value,
        area_id=getattr(area, "id", None),
        area_name=getattr(area, "name", "") or "",
        field_id=getattr(field_, "id", None),
        field_name=getattr(field_, "name", "") or "",
        subject=subject,
        body=body,
        recipient_count=selection.count,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(announcement)
    db.session.flush()
    db.session.add_all(
        AnnouncementRecipient(
            announcement_id=announcement.id, email=r.email, name=r.name[:200], user_id=r.user_id
        )
        for r in selection.recipients
    )
    job = create_job(
        SEND_KIND, {"announcement_id": announcement.id}, user=actor, total=selection.count
    )
    announcement.job_id = job.id
    record(
        actor,
        "announcement.send",
        "edition",
        edition.id,
        announcement_id=announcement.id,
        audience=announcement.audience,
        area=announcement.area_name or None,
        field=announcement.field_name or None,
        subject=subject,
        recipients=selection.count,
    )
    db.session.flush()
    return announcement


def resume(announcement: Announcement, actor: User | None) -> Announcement:
    """Send what is left of ``announcement`` with a new job (addresses not yet written to,
    and those the mail server refused)."""
    job = announcement.job
    if job is not None and job.status not in FINISHED:
        raise InvalidAnnouncement([("", _("Thông báo đang được gửi; vui lòng chờ."))])
    left = counts([announcement.id]).get(announcement.id, Counts()).left
    if left == 0:
        raise InvalidAnnouncement([("", _("Thông báo đã được gửi tới mọi người nhận."))])
    new_job = create_job(
        SEND_KIND,
        {"announcement_id": announcement.id},
        user=actor,
        total=announcement.recipient_count,
    )
    announcement.job_id = new_job.id
    record(
        actor,
        "announcement.resume",
        "edition",
        announcement.edition_id,
        announcement_id=announcement.id,
        left=left,
    )
    db.session.flush()
    return announcement


@dataclass(frozen=True)
class Counts:
    """How far the sending of one announcement went."""

    pending: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def left(self) -> int:
        return self.pending + self.failed


def counts(announcement_ids: Iterable[int]) -> dict[int, Counts]:
    """Recipients per status of each announcement (one query)."""
    ids = list(announcement_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            AnnouncementRecipient.announcement_id,
            AnnouncementRecipient.status,
            func.count(AnnouncementRecipient.id),
        )
        .where(AnnouncementRecipient.announcement_id.in_(ids))
        .group_by(AnnouncementRecipient.announcement_id, AnnouncementRecipient.status)
    ).all()
    found: dict[int, dict[str, int]] = {}
    for announcement_id, status, n in rows:
        found.setdefault(announcement_id, {})[status] = n
    return {
        i: Counts(
            found.get(i, {}).get(RecipientStatus.PENDING.value, 0),
            found.get(i, {}).get(RecipientStatus.SENT.value, 0),
            found.get(i, {}).get(RecipientStatus.FAILED.value, 0),
        )
        for i in ids
    }


def for_edition(edition: Edition) -> list[Announcement]:
    """The edition's announcements, newest first."""
    return list(
        db.session.scalars(
            select(Announcement)
            .where(Announcement.edition_id == edition.id)
            .order_by(Announcement.id.desc())
        )
    )
