"""Score sheets (phiếu chấm, RULES.md §4): open, save a draft, submit, reopen.

* A judge opens a sheet only for an entry assigned to them in the round and when no conflict
  of interest stands (checked again at every write: a conflict declared later wins).
* Points per criterion: 0 … the criterion's maximum, in steps of 0.5 (:func:`parse_points`
  accepts ``,`` or ``.`` as the decimal mark). New sheets ask the active criteria; a retired
  criterion's old scores stay on the sheets that have them.
* Optimistic locking: a save names the version the page was loaded with; a different
  version means someone else saved meanwhile → :class:`StaleSheet`, nothing overwritten.
* Submit needs every active criterion filled and locks the sheet. Submitting a submitted
  sheet is harmless: same sheet, no error (a conditional UPDATE … WHERE status = 'draft', and
  one sheet per round × entry × judge in the database).
* Only an organizer reopens a submitted sheet, with a reason (audited); it is a draft again.
* Judges write only inside the judging window (``judging_starts_at`` ≤ now <
  ``judging_ends_at``, :mod:`contest.contests.timeline`), checked at the write with ``now``
  passed in. Organizer actions (reopen, import of paper sheets) are not bound to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from .. import display
from ..audit.operations import record
from ..contests import timeline
from ..contests.models import Criterion, Edition, Round
from ..entries.access import ensure_organizer
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..models_common import execute_dml
from ..timeutil import utcnow
from .conflicts import conflicted
from .errors import InvalidPoints, NotAssigned, SheetLocked, StaleSheet, WindowClosed
from .models import Assignment, Score, ScoreSheet, SheetSource, SheetStatus

if TYPE_CHECKING:
    from ..accounts.models import User

HALF = Decimal("0.5")


def parse_points(text: str | Decimal | int | None) -> Decimal | None:
    """Points typed by a person (``7,5`` or ``7.5``); None for an empty cell; raise
    :class:`InvalidPoints` for anything that is not a number."""
    if text is None:
        return None
    if isinstance(text, Decimal | int):
        return Decimal(text)
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidPoints(_("“%(v)s” không phải là số", v=text)) from None
    if not value.is_finite():
        raise InvalidPoints(_("“%(v)s” không phải là số", v=text))
    return value


def points_problem(value: Decimal, criterion: Criterion) -> str | None:
    """Why ``value`` is not valid points for ``criterion`` (None: valid)."""
    if value < 0 or value > criterion.max_points:
        return _("điểm phải từ 0 đến %(max)s", max=_plain(criterion.max_points))
    if (value / HALF) % 1 != 0:
        return _("điểm phải là bội của 0,5")
    return None


def _plain(value: Decimal) -> str:
    """A number the Vietnamese way (``7,5``), without trailing zeros."""
    return display.input_number(value)


# --- Access and window ------------------------------------------------------------------------


def ensure_judging_open(edition: Edition, now: datetime) -> None:
    """Raise :class:`WindowClosed` unless judges may write at ``now``."""
    if timeline.phase(edition, now) != timeline.Phase.JUDGING:
        raise WindowClosed(_("Ngoài thời gian chấm: không thể ghi phiếu chấm."))


_VERIFIED = "contest.judging.verified_judges"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_verified(session: Session, *args: Any) -> None:
    """A new transaction checks access again (a conflict declared meanwhile wins)."""
    session.info.pop(_VERIFIED, None)


def ensure_may_judge(judge: User, entry: Entry, round_: Round) -> None:
    """Raise :class:`NotAssigned` unless ``judge`` is assigned ``entry`` in ``round_`` and is
    not conflicted with it (the entry accepted). Checked once per transaction: a save reads
    the sheet, opens it and writes it, all in one transaction, and an autosave must not pay
    for the check more than once."""
    key = (judge.id, entry.id, round_.id, entry.status)
    verified = db.session.info.setdefault(_VERIFIED, set())
    if key in verified:
        return
    assigned = db.session.scalar(
        select(Assignment.id).where(
            Assignment.round_id == round_.id,
            Assignment.entry_id == entry.id,
            Assignment.judge_id == judge.id,
        )
    )
    if assigned is None or entry.status != EntryStatus.ACCEPTED.value:
        raise NotAssigned(_("Bạn không được phân công chấm hồ sơ này."))
    if conflicted(judge, entry):
        raise NotAssigned(_("Bạn có xung đột lợi ích với hồ sơ này nên không thể chấm."))
    verified.add(key)


def find_sheet(judge: User, entry: Entry, round_: Round) -> ScoreSheet | None:
    """The judge's sheet for ``entry`` in ``round_`` (access checked), or None."""
    ensure_may_judge(judge, entry, round_)
    return _existing(round_.id, entry.id, judge.id)


