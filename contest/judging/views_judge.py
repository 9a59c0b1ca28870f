"""The judge's pages (blueprint ``judge``, prefix ``/judge``; the judge's home is
``main.judge_home`` at ``/judge/``):

* ``GET /judge/entries/<entry>`` — an assigned entry, blind (:func:`.blind.judge_view` only);
* ``GET|POST /judge/entries/<entry>/sheet/<round>`` — the score sheet: "Lưu nháp" saves a
  draft, "Nộp phiếu" saves and submits (works without JavaScript);
* ``POST /judge/entries/<entry>/sheet/<round>/autosave`` — the draft from
  ``static/js/score-sheet.js`` (JSON answer; 409 with the newer values when stale);
* ``POST /judge/entries/<entry>/conflict`` — the judge declares a conflict of interest with
  the entry: :mod:`.views_judge_conflict`;
* the entry's files: :mod:`.views_files` (``/judge/attachments/<id>``).

An entry the judge is not assigned, or is conflicted with, does not exist for them (404;
:mod:`.judge_files` decides).
Nothing here reads an :class:`~contest.entries.models.Entry` into a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role
from ..contests import timeline
from ..contests.models import Edition, Round
from ..entries.models import Attachment, Entry, EntryStatus
from ..extensions import db
from ..permissions import role_required
from ..timeutil import utcnow
from . import sheets
from .blind import judge_view
from .conflicts import conflicted
from .errors import InvalidPoints, NotAssigned, SheetLocked, StaleSheet, WindowClosed
from .forms import DeclareConflictForm, field_name, plain_points, sheet_form
from .judge_files import judge_entry_or_404, judged_rounds
from .models import Assignment, ScoreSheet, SheetStatus

bp = Blueprint("judge", __name__, url_prefix="/judge")

STATUS_NOT_STARTED = "not_started"


def status_label(status: str) -> str:
    """The sheet status as a judge reads it."""
    return {
        STATUS_NOT_STARTED: _("Chưa chấm"),
        SheetStatus.DRAFT.value: _("Bản nháp"),
        SheetStatus.SUBMITTED.value: _("Đã nộp"),
    }[status]


# --- The judge's home data ---------------------------------------------------------------------


@dataclass
class AssignedRow:
    """One assigned entry on the judge's home (blind: code, field, title only)."""

    entry_id: int
    round_id: int
    code: str
    field_name: str
    title: str
    status: str
    total: str

    @property
    def label(self) -> str:
        """The status label."""
        return status_label(self.status)


@dataclass
class RoundGroup:
    """The judge's assignments of one round of one edition, with progress and deadline."""

    edition: Edition
    round: Round
    rows: list[AssignedRow] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        """How many sheets are submitted."""
        return sum(1 for r in self.rows if r.status == SheetStatus.SUBMITTED.value)

    @property
    def percent(self) -> int:
        """Progress in percent."""
        return round(100 * self.submitted / len(self.rows)) if self.rows else 0

    @property
    def deadline(self) -> datetime | None:
        """The end of the judging window."""
        return self.edition.judging_ends_at

    @property
    def window_open(self) -> bool:
        """True while judges may write."""
        return window_open(self.edition)


def window_open(edition: Edition, now: datetime | None = None) -> bool:
    """True while the judging window of ``edition`` is open."""
    return timeline.phase(edition, now or utcnow()) == timeline.Phase.JUDGING


def assigned_groups(judge) -> list[RoundGroup]:
    """The judge's accepted, non-conflicted assignments grouped per edition and round."""
    rows = db.session.execute(
        select(Assignment, ScoreSheet)
        .join(Entry, Entry.id == Assignment.entry_id)
        .outerjoin(
            ScoreSheet,
            (ScoreSheet.round_id == Assignment.round_id)
            & (ScoreSheet.entry_id == Assignment.entry_id)
            & (ScoreSheet.judge_id == Assignment.judge_id),
        )
        .where(Assignment.judge_id == judge.id, Entry.status == EntryStatus.ACCEPTED.value)
        .order_by(Assignment.edition_id.desc(), Assignment.round_id, Entry.code, Entry.id)
    ).all()
    groups: dict[int, RoundGroup] = {}
    for assignment, sheet in rows:
        entry = assignment.entry
        if conflicted(judge, entry):
            continue
        group = groups.setdefault(assignment.round_id, RoundGroup(entry.edition, assignment.round))
        view = judge_view(entry)
        group.rows.append(
            AssignedRow(
                entry_id=entry.id,
                round_id=assignment.round_id,
                code=view.code,
                field_name=view.field_name,
                title=view.title,
                status=sheet.status if sheet is not None else STATUS_NOT_STARTED,
                total=plain_points(sheet.total) if sheet is not None and sheet.scores else "",
            )
        )
    return list(groups.values())


