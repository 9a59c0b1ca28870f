"""The e-mails of the automatic notices, rendered, each with its at-most-once key. Reads only;
the sending is :mod:`.tasks`.

* **Deadline extended** (audit ``edition.extend_deadline``): the owners of the draft and
  submitted entries whose effective deadline is now the extension's (entries of the area and
  the areas under it; every area for a whole-edition extension; an area that already had a
  later deadline is not concerned). One e-mail per owner listing their entries; key
  ``extension:<audit id>:<address>``.
* **Entry reclassified** (audit ``entry.reclassify``): its owner, with the field (and board)
  before and after; key ``reclassify:<audit id>:<address>``.
* **Draft reminder**: the owner of a draft (not submitted) whose effective deadline is at most
  ``edition.reminder_days_before`` days away while submissions are open for its area; what
  the draft still lacks is listed. One reminder per draft ever: key ``reminder:<entry id>``.

Deactivated accounts and unusable addresses get nothing. E-mails are in the account's
language (Vietnamese by default).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..areas.tree import descendant_ids
from ..audit.models import AuditEntry
from ..contests import timeline
from ..contests.deadlines import deadline_for, edition_phase
from ..contests.models import Edition
from ..entries.completeness import check
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..publication.models import SentNotification
from ..publication.notify_plan import Mail, public_url
from ..timeutil import format_local
from .audience import normalized
from .operations import notification_key

EXTENSION = "edition.extend_deadline"
RECLASSIFY = "entry.reclassify"
NOTICE_ACTIONS = (EXTENSION, RECLASSIFY)


def _render(user, template: str, subject, **context) -> tuple[str, str, str] | None:
    """(address, subject, body) for an active account with a usable address, else None."""
    if user is None or not user.is_active_account:
        return None
    address = normalized(user.email)
    if address is None:
        return None
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(f"emails/{template}.txt", user=user, **context)
        return address, str(subject()), body


# ---------------------------------------------------------------- automatic notices


def notice_mails(audit: AuditEntry) -> list[Mail]:
    """The e-mails of the event ``audit`` records (module docstring)."""
    if audit.action == EXTENSION:
        return _extension_mails(audit)
    if audit.action == RECLASSIFY:
        return _reclassify_mails(audit)
    return []


def _extension_mails(audit: AuditEntry) -> list[Mail]:
    edition = db.session.get(Edition, int(audit.object_id))
    if edition is None:
        return []
    details = audit.details or {}
    new_deadline = datetime.fromisoformat(details["after"])
    query = select(Entry).where(
        Entry.edition_id == edition.id,
        Entry.status.in_([EntryStatus.DRAFT.value, EntryStatus.SUBMITTED.value]),
        Entry.owner_id.is_not(None),
    )
    if details.get("area_id") is not None:
        query = query.where(Entry.area_id.in_(descendant_ids(int(details["area_id"]))))
    entries = db.session.scalars(
        query.options(selectinload(Entry.owner), selectinload(Entry.area)).order_by(Entry.id)
    )
    deadlines: dict[int | None, datetime] = {}
    by_owner: dict[int | None, list[Entry]] = defaultdict(list)
    owners = {}
    for entry in entries:
        if entry.area_id not in deadlines:
            deadlines[entry.area_id] = deadline_for(edition, entry.area)
        if deadlines[entry.area_id] != new_deadline:
            continue  # a later deadline already applied there
        by_owner[entry.owner_id].append(entry)
        owners[entry.owner_id] = entry.owner
    mails = []
    for owner_id, owned in by_owner.items():
        rendered = _render(
            owners[owner_id],
            "announcement_extension",
            lambda: _("Gia hạn nộp hồ sơ – %(edition)s", edition=edition.title),
            edition=edition,
            entries=owned,
            deadline=format_local(new_deadline, "%H:%M %d/%m/%Y"),
            reason=details.get("reason") or "",
            area=details.get("area") or "",
        )
        if rendered:
            address, subject, body = rendered
            key = notification_key(f"extension:{audit.id}", address)
            mails.append(Mail(key, "announcement.extension", address, subject, body))
    return mails


def _reclassify_mails(audit: AuditEntry) -> list[Mail]:
    entry = db.session.get(Entry, int(audit.object_id))
    if entry is None:
        return []
    edition = entry.edition
    details = audit.details or {}

    def names(side: dict) -> tuple[str, str]:
        field_ = edition.field_by_code(side.get("field") or "")
        board = next((b for b in edition.boards if b.code == side.get("board")), None)
        return (field_.name if field_ else side.get("field") or "", board.name if board else "")

    before, after = names(details.get("before") or {}), names(details.get("after") or {})
    rendered = _render(
        entry.owner,
        "announcement_reclassify",
        lambda: _(
            "Hồ sơ %(code)s được chuyển lĩnh vực – %(edition)s",
            code=entry.code or entry.title,
            edition=edition.title,
        ),
        edition=edition,
        entry=entry,
        before=before,
        after=after,
        link=public_url("entries.detail", f"/my/entries/{entry.id}", entry_id=entry.id),
    )
    if not rendered:
        return []
    address, subject, body = rendered
    key = notification_key(f"reclassify:{audit.id}", address)
    return [Mail(key, "announcement.reclassify", address, subject, body)]


# ---------------------------------------------------------------- draft reminders


def reminder_key(entry_id: int) -> str:
    return f"reminder:{entry_id}"


def due_drafts(now: datetime) -> list[tuple[Entry, datetime]]:
    """Drafts due a reminder at ``now`` and not reminded yet, with their deadlines."""
    editions = db.session.scalars(
        select(Edition)
        .where(
            Edition.reminder_days_before > 0,
            Edition.opens_at.is_not(None),
            Edition.opens_at <= now,
            Edition.published_at.is_(None),
            Edition.archived_at.is_(None),
        )
        .order_by(Edition.id)
    ).all()
    due = []
    for edition in editions:
        if timeline.judging_started(edition, now):
            continue
        window = timedelta(days=edition.reminder_days_before)
        drafts = db.session.scalars(
            select(Entry)
            .where(
                Entry.edition_id == edition.id,
                Entry.status == EntryStatus.DRAFT.value,
                Entry.owner_id.is_not(None),
            )
            .options(selectinload(Entry.owner), selectinload(Entry.area))
            .order_by(Entry.id)
        )
        deadlines: dict[int | None, datetime | None] = {}
        for entry in drafts:
            if entry.area_id not in deadlines:
                open_ = edition_phase(edition, now, entry.area) == timeline.Phase.OPEN
                deadlines[entry.area_id] = deadline_for(edition, entry.area) if open_ else None
            deadline = deadlines[entry.area_id]
            if deadline is not None and deadline - window <= now < deadline:
                due.append((entry, deadline))
    if not due:
        return []
    keys = [reminder_key(entry.id) for entry, _d in due]
    sent: set[str] = set()
    for start in range(0, len(keys), 500):
        sent.update(
            db.session.scalars(
                select(SentNotification.key).where(
                    SentNotification.key.in_(keys[start : start + 500])
                )
            )
        )
    return [(entry, deadline) for entry, deadline in due if reminder_key(entry.id) not in sent]


def reminder_mail(entry: Entry, deadline: datetime, now: datetime) -> Mail | None:
    """The reminder of one draft (None: its owner cannot be written to)."""
    edition = entry.edition
    days_left = max(0, (deadline - now).days)
    rendered = _render(
        entry.owner,
        "announcement_reminder",
        lambda: _("Nhắc nộp hồ sơ trước hạn – %(edition)s", edition=edition.title),
        edition=edition,
        entry=entry,
        deadline=format_local(deadline, "%H:%M %d/%m/%Y"),
        days_left=days_left,
        missing=check(entry, now.date()).messages(),
        link=public_url("entries.detail", f"/my/entries/{entry.id}", entry_id=entry.id),
    )
    if not rendered:
        return None
    address, subject, body = rendered
    return Mail(reminder_key(entry.id), "announcement.reminder", address, subject, body)