def _existing(round_id: int, entry_id: int, judge_id: int) -> ScoreSheet | None:
    """The sheet of (round, entry, judge), if any (no access check), with its scores."""
    return (
        db.session.scalars(
            select(ScoreSheet)
            .where(
                ScoreSheet.round_id == round_id,
                ScoreSheet.entry_id == entry_id,
                ScoreSheet.judge_id == judge_id,
            )
            .options(joinedload(ScoreSheet.scores))
        )
        .unique()
        .first()
    )


def open_sheet(judge: User, entry: Entry, round_: Round, now: datetime | None = None) -> ScoreSheet:
    """The judge's sheet, created as an empty draft when absent (two tabs opening it at
    once get the same sheet). Access and window checked. Flushes."""
    now = now or utcnow()
    sheet = find_sheet(judge, entry, round_)
    if sheet is not None:
        return sheet
    ensure_judging_open(entry.edition, now)
    sheet = ScoreSheet(
        edition_id=entry.edition_id,
        round_id=round_.id,
        entry_id=entry.id,
        judge_id=judge.id,
        source=SheetSource.WEB.value,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(sheet)
    except IntegrityError:
        existing = _existing(round_.id, entry.id, judge.id)
        assert existing is not None  # a concurrent request created it
        sheet = existing
    return sheet


def questions(sheet: ScoreSheet) -> list[Criterion]:
    """The criteria the sheet shows: the active ones, plus retired ones it already scored."""
    scored = {s.criterion_id for s in sheet.scores}
    return [c for c in sheet.edition.criteria if c.retired_at is None or c.id in scored]


# --- Writing ----------------------------------------------------------------------------------


def _check_version(sheet: ScoreSheet, expected_version: int | None) -> None:
    """Raise :class:`StaleSheet` unless the page's version is the sheet's."""
    if expected_version is not None and int(expected_version) != sheet.version:
        raise StaleSheet(
            _(
                "Phiếu chấm đã được lưu ở nơi khác (thẻ hoặc thiết bị khác) sau khi bạn mở. "
                "Hãy tải lại trang để xem bản mới nhất; thay đổi của bạn chưa được lưu."
            )
        )


def _guard(sheet: ScoreSheet, judge: User, now: datetime) -> None:
    """The checks of every judge's write: own sheet, access, window, not locked."""
    if sheet.judge_id != judge.id:
        raise NotAssigned(_("Đây không phải phiếu chấm của bạn."))
    ensure_may_judge(judge, sheet.entry, sheet.round)
    ensure_judging_open(sheet.edition, now)
    if sheet.status == SheetStatus.SUBMITTED.value:
        raise SheetLocked(_("Phiếu chấm đã nộp: chỉ Ban Tổ chức có thể mở lại."))


def write_points(sheet: ScoreSheet, points: Mapping, comment: str | None) -> bool:
    """Put ``points`` (``{criterion id or code: value or None}``; None clears) and
    ``comment`` on ``sheet`` without any access check (callers check); raise
    :class:`InvalidPoints` listing every bad value. Returns True when something changed."""
    allowed = {c.id: c for c in questions(sheet)}
    by_code = {c.code: c for c in allowed.values()}
    problems, values = [], []
    for key, raw in points.items():
        criterion = allowed.get(key) if isinstance(key, int) else by_code.get(key)
        if criterion is None:
            problems.append(_("Tiêu chí “%(c)s” không có trên phiếu chấm.", c=key))
            continue
        try:
            value = parse_points(raw)
        except InvalidPoints as exc:
            problems.append(f"{criterion.name}: {exc.message}")
            continue
        problem = None if value is None else points_problem(value, criterion)
        if problem:
            problems.append(f"{criterion.name}: {problem}")
        values.append((criterion, value))
    if problems:
        raise InvalidPoints("\n".join(problems))
    current = {s.criterion_id: s for s in sheet.scores}
    changed = False
    for criterion, value in values:
        score = current.get(criterion.id)
        if value is None and score is not None:
            sheet.scores.remove(score)
            changed = True
        elif value is not None and score is None:
            sheet.scores.append(Score(criterion_id=criterion.id, points=value))
            changed = True
        elif value is not None and score is not None and score.points != value:
            score.points = value
            changed = True
    if comment is not None and comment != sheet.comment:
        sheet.comment = comment
        changed = True
    return changed


def save_draft(
    sheet: ScoreSheet,
    judge: User,
    points: Mapping,
    comment: str | None,
    expected_version: int | None,
    now: datetime | None = None,
) -> ScoreSheet:
    """Save the judge's draft (see the module docstring); the version goes up by one on
    every save that changes something. Flushes."""
    now = now or utcnow()
    _guard(sheet, judge, now)
    _check_version(sheet, expected_version)
    if write_points(sheet, points, comment):
        _flush_version(sheet, now)
    return sheet


def _flush_version(sheet: ScoreSheet, now: datetime) -> None:
    """Flush the sheet's changes, bumping its version; a concurrent change → StaleSheet."""
    sheet.updated_at = now
    flag_modified(sheet, "updated_at")  # an UPDATE (and a version bump) even for scores only
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleSheet(_("Phiếu chấm vừa được lưu ở nơi khác. Hãy tải lại trang.")) from None


def missing_criteria(sheet: ScoreSheet) -> list[Criterion]:
    """Active criteria without points on ``sheet``."""
    scored = {s.criterion_id for s in sheet.scores}
    return [c for c in sheet.edition.active_criteria if c.id not in scored]


@dataclass
class SubmitResult:
    """The sheet, and whether this call submitted it (False: it was already submitted)."""

    sheet: ScoreSheet
    submitted_now: bool


def submit(
    sheet: ScoreSheet, judge: User, expected_version: int | None = None, now: datetime | None = None
) -> SubmitResult:
    """Submit the judge's sheet: every active criterion filled; locks it. Harmless when the
    sheet is already submitted (a double click, a second tab). Audited; flushes."""
    now = now or utcnow()
    if sheet.status == SheetStatus.SUBMITTED.value and sheet.judge_id == judge.id:
        return SubmitResult(sheet, False)
    _guard(sheet, judge, now)
    _check_version(sheet, expected_version)
    missing = missing_criteria(sheet)
    if missing:
        raise InvalidPoints(
            _("Chưa chấm các tiêu chí: %(names)s.", names=", ".join(c.name for c in missing))
        )
    db.session.flush()
    done = execute_dml(
        update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id, ScoreSheet.status == SheetStatus.DRAFT.value)
        .values(
            status=SheetStatus.SUBMITTED.value,
            submitted_at=now,
            updated_at=now,
            version=ScoreSheet.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(sheet)
    if done:
        record(judge, "judging.sheet_submit", "sheet", sheet.id, total=str(sheet.total))
    return SubmitResult(sheet, bool(done))


def reopen(sheet: ScoreSheet, actor: User, reason: str, now: datetime | None = None) -> ScoreSheet:
    """An organizer reopens a submitted sheet with a reason: a draft again (audited)."""
    now = now or utcnow()
    ensure_organizer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPoints(_("Hãy ghi lý do mở lại phiếu chấm."))
    if sheet.status != SheetStatus.SUBMITTED.value:
        raise SheetLocked(_("Phiếu chấm chưa nộp: không cần mở lại."))
    sheet.status = SheetStatus.DRAFT.value
    sheet.reopened_at = now
    sheet.reopened_by_id = actor.id
    sheet.reopen_reason = reason
    _flush_version(sheet, now)
    record(actor, "judging.sheet_reopen", "sheet", sheet.id, reason=reason, total=str(sheet.total))
    return sheet