def next_to_score(judge, entry_id: int, round_id: int) -> AssignedRow | None:
    """The judge's next assignment still to score after ``(entry_id, round_id)`` in the order
    of their list (wrapping round to the start; windows open only); None when none is left."""
    rows = [
        row
        for group in assigned_groups(judge)
        if group.window_open
        for row in group.rows
        if row.status != SheetStatus.SUBMITTED.value
        or (row.entry_id, row.round_id) == (entry_id, round_id)
    ]
    here = next(
        (i for i, r in enumerate(rows) if (r.entry_id, r.round_id) == (entry_id, round_id)), -1
    )
    ordered = rows[here + 1 :] + rows[: max(here, 0)]
    return next((r for r in ordered if r.status != SheetStatus.SUBMITTED.value), None)


# --- Access -----------------------------------------------------------------------------------


def _entry_and_round(entry_id: int, round_id: int) -> tuple[Entry, Round]:
    """The entry and round of a sheet the current judge may use; 404 otherwise."""
    # One statement for the entry, its round, its edition and the edition's criteria: the
    # autosave runs every few seconds per judge.
    found = (
        db.session.execute(
            select(Entry, Round)
            .join(Round, and_(Round.id == round_id, Round.edition_id == Entry.edition_id))
            .where(Entry.id == entry_id)
            .options(joinedload(Entry.edition).joinedload(Edition.criteria))
        )
        .unique()
        .first()
    )
    if found is None:
        abort(404)
    entry, round_ = found
    try:
        sheets.ensure_may_judge(current_user, entry, round_)
    except NotAssigned:
        abort(404)
    return entry, round_


def _thumbnailed(entry: Entry) -> set[int]:
    """Ids of the entry's attachments that have a thumbnail."""
    return set(
        db.session.scalars(
            select(Attachment.id).where(
                Attachment.entry_id == entry.id, Attachment.thumbnail_key.is_not(None)
            )
        )
    )


# --- Pages ------------------------------------------------------------------------------------


@bp.get("/entries/<int:entry_id>")
@role_required(Role.JUDGE)
def entry(entry_id: int):
    """An assigned entry as the judge sees it (blind), with its sheets per round."""
    entry = judge_entry_or_404(current_user, entry_id)
    return render_entry(entry, DeclareConflictForm())


def render_entry(entry: Entry, conflict_form, status: int = 200):
    """The judge's entry page (``conflict_form``: the declaration form, with its errors)."""
    sheets_by_round = []
    for round_ in judged_rounds(current_user, entry):
        sheet = sheets.find_sheet(current_user, entry, round_)
        status_ = sheet.status if sheet is not None else STATUS_NOT_STARTED
        sheets_by_round.append((round_, status_label(status_), status_))
    page = render_template(
        "judging/judge_entry.html",
        view=judge_view(entry),
        thumbnails=_thumbnailed(entry),
        rounds=sheets_by_round,
        conflict_form=conflict_form,
    )
    return page, status


@bp.route("/entries/<int:entry_id>/sheet/<int:round_id>", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def sheet(entry_id: int, round_id: int):
    """The score sheet: show it; on POST save the draft ("Lưu nháp") or submit it."""
    entry, round_ = _entry_and_round(entry_id, round_id)
    existing = sheets.find_sheet(current_user, entry, round_)
    criteria = _criteria(entry, existing)
    if request.method == "GET":
        return _render_sheet(entry, round_, existing, sheet_form(criteria, existing))
    form = sheet_form(criteria, existing)
    submitting = request.form.get("action") == "submit"
    if existing is not None and existing.is_submitted:
        if submitting:  # a double click or a second tab: harmless
            flash(_("Phiếu chấm đã được nộp."), "info")
        else:
            flash(_("Phiếu chấm đã nộp: chỉ Ban Tổ chức có thể mở lại."), "warning")
        return redirect(url_for("judge.sheet", entry_id=entry.id, round_id=round_.id))
    if not form.validate_on_submit():
        return _render_sheet(entry, round_, existing, form, status=422)
    now = utcnow()
    try:
        target = sheets.open_sheet(current_user, entry, round_, now)
        sheets.save_draft(
            target, current_user, form.points(), form.comment.data or "", _version(), now
        )
        missing = sheets.missing_criteria(target) if submitting else []
        if submitting and not missing:
            sheets.submit(target, current_user, target.version, now)
        db.session.commit()
        if missing:  # the draft is kept; the judge completes it and submits again
            names = ", ".join(c.name for c in missing)
            problem = _(
                "Đã lưu nháp nhưng chưa nộp được: chưa chấm các tiêu chí %(names)s.", names=names
            )
            return _render_sheet(
                entry, round_, target, sheet_form(criteria, target, fresh=True), 422, problem
            )
    except StaleSheet as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        fresh = sheets.find_sheet(current_user, entry, round_)
        return _render_sheet(
            entry, round_, fresh, sheet_form(_criteria(entry, fresh), fresh, fresh=True), 409
        )
    except InvalidPoints as exc:
        db.session.rollback()
        return _render_sheet(entry, round_, existing, form, status=422, problem=exc.message)
    except (WindowClosed, SheetLocked) as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("judge.sheet", entry_id=entry.id, round_id=round_.id))
    if submitting:
        following = next_to_score(current_user, entry.id, round_.id)
        if following is None:
            flash(
                _(
                    "Đã nộp phiếu chấm hồ sơ %(code)s. Bạn đã chấm xong mọi hồ sơ được phân công.",
                    code=entry.code or "",
                ),
                "success",
            )
            return redirect(url_for("main.judge_home"))
        flash(
            _(
                "Đã nộp phiếu chấm hồ sơ %(code)s. Tiếp theo: hồ sơ %(next)s.",
                code=entry.code or "",
                next=following.code,
            ),
            "success",
        )
        return redirect(
            url_for("judge.sheet", entry_id=following.entry_id, round_id=following.round_id)
        )
    flash(_("Đã lưu bản nháp."), "success")
    return redirect(url_for("judge.sheet", entry_id=entry.id, round_id=round_.id))


