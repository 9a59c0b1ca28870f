"""Status changes of an entry and the errors the entry operations raise.

The moves (RULES.md §3):

==================================  ==========  ==============================================
from                                to          by
==================================  ==========  ==============================================
draft, withdrawn                    submitted   owner / coordinator, while submissions are open
submitted, received                 withdrawn   owner / coordinator while open; organizers
                                                (also from accepted, rejected) at any time
submitted                           received    organizers
submitted, received, rejected       accepted    organizers
submitted, received, accepted       rejected    organizers, with a reason
==================================  ==========  ==============================================

Every move is one conditional ``UPDATE … WHERE id = ? AND version = ? AND status IN (…)`` that
also bumps the version: of two concurrent moves (two tabs, two organizers) exactly one
succeeds and the other gets a clear message, whatever the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import update

from ..errors import UserError
from ..extensions import db
from ..models_common import execute_dml
from .access import NotAllowed  # noqa: F401 - part of this module's interface
from .models import Entry, EntryStatus

if TYPE_CHECKING:
    from .completeness import Completeness

S = EntryStatus
SUBMITTABLE = frozenset({S.DRAFT, S.WITHDRAWN})
ENTRANT_WITHDRAWABLE = frozenset({S.SUBMITTED, S.RECEIVED})
ORGANIZER_WITHDRAWABLE = frozenset({S.SUBMITTED, S.RECEIVED, S.ACCEPTED, S.REJECTED})
RECEIVABLE = frozenset({S.SUBMITTED})
ACCEPTABLE = frozenset({S.SUBMITTED, S.RECEIVED, S.REJECTED})
REJECTABLE = frozenset({S.SUBMITTED, S.RECEIVED, S.ACCEPTED})
RECLASSIFIABLE = frozenset({S.DRAFT, S.SUBMITTED, S.RECEIVED, S.ACCEPTED, S.REJECTED})


class EntryError(UserError):
    """An entry operation was refused; ``message`` is for the user (Vietnamese)."""

    def __init__(self, message: Any = None) -> None:
        super().__init__(message or _("Không thực hiện được thao tác với hồ sơ."))


class StaleEntry(EntryError):
    """The entry changed since the page was loaded (another tab, another person)."""

    status = 409
    category = "warning"

    def __init__(self, message: Any = None) -> None:
        super().__init__(
            message
            or _(
                "Hồ sơ vừa được thay đổi ở nơi khác (có thể ở một cửa sổ khác). Hãy tải lại "
                "trang để xem nội dung mới nhất rồi thực hiện lại."
            )
        )


class InvalidEntry(EntryError):
    """The data given is invalid; ``problems`` are ``(key, message)`` pairs for the form."""

    def __init__(self, problems: Iterable[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(message for _key, message in self.problems))


class NotSubmittable(EntryError):
    """The entry is incomplete or not eligible; ``report`` says what is missing."""

    def __init__(self, report: Completeness) -> None:
        self.report = report
        super().__init__(
            _("Hồ sơ chưa thể nộp:") + " " + " ".join(str(m) for m in report.messages())
        )


def status_label(status: str) -> str:
    """The Vietnamese name of ``status``."""
    return str(EntryStatus(status).label)


def check_version(entry: Entry, expected_version: int | None) -> None:
    """Raise :class:`StaleEntry` when the page's version is not the entry's version."""
    if expected_version is not None and int(expected_version) != entry.version:
        raise StaleEntry()


def transition(
    entry: Entry,
    to: EntryStatus,
    allowed_from: Iterable[EntryStatus],
    *,
    now: datetime,
    then: Callable[[], dict] | None = None,
    **values: Any,
) -> str:
    """Move ``entry`` to ``to`` if its stored status is one of ``allowed_from`` and its stored
    version is the one loaded; set ``values`` too. Returns the previous status.

    First a conditional ``UPDATE`` claims the row (bumps the version, takes the row lock);
    then ``then()`` may compute more values under that lock (the entry code: the entry row
    is always locked before the code counter, so two transactions never wait for each other
    in a cycle); then the status is written. Raises :class:`StaleEntry` when another
    transaction got there first (the entry is then reloaded, so the message can say where it
    stands)."""
    db.session.flush()
    previous = entry.status
    table = Entry.__table__
    claimed = execute_dml(
        update(table)
        .where(
            table.c.id == entry.id,
            table.c.version == entry.version,
            table.c.status.in_([str(s) for s in allowed_from]),
        )
        .values(version=table.c.version + 1)
    ).rowcount
    if claimed != 1:
        db.session.refresh(entry)
        if entry.status == to:
            raise StaleEntry(
                _(
                    "Hồ sơ đã ở trạng thái “%(status)s” (thao tác vừa được thực hiện ở nơi "
                    "khác, có thể ở một cửa sổ khác).",
                    status=status_label(to),
                )
            )
        raise StaleEntry()
    values.update(then() if then is not None else {})
    db.session.execute(
        update(table).where(table.c.id == entry.id).values(status=str(to), updated_at=now, **values)
    )
    db.session.refresh(entry)
    return previous
