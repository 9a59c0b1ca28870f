"""The organizer's judging pages, continued (blueprint ``judging`` of
:mod:`.views_organizer`): conflicts of interest per panel, progress and discrepancies, an
entry's sheets with the panel score and reopening, the scores import upload, the XLSX export
and the blank paper sheets."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, abort, flash, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..areas.lookup import areas_named
from ..areas.models import Area
from ..entries.import_rows import ImportFailed
from ..entries.models import Entry
from ..errors import unit_of_work
from ..extensions import db
from ..jobs.models import Job, JobStatus
from ..jobs.operations import commit as commit_and_dispatch
from ..pagination import ListPagination, page_number
from ..storage import send_stored
from ..tabular import TableError
from . import exports, organizer_lists, paper, progress
from .conflicts import declare_conflict
from .imports import import_scores as run_import
from .models import Conflict, PanelScore, ScoreSheet
from .name_leaks import attachment_name_leaks
from .organizer_forms import (
    CONFLICT_KINDS,
    ConflictForm,
    PanelScoreForm,
    ReopenForm,
    ScoresImportForm,
)
from .panels import set_panel_score
from .self_declared import reason_label, self_declared_rows
from .sheets import reopen
from .views_organizer import (
    REFUSALS,
    _actor,
    _back,
    _edition_round,
    _entry,
    _field_filter,
    _form_errors,
    _int,
    _page,
    _user,
    bp,
)

CONFLICTS_PER_PAGE = 100

# --- Conflicts --------------------------------------------------------------------------------


@bp.app_template_global("attachment_name_leaks")
def _attachment_name_leaks(entry):
    """Template global for staff pages (the intake entry detail): see
    :func:`.name_leaks.attachment_name_leaks`."""
    return attachment_name_leaks(entry)


@bp.get("/<slug>/conflicts")
def conflicts(slug: str):
    """Declared and inferred conflicts per panel (filtered by field, a page at a time), and a
    form to record one for a judge."""
    edition, round_ = _edition_round(slug)
    field_id = _field_filter(edition)
    listing = organizer_lists.conflict_rows(edition, round_, field_id=field_id)
    page = ListPagination(listing.rows, page_number(request.args.get("page")), CONFLICTS_PER_PAGE)
    declared = db.session.scalars(
        select(Conflict)
        .where(Conflict.edition_id == edition.id)
        .options(
            selectinload(Conflict.judge),
            selectinload(Conflict.entry),
            selectinload(Conflict.unit),
            selectinload(Conflict.area),
        )
        .order_by(Conflict.id)
    ).all()
    return _page(
        "judging/org_conflicts.html",
        edition,
        round_,
        "conflicts",
        rows=page.items,
        page=page,
        field_id=field_id,
        declared=declared,
        judges=listing.judges,
        form=ConflictForm(),
        self_declared=self_declared_rows(edition, round_),
        kind_labels={c.value: c.label for c in CONFLICT_KINDS},
        reason_label=reason_label,
    )


def _area_by_path(target: str) -> tuple[Area | None, str]:
    """The one area named by ``target`` ("Yên Sơn", or with its parents "Tuyên Quang / Yên
    Sơn": :mod:`contest.areas.lookup`), else None and the Vietnamese reason."""
    if not target.replace("/", "").strip():
        return None, _("Hãy ghi tên địa bàn.")
    matches = areas_named(target)
    if not matches:
        return None, _("Không có địa bàn “%(name)s”.", name=target)
    if len(matches) > 1:
        return None, _(
            "Có %(n)d địa bàn tên “%(name)s”: hãy ghi kèm địa bàn cấp trên, ví dụ “Tỉnh / Huyện”.",
            n=len(matches),
            name=target,
        )
    return matches[0], ""


@bp.post("/<slug>/conflicts/add")
def add_conflict(slug: str):
    """Record a declared conflict for a judge (their conflicting assignments go)."""
    edition, round_ = _edition_round(slug)
    form = ConflictForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back("judging.conflicts", edition, round_)
    judge = _user(form.judge_id.data)
    kind, target = form.kind.data, form.target.data.strip()
    values: dict[str, Any] = {}  # the conflict's target, by kind
    if kind in ("entry", "mentor"):
        entry = db.session.scalars(
            select(Entry).where(Entry.edition_id == edition.id, Entry.code == target)
        ).first()
        if entry is None:
            flash(_("Không có hồ sơ mã “%(code)s”.", code=target), "danger")
            return _back("judging.conflicts", edition, round_)
        values["entry"] = entry
    elif kind in ("person", "unit"):
        values["name"] = target
    elif kind == "area":
        area, problem = _area_by_path(target)
        if area is None:
            flash(problem, "danger")
            return _back("judging.conflicts", edition, round_)
        values["area"] = area
    else:
        abort(400)
    with unit_of_work(*REFUSALS) as work:
        conflict = declare_conflict(
            edition,
            judge,
            kind,
            _actor(),
            note=form.note.data or "",
            void_submitted=bool(form.void_submitted.data),
            **values,
        )
    if work.refused:
        return _back("judging.conflicts", edition, round_)
    dropped = conflict.dropped
    flash(
        _(
            "Đã ghi xung đột lợi ích của %(name)s: gỡ %(a)d phân công, xoá %(d)d bản nháp, "
            "giữ %(k)d phiếu đã nộp, huỷ %(v)d phiếu đã nộp.",
            name=judge.display_name,
            a=len(dropped.pairs),
            d=dropped.drafts_deleted,
            k=dropped.submitted_kept,
            v=dropped.submitted_voided,
        ),
        "success",
    )
    return _back("judging.conflicts", edition, round_)


# --- Progress, discrepancies, an entry's sheets -------------------------------------------------


@bp.get("/<slug>/progress")
def progress_page(slug: str):
    """Progress per panel and judge, and the entries whose sheets disagree."""
    edition, round_ = _edition_round(slug)
    return _page(
        "judging/org_progress.html",
        edition,
        round_,
        "progress",
        panels=progress.progress_by_panel(edition, round_),
        discrepancies=progress.discrepancies(edition, round_),
        self_declared=self_declared_rows(edition, round_),
    )


@bp.route("/<slug>/entries/<int:entry_id>", methods=["GET", "POST"])
def entry_sheets(slug: str, entry_id: int):
    """An entry's sheets in the round, the panel score form (POST records it, audited) and
    the reopen buttons."""
    edition, round_ = _edition_round(slug)
    entry = _entry(edition, entry_id)
    form = PanelScoreForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            score = (form.score.data or "").strip() or None
            with unit_of_work(*REFUSALS) as work:
                set_panel_score(edition, round_, entry, score, form.reason.data, _actor())
            if work.refused:
                status = 400
            else:
                flash(_("Đã ghi điểm hội đồng cho hồ sơ %(code)s.", code=entry.code), "success")
                return _back("judging.entry_sheets", edition, round_, entry_id=entry.id)
        else:
            status = 400
    sheets = db.session.scalars(
        select(ScoreSheet)
        .where(ScoreSheet.round_id == round_.id, ScoreSheet.entry_id == entry.id)
        .order_by(ScoreSheet.id)
    ).all()
    panel_score = db.session.scalars(
        select(PanelScore).where(PanelScore.round_id == round_.id, PanelScore.entry_id == entry.id)
    ).first()
    return _page(
        "judging/org_entry.html",
        edition,
        round_,
        "progress",
        status=status,
        entry=entry,
        sheets=sheets,
        panel_score=panel_score,
        form=form,
        reopen_form=ReopenForm(),
        leaks=attachment_name_leaks(entry),
    )


@bp.post("/<slug>/sheets/reopen")
def reopen_sheet(slug: str):
    """Reopen a submitted sheet with a reason (audited): a draft again."""
    edition, round_ = _edition_round(slug)
    form = ReopenForm()
    sheet = db.session.get(ScoreSheet, _int(form.sheet_id.data) or 0)
    if sheet is None or sheet.edition_id != edition.id:
        abort(404)
    back = _back("judging.entry_sheets", edition, round_, entry_id=sheet.entry_id)
    if not form.validate_on_submit():
        _form_errors(form)
        return back
    with unit_of_work(*REFUSALS) as work:
        reopen(sheet, _actor(), form.reason.data)
    if work.refused:
        return back
    flash(_("Đã mở lại phiếu chấm của %(name)s.", name=sheet.judge.display_name), "success")
    return back


# --- Import, export, paper sheets ---------------------------------------------------------------


@bp.route("/<slug>/import", methods=["GET", "POST"])
def import_scores(slug: str):
    """Upload a scores file: all or nothing, per-row problems listed, summary on success."""
    edition, round_ = _edition_round(slug)
    form = ScoresImportForm()
    problems, result, status = [], None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = run_import(
                edition,
                upload.stream,
                upload.filename or "",
                _actor(),
                round_code=round_.code,
                create_judges=bool(form.create_judges.data),
            )
        except (ImportFailed, TableError) as exc:
            db.session.rollback()
            problems, status = [str(p) for p in exc.problems], 400
        except REFUSALS as exc:
            db.session.rollback()
            problems, status = [str(exc.message)], 400
        else:
            db.session.commit()
    elif request.method == "POST":
        problems, status = [e for es in form.errors.values() for e in es], 400
    return _page(
        "judging/org_import.html",
        edition,
        round_,
        "import",
        status=status,
        form=form,
        problems=problems,
        result=result,
    )


@bp.get("/<slug>/export.xlsx")
def export(slug: str):
    """Every sheet of the round as XLSX: one row per sheet, one column per criterion. Above
    the threshold (``SHEETS_EXPORT_JOB_THRESHOLD``) a job writes the file: its page shows
    the progress, then the download."""
    edition, round_ = _edition_round(slug)
    if exports.sheet_count(round_) > exports.job_threshold():
        job = exports.create_export_job(edition, round_, _actor(), str(get_locale()))
        job_id = job.id
        commit_and_dispatch()
        return redirect(url_for("jobs.show", job_id=job_id))
    buffer = io.BytesIO()
    exports.export_round(edition, round_, buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype=exports.XLSX_TYPE,
        as_attachment=True,
        download_name=exports.export_filename(edition, round_),
    )


@bp.get("/<slug>/exports/<int:job_id>.xlsx")
def export_download(slug: str, job_id: int):
    """The file written by a finished export job of the edition."""
    edition, _round = _edition_round(slug)
    job = db.session.get(Job, job_id)
    result = (job.result or {}) if job is not None else {}
    if (
        job is None
        or job.kind != exports.KIND
        or job.status != JobStatus.SUCCEEDED
        or job.params.get("edition_id") != edition.id
        or not result.get("key")
    ):
        abort(404)
    return send_stored(
        result["key"],
        exports.XLSX_TYPE,
        result.get("filename") or "phieu-cham.xlsx",
        as_attachment=True,
    )


@bp.get("/<slug>/paper.pdf")
def paper_sheets(slug: str):
    """Blank paper score sheets (PDF) of every judge of the round, or of ``?judge=<id>``."""
    edition, round_ = _edition_round(slug)
    judge_id = _int(request.args.get("judge")) if request.args.get("judge") else None
    pdf = paper.render_pdf(edition, round_, judge_id)
    name = f"phieu-cham-giay-{edition.slug}-{round_.code}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
