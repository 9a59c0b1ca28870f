"""Who may see and who may change which entry — the only place that decides it.

Visibility is one SQL condition, :func:`scope_clause`, used by the loader
(:func:`load_entry`), by :func:`can_view` and by every list and count of
:mod:`contest.entries.queries`:

* organizers (and admins) see every entry — an organizer bound to a province only the
  entries of its editions (:mod:`contest.contests.tenancy`);
* a coordinator sees the entries whose area is their area or any area under it (an entry
  without a known area — an imported name that matched nothing — is the organizers' only);
  a coordinator of a group (cluster of communes, sector: :mod:`contest.areas.groups`) sees
  the entries of the group's communes (and under) and of its units;
* an entrant sees the entries they own;
* judges see nothing here: a judge's view of an assigned entry exists only in the judging
  pages (:mod:`contest.judging.views_judge`, blind, and only while the judge may judge it), so
  no entrant, coordinator, organizer or attachment route ever serves an entry to a judge.

A user holding several roles sees the union (a judge who owns an entry sees it as its owner).
Anonymous users see nothing.

Changes (:func:`edit_refusal`): organizers may correct any entry at any time; the owner and
the coordinators of the entry's area may change it only while submissions are open for that
area (deadline and extensions) and while its status is draft, submitted, received or
withdrawn — after the deadline the entry is read-only for them.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, or_, select

from ..accounts.models import Role
from ..areas.groups import group_area_select, group_unit_select
from ..areas.tree import subtree_select
from ..contests.deadlines import SubmissionsClosed, ensure_submissions_open
from ..contests.tenancy import entry_clause
from ..errors import UserError
from ..extensions import db
from .models import Entry, EntryStatus

# Statuses in which the owner (or a coordinator helping) may still change an entry.
ENTRANT_EDITABLE = frozenset(
    {EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.RECEIVED, EntryStatus.WITHDRAWN}
)


class NotAllowed(UserError):
    """The acting user may not do this to this entry; ``message`` is for the user."""

    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("Bạn không có quyền thực hiện thao tác này với hồ sơ."))


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_organizer(user) -> bool:
    """True for organizers and admins."""
    return _authenticated(user) and user.has_role(Role.ORGANIZER)


def scope_clause(user) -> ColumnElement:
    """The SQL condition on :class:`Entry` that ``user`` may see."""
    if not _authenticated(user):
        return false()
    if is_organizer(user):
        return entry_clause(user, Entry.edition_id)  # an organizer of a province: its editions
    clauses: list[ColumnElement] = [Entry.owner_id == user.id]
    if user.has_role(Role.COORDINATOR):
        clauses.append(coordinator_clause(user))
    return or_(*clauses)


def coordinator_clause(user) -> ColumnElement:
    """The entries of a coordinator's area (and every area under it) or, for a coordinator of
    a group, of the group's communes (and under) and units (:mod:`contest.areas.groups`)."""
    group_id = user.coordinator_group_id()
    if group_id is not None:
        return or_(
            Entry.area_id.in_(group_area_select(group_id)),
            Entry.unit_id.in_(group_unit_select(group_id)),
        )
    area_id = user.coordinator_area_id()
    if area_id is None:
        return false()
    return Entry.area_id.in_(subtree_select(area_id, "scope_areas"))


def visible_entries(user):
    """``SELECT`` of the entries ``user`` may see (add filters, ordering, paging)."""
    return select(Entry).where(scope_clause(user))


def can_view(user, entry: Entry) -> bool:
    """True when ``user`` may see ``entry`` (the same rule as every list)."""
    if entry.id is None:
        return False
    stmt = select(Entry.id).where(Entry.id == entry.id, scope_clause(user))
    return db.session.execute(stmt).first() is not None


def load_entry(entry_id: int, user) -> Entry:
    """The entry ``entry_id`` if ``user`` may see it; 404 otherwise (an entry of another
    area does not exist for a coordinator)."""
    entry = db.session.execute(
        select(Entry).where(Entry.id == entry_id, scope_clause(user))
    ).scalar_one_or_none()
    if entry is None:
        abort(404)
    return entry


def in_coordinator_area(user, entry: Entry) -> bool:
    """True when ``user`` coordinates the area of ``entry`` (or an area above it)."""
    if not (_authenticated(user) and user.has_role(Role.COORDINATOR)):
        return False
    stmt = select(Entry.id).where(Entry.id == entry.id, coordinator_clause(user))
    return db.session.execute(stmt).first() is not None


def is_helper(user, entry: Entry) -> bool:
    """True for the owner of ``entry`` and the coordinators of its area."""
    if not _authenticated(user):
        return False
    return entry.owner_id == user.id or in_coordinator_area(user, entry)


def edit_refusal(user, entry: Entry, now: datetime | None = None) -> str | None:
    """Why ``user`` may not change ``entry`` now (None: they may)."""
    try:
        ensure_can_edit(user, entry, now)
    except NotAllowed as exc:
        return str(exc.message)
    except SubmissionsClosed as exc:
        return str(exc)
    return None


def can_edit(user, entry: Entry, now: datetime | None = None) -> bool:
    """True when ``user`` may change ``entry`` now."""
    return edit_refusal(user, entry, now) is None


def ensure_can_edit(user, entry: Entry, now: datetime | None = None) -> None:
    """Raise :class:`NotAllowed` or :class:`SubmissionsClosed` unless ``user`` may change
    ``entry`` at ``now``. Operations call it right where they write."""
    if is_organizer(user):
        return
    if not is_helper(user, entry):
        raise NotAllowed()
    ensure_submissions_open(entry.edition, entry.area, now)
    if entry.status not in ENTRANT_EDITABLE:
        raise NotAllowed(
            _(
                "Hồ sơ đang ở trạng thái “%(status)s”: không thể sửa.",
                status=str(EntryStatus(entry.status).label),
            )
        )


def ensure_organizer(user) -> None:
    """Raise :class:`NotAllowed` unless ``user`` is an organizer (intake actions)."""
    if not is_organizer(user):
        raise NotAllowed(_("Chỉ Ban Tổ chức được thực hiện thao tác này."))
