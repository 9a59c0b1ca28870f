"""Intake by organizers: receive, accept for judging, reject with a reason (e-mailed to the
owner), record a withdrawal, reclassify to another field or board (the code stays), and the
bulk versions returning one outcome per entry. Every change is audited; operations flush and
never commit (views commit with :func:`contest.jobs.operations.commit`, so the e-mails leave
after the commit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from ..audit.operations import record
from ..contests.models import Board, EditionField
from ..extensions import db
from ..timeutil import utcnow
from . import access, judging_gate
from .emails import send_rejection
from .models import Entry, EntryStatus
from .operations import flush_entry, withdraw
from .states import (
    ACCEPTABLE,
    RECEIVABLE,
    RECLASSIFIABLE,
    REJECTABLE,
    EntryError,
    InvalidEntry,
    check_version,
    status_label,
    transition,
)

REASON_MAX = 2000


def _move(
    entry: Entry,
    actor,
    to: EntryStatus,
    allowed: frozenset,
    action: str,
    *,
    now: datetime | None,
    expected_version: int | None,
    confirm: bool | None = None,
    **values,
) -> str:
    """Check, move and audit; returns the previous status. ``confirm`` not None: the change
    needs a confirmation once judging has started (:mod:`.judging_gate`)."""
    now = now or utcnow()
    access.ensure_organizer(actor)
    check_version(entry, expected_version)
    if entry.status == to:
        raise EntryError(_("Hồ sơ đã ở trạng thái “%(s)s”.", s=status_label(to)))
    if entry.status not in allowed:
        raise EntryError(
            _(
                "Không thể chuyển hồ sơ từ “%(a)s” sang “%(b)s”.",
                a=status_label(entry.status),
                b=status_label(to),
            )
        )
    confirmed = judging_gate.check(entry, now, confirm) if confirm is not None else {}
    previous = transition(entry, to, allowed, now=now, **values)
    details = {"code": entry.code, "before": previous, "after": str(to), **confirmed}
    if "rejection_reason" in values and values["rejection_reason"]:
        details["reason"] = values["rejection_reason"]
    record(actor, action, "entry", entry.id, **details)
    return previous


def receive(entry: Entry, actor, *, now=None, expected_version=None) -> Entry:
    """Mark a submitted entry as received by the organizers."""
    _move(
        entry,
        actor,
        EntryStatus.RECEIVED,
        RECEIVABLE,
        "entry.receive",
        now=now,
        expected_version=expected_version,
    )
    return entry


def accept(entry: Entry, actor, *, now=None, expected_version=None) -> Entry:
    """Accept an entry for judging (also a rejected one, after review)."""
    _move(
        entry,
        actor,
        EntryStatus.ACCEPTED,
        ACCEPTABLE,
        "entry.accept",
        now=now,
        expected_version=expected_version,
        rejection_reason="",
    )
    return entry


def reject(
    entry: Entry, actor, reason: str, *, now=None, expected_version=None, confirm: bool = False
) -> Entry:
    """Reject an entry with a reason the entrant sees; e-mails the owner. Once judging has
    started it needs ``confirm`` (:mod:`.judging_gate`)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidEntry([("reason", _("Vui lòng ghi lý do để thí sinh được biết."))])
    if len(reason) > REASON_MAX:
        raise InvalidEntry([("reason", _("Tối đa %(max)d ký tự.", max=REASON_MAX))])
    _move(
        entry,
        actor,
        EntryStatus.REJECTED,
        REJECTABLE,
        "entry.reject",
        now=now,
        expected_version=expected_version,
        confirm=confirm,
        rejection_reason=reason,
    )
    send_rejection(entry, reason)
    return entry


def record_withdrawal(entry: Entry, actor, *, reason: str = "", now=None, expected_version=None):
    """Withdraw an entry at the entrant's request (organizers, at any time)."""
    access.ensure_organizer(actor)
    return withdraw(entry, actor, reason=reason, now=now, expected_version=expected_version)


def reclassify(
    entry: Entry,
    actor,
    field: EditionField | None,
    board: Board | None = None,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
    confirm: bool = False,
) -> Entry:
    """Move ``entry`` to another field (and board); its code does not change. Once judging
    has started it needs ``confirm`` (:mod:`.judging_gate`)."""
    now = now or utcnow()
    access.ensure_organizer(actor)
    check_version(entry, expected_version)
    edition = entry.edition
    problems = []
    if field is None or field.edition_id != edition.id:
        problems.append(("field_id", _("Vui lòng chọn lĩnh vực của lần thi.")))
    if board is not None and board.edition_id != edition.id:
        problems.append(("board_id", _("Vui lòng chọn bảng của lần thi.")))
    if edition.boards and board is None:
        problems.append(("board_id", _("Lần thi có chia bảng: vui lòng chọn bảng.")))
    if not edition.boards and board is not None:
        problems.append(("board_id", _("Lần thi không chia bảng.")))
    if problems:
        raise InvalidEntry(problems)
    assert field is not None  # a missing field is one of the problems above
    if entry.status not in RECLASSIFIABLE:
        raise EntryError(
            _("Không thể chuyển lĩnh vực hồ sơ “%(s)s”.", s=status_label(entry.status))
        )
    before = {"field": entry.field.code, "board": entry.board.code if entry.board else None}
    after = {"field": field.code, "board": board.code if board else None}
    if before == after:
        return entry
    confirmed = judging_gate.check(entry, now, confirm)
    entry.field = field
    entry.board = board
    entry.updated_at = now
    flush_entry()
    record(
        actor,
        "entry.reclassify",
        "entry",
        entry.id,
        code=entry.code,
        before=before,
        after=after,
        **confirmed,
    )
    return entry


# --- Bulk -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did to one entry."""

    entry_id: int
    code: str | None
    ok: bool
    message: str = ""


BULK_ACTIONS: dict[str, Callable] = {
    "receive": receive,
    "accept": accept,
    "reject": reject,
    "withdraw": record_withdrawal,
}


def bulk(
    action: str, entries: Iterable[Entry], actor, *, now: datetime | None = None, **options
) -> list[Outcome]:
    """Apply ``action`` (``receive``, ``accept``, ``reject`` with ``reason=…``, ``withdraw``,
    ``reclassify`` with ``field=…, board=…``; ``confirm=True`` for the changes that need it
    once judging has started) to each entry, each in its own savepoint: one refusal does not
    undo the others. Returns one :class:`Outcome` per entry, in order."""
    confirm = bool(options.get("confirm"))
    access.ensure_organizer(actor)
    now = now or utcnow()
    if action == "reject" and not (options.get("reason") or "").strip():
        raise InvalidEntry([("reason", _("Vui lòng ghi lý do để thí sinh được biết."))])
    if action == "reclassify":

        def run(entry):
            reclassify(
                entry, actor, options["field"], options.get("board"), now=now, confirm=confirm
            )

    elif action == "reject":

        def run(entry):
            reject(entry, actor, options.get("reason", ""), now=now, confirm=confirm)

    elif action in BULK_ACTIONS:

        def run(entry):
            BULK_ACTIONS[action](entry, actor, now=now)

    else:
        raise ValueError(f"unknown bulk action {action!r}")
    outcomes = []
    for entry in entries:
        try:
            with db.session.begin_nested():
                run(entry)
        except EntryError as exc:
            db.session.refresh(entry)
            outcomes.append(Outcome(entry.id, entry.code, False, str(exc.message)))
        else:
            outcomes.append(Outcome(entry.id, entry.code, True))
    return outcomes
