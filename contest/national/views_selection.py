"""National selection pages (blueprint ``national``, organizers): the proposed list with the
overrides and their reasons, adding / removing / undoing, the national results, and the
dossier for the national organizers (a job with progress, then a ZIP download). Thin: the
rules are in :mod:`.selection`, the archive in :mod:`.dossier`, the forms in :mod:`.forms`.
Each POST commits once; a refused form re-renders the page (status 400) with its message and
what was typed — nothing is stored."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..accounts.models import Role
from ..audit.operations import record
from ..contests.models import Edition
from ..contests.national_flag import is_national, national_editions
from ..contests.pages_support import edition_or_404
from ..extensions import db
from ..forms import EmptyForm
from ..jobs.models import Job
from ..jobs.operations import commit
from ..permissions import role_required
from ..publication import operations as pub
from ..storage import send_stored
from . import dossier as national_dossier
from . import selection as national
from .forms import ChooseForm, ResultForm, UndoForm

bp = Blueprint("national", __name__, url_prefix="/organizer/national")


def _errors(form: FlaskForm) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def _page(edition: Edition, status: int = 200, failed: dict | None = None):
    """The national page; ``failed`` describes a refused form (its kind, the entry or
    choice it was about, its messages and the values typed) so the page shows it again."""
    chosen = national.selection(edition)
    publication = chosen.publication
    jobs = national_dossier.dossier_jobs(edition, limit=5)
    return (
        render_template(
            "national/selection.html",
            edition=edition,
            sel=chosen,
            state=pub.state(publication) if publication else None,
            history=national.choice_history(edition),
            jobs=jobs,
            downloadable={j.id for j in jobs if national_dossier.download_key(j, edition)},
            send_targets=[e for e in national_editions() if e.id != edition.id],
            receives_national=is_national(edition),
            failed=failed or {},
            form=EmptyForm(),
        ),
        status,
    )


def _refused(edition: Edition, kind: str, messages: list[str], **values):
    """Roll back and show the page again with the refused form's messages (400)."""
    db.session.rollback()
    return _page(edition, 400, {"kind": kind, "messages": messages, **values})


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def edition(slug: str):
    """The proposal / selection table, its warnings, the forms and the dossiers."""
    return _page(edition_or_404(slug))


@bp.post("/<slug>/choose")
@role_required(Role.ORGANIZER)
def choose(slug: str):
    """Add an entry to the list or remove one (with a reason)."""
    edition_ = edition_or_404(slug)
    form = ChooseForm()
    values = {
        "action": form.action.data,
        "entry_id": form.entry_id.data,
        "reason": form.reason.data or "",
    }
    if not form.validate_on_submit():
        return _refused(edition_, "choose", _errors(form), **values)
    operation = national.include if form.action.data == "include" else national.exclude
    try:
        choice = operation(edition_, int(form.entry_id.data), form.reason.data, current_user)
    except national.NationalError as exc:
        return _refused(edition_, "choose", [exc.message], **values)
    code = choice.entry.code if choice.entry else ""
    db.session.commit()
    if choice.include:
        flash(_("Đã bổ sung %(code)s vào danh sách gửi dự thi toàn quốc.", code=code), "success")
    else:
        flash(_("Đã loại %(code)s khỏi danh sách gửi dự thi toàn quốc.", code=code), "success")
    return redirect(url_for(".edition", slug=slug))


@bp.post("/<slug>/undo")
@role_required(Role.ORGANIZER)
def undo(slug: str):
    """Undo an override: the entry goes back to what the rule proposes."""
    edition_ = edition_or_404(slug)
    form = UndoForm()
    values = {"choice_id": form.choice_id.data, "reason": form.reason.data or ""}
    if not form.validate_on_submit():
        return _refused(edition_, "undo", _errors(form), **values)
    try:
        national.undo(edition_, int(form.choice_id.data), form.reason.data, current_user)
    except national.NationalError as exc:
        return _refused(edition_, "undo", [exc.message], **values)
    db.session.commit()
    flash(_("Đã hủy thay đổi; sản phẩm trở lại theo đề xuất."), "success")
    return redirect(url_for(".edition", slug=slug))


@bp.post("/<slug>/result")
@role_required(Role.ORGANIZER)
def result(slug: str):
    """Record (or correct) an entry's national result."""
    edition_ = edition_or_404(slug)
    form = ResultForm()
    values = {
        "entry_id": form.entry_id.data,
        "result": form.result.data or "",
        "note": form.note.data or "",
    }
    if not form.validate_on_submit():
        return _refused(edition_, "result", _errors(form), **values)
    try:
        national.record_result(
            edition_, int(form.entry_id.data), form.result.data, form.note.data, current_user
        )
    except national.NationalError as exc:
        return _refused(edition_, "result", [exc.message], **values)
    db.session.commit()
    flash(_("Đã ghi kết quả toàn quốc."), "success")
    return redirect(url_for(".edition", slug=slug, _anchor=f"entry-{form.entry_id.data}"))


@bp.post("/<slug>/dossier")
@role_required(Role.ORGANIZER)
def dossier(slug: str):
    """Start building the dossier for the national organizers; show the job's progress."""
    edition_ = edition_or_404(slug)
    if not EmptyForm().validate_on_submit():
        return _refused(edition_, "dossier", [_("Biểu mẫu đã hết hạn, vui lòng thử lại.")])
    if not national.selection(edition_).items:
        return _refused(edition_, "dossier", [_("Danh sách gửi dự thi toàn quốc đang trống.")])
    job = national_dossier.create_dossier_job(edition_, user=current_user)
    record(current_user, "job.start", "job", job.id, kind=job.kind, edition=edition_.slug)
    job_id = job.id
    commit()
    flash(_("Đã bắt đầu tạo hồ sơ gửi Trung ương."), "success")
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/<slug>/dossier/<int:job_id>.zip")
@role_required(Role.ORGANIZER)
def download(slug: str, job_id: int):
    """The dossier archive built by job ``job_id`` (404 unless it is this edition's finished
    dossier whose file is still kept)."""
    edition_ = edition_or_404(slug)
    job = db.session.get(Job, job_id)
    key = national_dossier.download_key(job, edition_) if job is not None else None
    if not key:
        abort(404)
    assert job is not None  # the key is that job's
    name = f"Ho_so_toan_quoc_{edition_.slug}_{job.id}.zip"
    response = send_stored(key, "application/zip", name, as_attachment=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
