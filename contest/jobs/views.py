"""Job pages: the organizers' list, one job's page and the JSON polled by the progress bar."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role
from ..areas.provinces import people_of_province, user_province_id
from ..audit.operations import record
from ..extensions import db
from ..forms import EmptyForm
from ..permissions import role_required
from . import operations, recovery, selfcheck
from .labels import STATUS_COLOURS, STATUS_LABELS, kind_label, status_label
from .models import Job, JobStatus

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.app_template_filter("job_kind")
def _job_kind_filter(kind: str) -> str:
    """``{{ job.kind|job_kind }}``: the kind's label in the user's language."""
    return kind_label(kind)


@bp.app_template_filter("job_status")
def _job_status_filter(status: str) -> str:
    """``{{ job.status|job_status }}``: the status label in the user's language."""
    return status_label(status)


@bp.app_template_filter("job_colour")
def _job_colour_filter(status: str) -> str:
    """``{{ job.status|job_colour }}``: the Bootstrap colour of the status."""
    return STATUS_COLOURS.get(status, "secondary")


def load_job(job_id: int) -> Job:
    """The job ``job_id`` if the current user may see it; 404 if absent, 403 if not theirs."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not job.visible_to(current_user):
        abort(403)
    return job


@bp.get("/")
@role_required(Role.ORGANIZER)
def index():
    """Recent jobs, newest first, optionally of one status; paginated."""
    status = request.args.get("status", "")
    stmt = select(Job).options(selectinload(Job.created_by)).order_by(Job.id.desc())
    own = user_province_id(current_user)
    if own is not None:  # an organizer of a province: its people's jobs
        stmt = stmt.where(
            or_(
                Job.created_by_id == current_user.id,
                Job.created_by_id.in_(people_of_province(own)),
            )
        )
    if status in STATUS_LABELS:
        stmt = stmt.where(Job.status == status)
    else:
        status = ""
    page = db.paginate(
        stmt,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "jobs/index.html",
        page=page,
        status=status,
        statuses=list(JobStatus),
        form=EmptyForm(),
    )


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    """One job: progress bar, status, and its result or error."""
    job = load_job(job_id)
    is_organizer = current_user.has_role(Role.ORGANIZER)
    return render_template(
        "jobs/show.html",
        job=job,
        stalled=recovery.is_stalled(job),
        can_rerun=is_organizer and recovery.can_rerun(job),
        history=recovery.rerun_history(job) if is_organizer else [],
        form=EmptyForm(),
    )


@bp.post("/<int:job_id>/rerun")
@role_required(Role.ORGANIZER)
def rerun(job_id: int):
    """Run a failed or stalled job again (audited); anything else is left alone."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    job = load_job(job_id)
    if recovery.rerun(job, current_user):
        flash(_("Đã cho chạy lại công việc."), "success")
    else:
        flash(
            _("Chỉ có thể chạy lại công việc đã thất bại hoặc bị gián đoạn."),
            "warning",
        )
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/<int:job_id>.json")
def status(job_id: int):
    """The job's state as JSON, polled by ``static/js/progress.js``."""
    if not current_user.is_authenticated:
        return jsonify(error=_("Vui lòng đăng nhập để tiếp tục.")), 401
    job = load_job(job_id)
    response = jsonify(
        id=job.id,
        status=job.status,
        status_label=status_label(job.status),
        progress=job.progress,
        total=job.total,
        percent=job.percent,
        message=_(job.message) if job.message else "",
        done=job.done,
        error=job.error_summary if job.status == JobStatus.FAILED else "",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/selfcheck", endpoint="selfcheck")
@role_required(Role.ORGANIZER)
def selfcheck_start():
    """Start a system self-check and show its page."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    celery = current_app.extensions["celery"]
    # In-process tasks run inside this request: no point in pausing between the steps.
    pause = 0 if celery.conf.task_always_eager else current_app.config.get("SELFCHECK_PAUSE", 0.5)
    job = operations.create_job(
        selfcheck.KIND, {"pause": pause}, user=current_user, total=selfcheck.STEPS
    )
    record(current_user, "job.start", "job", job.id, kind=job.kind)
    operations.commit()
    flash(_("Đã bắt đầu kiểm tra hệ thống."), "success")
    return redirect(url_for("jobs.show", job_id=job.id))
