"""The timeline of an edition: pure functions of the edition's dates and ``now``.

No database and no clock in here: callers pass ``now`` (aware), the edition (or anything with
the same attributes: ``opens_at``, ``submission_deadline``, ``judging_starts_at``,
``judging_ends_at``, ``published_at``, ``archived_at`` and ``extensions``, each extension with
``area_id`` and ``new_deadline``) and, for an area, the ids of its ancestors.

Phases, checked from the last one back (every boundary instant belongs to the later phase):

* ``archived`` from ``archived_at``;
* ``published`` from ``published_at``;
* ``review`` (results review) from ``judging_ends_at``;
* ``judging`` from ``judging_starts_at``;
* ``draft`` while ``opens_at`` is unset or still ahead;
* ``open`` until the effective deadline (at the deadline instant submissions are closed);
* ``closed`` after it, until judging starts.

Extensions never shorten a deadline: the effective deadline of an area is the latest of the
edition's deadline, the whole-edition extensions and the extensions of the area or of any of
its ancestors (a commune inherits its district's extension; another district does not).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, overload

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask_babel.speaklater import LazyString

    from .models import DeadlineExtension, Edition


class Dated(Protocol):
    """What the timeline reads of an edition: an ``Edition``, or one seen with other dates
    (:func:`contest.contests.gates.date_change_gates`)."""

    @property
    def opens_at(self) -> datetime | None: ...
    @property
    def submission_deadline(self) -> datetime | None: ...
    @property
    def judging_starts_at(self) -> datetime | None: ...
    @property
    def judging_ends_at(self) -> datetime | None: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def archived_at(self) -> datetime | None: ...
    @property
    def extensions(self) -> Iterable[DeadlineExtension] | None: ...


class Phase(enum.StrEnum):
    """Where an edition stands; compare with :attr:`order` (``p.order >= Phase.JUDGING.order``)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    JUDGING = "judging"
    REVIEW = "review"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def order(self) -> int:
        """Position in the timeline (draft = 0 … archived = 6)."""
        return list(Phase).index(self)

    @property
    def label(self) -> LazyString:
        """Vietnamese name of the phase."""
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.DRAFT: _l("Đang chuẩn bị"),
    Phase.OPEN: _l("Đang nhận hồ sơ"),
    Phase.CLOSED: _l("Đã hết hạn nộp"),
    Phase.JUDGING: _l("Đang chấm"),
    Phase.REVIEW: _l("Đang xét kết quả"),
    Phase.PUBLISHED: _l("Đã công bố kết quả"),
    Phase.ARCHIVED: _l("Đã lưu trữ"),
}


def _reached(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and now >= moment


@overload
def effective_deadline(
    edition: Edition, area_id: int | None = None, ancestors: Iterable[int] = ()
) -> datetime: ...
@overload
def effective_deadline(
    edition: Dated, area_id: int | None = None, ancestors: Iterable[int] = ()
) -> datetime | None: ...
def effective_deadline(
    edition: Dated, area_id: int | None = None, ancestors: Iterable[int] = ()
) -> datetime | None:
    """The submission deadline that applies to ``area_id`` (None: the whole edition).

    ``ancestors`` are the ids of the area's parents (district, province); extensions for any
    of them apply too. The latest applicable date wins."""
    applicable = {area_id, *ancestors} if area_id is not None else set()
    deadline = edition.submission_deadline
    for extension in edition.extensions or ():
        applies = extension.area_id is None or extension.area_id in applicable
        if applies and (deadline is None or extension.new_deadline > deadline):
            deadline = extension.new_deadline
    return deadline


def phase(
    edition: Dated, now: datetime, area_id: int | None = None, ancestors: Iterable[int] = ()
) -> Phase:
    """The :class:`Phase` of ``edition`` at ``now``, as seen from ``area_id`` (whose
    extensions, and its ancestors', apply)."""
    if _reached(edition.archived_at, now):
        return Phase.ARCHIVED
    if _reached(edition.published_at, now):
        return Phase.PUBLISHED
    if _reached(edition.judging_ends_at, now):
        return Phase.REVIEW
    if _reached(edition.judging_starts_at, now):
        return Phase.JUDGING
    if not _reached(edition.opens_at, now):
        return Phase.DRAFT
    deadline = effective_deadline(edition, area_id, ancestors)
    if deadline is None or now < deadline:
        return Phase.OPEN
    return Phase.CLOSED


def submissions_open(
    edition: Dated, now: datetime, area_id: int | None = None, ancestors: Iterable[int] = ()
) -> bool:
    """True when entries from ``area_id`` may be submitted or edited at ``now``. Call it at
    every write of an entry, not only in the view."""
    return phase(edition, now, area_id, ancestors) == Phase.OPEN


def judging_started(edition: Dated, now: datetime) -> bool:
    """True once judging has started (rubric and prize policy are then frozen)."""
    return phase(edition, now).order >= Phase.JUDGING.order