@bp.post("/entries/<int:entry_id>/sheet/<int:round_id>/autosave")
@role_required(Role.JUDGE)
def autosave(entry_id: int, round_id: int):
    """Save the draft sent by the page's script; JSON answer (409 with the newer values when
    another tab or device saved meanwhile)."""
    entry, round_ = _entry_and_round(entry_id, round_id)
    existing = sheets.find_sheet(current_user, entry, round_)
    form = sheet_form(_criteria(entry, existing), existing)
    if not form.validate():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return jsonify(error="invalid", message=_("Có điểm không hợp lệ."), errors=errors), 422
    now = utcnow()
    try:
        # The sheet read above is the one to write (open_sheet only creates a missing one).
        target = existing or sheets.open_sheet(current_user, entry, round_, now)
        sheets.save_draft(
            target, current_user, form.points(), form.comment.data or "", _version(), now
        )
        db.session.flush()
        # Before the commit expires what they read (the sheet; the user, for the language).
        answer = _sheet_json(target)
        message = _("Đã tự động lưu nháp.")
        db.session.commit()
    except StaleSheet as exc:
        db.session.rollback()
        fresh = sheets.find_sheet(current_user, entry, round_)
        return jsonify(error="stale", message=str(exc.message), **_sheet_json(fresh)), 409
    except InvalidPoints as exc:
        db.session.rollback()
        return jsonify(error="invalid", message=str(exc.message)), 422
    except (WindowClosed, SheetLocked) as exc:
        db.session.rollback()
        return jsonify(error="refused", message=str(exc.message)), 403
    return jsonify(saved=True, message=message, **answer)


# --- Helpers ----------------------------------------------------------------------------------


def _criteria(entry: Entry, existing: ScoreSheet | None) -> list:
    """The criteria the sheet asks: the sheet's own, or the edition's active ones."""
    return sheets.questions(existing) if existing is not None else entry.edition.active_criteria


def _version() -> int | None:
    """The version the page was loaded with (None when absent or not a number)."""
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def _sheet_json(sheet: ScoreSheet | None) -> dict:
    """A sheet's state for the page's script."""
    if sheet is None:
        return {"version": 1, "points": {}, "comment": "", "total": "0", "status": "draft"}
    by_criterion = sheet.points_by_criterion()
    return {
        "version": sheet.version,
        "points": {f"c{cid}": plain_points(p) for cid, p in by_criterion.items()},
        "comment": sheet.comment,
        "total": plain_points(sheet.total),
        "status": sheet.status,
    }


def _render_sheet(entry, round_, sheet, form, status: int = 200, problem: str | None = None):
    """The score sheet page."""
    locked = sheet is not None and sheet.is_submitted
    open_now = window_open(entry.edition)
    max_total = sum((c.max_points for c in form.criteria), Decimal(0))
    page = render_template(
        "judging/judge_sheet.html",
        view=judge_view(entry),
        thumbnails=_thumbnailed(entry),
        conflict_form=DeclareConflictForm(formdata=None),
        round=round_,
        sheet=sheet,
        form=form,
        field_name=field_name,
        plain_points=plain_points,
        status_text=status_label(sheet.status if sheet is not None else STATUS_NOT_STARTED),
        total=plain_points(sheet.total) if sheet is not None else "0",
        max_total=plain_points(max_total),
        locked=locked,
        editable=open_now and not locked,
        window_open=open_now,
        deadline=entry.edition.judging_ends_at,
        problem=problem,
    )
    return page, status


# The judge's file routes and conflict declaration (same blueprint).
