"""Statistics and the summary report (báo cáo tổng kết), organizers only (blueprint
``statistics``).

* ``statistics.edition`` (GET /<slug>) — every table of :mod:`.statistics` with its chart
  (Chart.js from the vendored copy; data in ``data-chart`` attributes), the comparison with
  the previous edition, and the recent reports.
* ``statistics.report`` (POST /<slug>/report) — starts a ``statistics.report`` job
  (:mod:`.report`) and shows its progress page.
* ``statistics.download`` (GET /<slug>/report/<job_id>.pdf) — the PDF a finished job stored.
* ``statistics.xlsx`` (GET /<slug>/statistics.xlsx) — every table as an XLSX workbook.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Role
from ..audit.operations import record
from ..contests.models import Edition
from ..contests.pages_support import edition_or_404
from ..extensions import db
from ..forms import EmptyForm
from ..jobs.models import Job, JobStatus
from ..jobs.operations import commit
from ..permissions import role_required
from ..storage import get_storage, valid_key
from . import report
from . import statistics as st
from .statistics_output import MANY_ROWS, page_charts, workbook

bp = Blueprint("statistics", __name__, url_prefix="/organizer/statistics")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_REPORTS = 5


@bp.app_template_filter("signed")
def _signed(value: int) -> str:
    """``{{ n|signed }}``: +3, −2, 0 (a true minus sign)."""
    if not value:
        return "0"
    text = format_decimal(abs(value))
    return f"+{text}" if value > 0 else f"−{text}"


@bp.app_template_filter("pct_change")
def _pct_change(value: float | None) -> str:
    """``{{ change.percent|pct_change }}``: +12,5 % / −20 % / — (no previous count)."""
    if value is None:
        return "—"
    text = format_decimal(abs(value), format="#,##0.#")
    if not value:
        return "0 %"
    return f"+{text} %" if value > 0 else f"−{text} %"


def recent_reports(edition: Edition, limit: int = RECENT_REPORTS) -> list[Job]:
    """The latest report jobs of ``edition``, newest first (the params are JSON: the last
    jobs of the kind are read and filtered here)."""
    jobs = db.session.scalars(
        select(Job).where(Job.kind == report.KIND).order_by(Job.id.desc()).limit(200)
    ).all()
    return [j for j in jobs if (j.params or {}).get("edition_id") == edition.id][:limit]


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def edition(slug: str):
    """The statistics page of one edition."""
    found = edition_or_404(slug)
    stats = st.edition_statistics(found)
    return render_template(
        "reports/edition.html",
        edition=found,
        stats=stats,
        charts=page_charts(stats),
        many_rows=MANY_ROWS,
        reports=recent_reports(found),
        form=EmptyForm(),
    )


@bp.post("/<slug>/report", endpoint="report")
@role_required(Role.ORGANIZER)
def report_start(slug: str):
    """Start making the summary report and show the job's progress."""
    found = edition_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = report.create_report_job(found, user=current_user)
    record(current_user, "job.start", "job", job.id, kind=job.kind, edition=found.slug)
    job_id = job.id
    commit()
    flash(_("Đang lập báo cáo tổng kết; tệp PDF sẽ có khi tác vụ hoàn thành."), "success")
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/<slug>/report/<int:job_id>.pdf")
@role_required(Role.ORGANIZER)
def download(slug: str, job_id: int):
    """The PDF stored by report job ``job_id`` of this edition."""
    found = edition_or_404(slug)
    job = db.session.get(Job, job_id)
    if (
        job is None
        or job.kind != report.KIND
        or (job.params or {}).get("edition_id") != found.id
        or job.status != JobStatus.SUCCEEDED.value
    ):
        abort(404)
    key = (job.result or {}).get("key")
    storage = get_storage()
    if not valid_key(key) or not storage.exists(key):
        abort(404)
    with storage.open(key) as stream:  # a few hundred kB: read whole, nothing left open
        data = stream.read()
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=report.file_name(found),
        max_age=0,
    )


@bp.get("/<slug>/statistics.xlsx")
@role_required(Role.ORGANIZER)
def xlsx(slug: str):
    """Every table of the page as an XLSX workbook."""
    found = edition_or_404(slug)
    stats = st.edition_statistics(found)
    data = workbook(stats, st.winners_by_level(stats.publication))
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"thong-ke-{found.slug}.xlsx",
        max_age=0,
    )
