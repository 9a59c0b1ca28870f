"""Intake by organizers (blueprint ``intake``, under ``/organizer/entries``): the list of
every entry (filters, search, sorting, pages, bulk actions, XLSX export), one entry in full
(data, authors, attachments, completeness, history) with receive / accept / reject /
reclassify / withdraw, the import of an entries file, and the dashboard of an edition.

Every action is a POST with CSRF calling :mod:`.intake` (which checks the organizer and the
entry's status at the write, audits, and queues e-mails); the view commits once with
:func:`contest.jobs.operations.commit` so the e-mails leave after the commit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..areas.models import Area
from ..areas.tree import path_of
from ..contests.gates import ResultsPublished, results_published
from ..contests.models import Board, EditionField
from ..errors import message_of
from ..extensions import db
from ..jobs.operations import commit
from ..permissions import organizers_only
from ..redirects import safe_next
from ..storage import StorageError
from ..timeutil import utcnow
from . import access, completeness, dashboard, intake, judging_gate
from .forms import (
    BulkForm,
    ImportForm,
    ReclassifyForm,
    RejectForm,
    VersionedForm,
    WithdrawForm,
    options,
)
from .import_job import create_import_job, store_upload
from .journey import REFUSED, problems_of, today_local
from .listing import all_editions, build_list, default_edition, entries_by_ids, export_response
from .listing import history as entry_history
from .models import GENDER_LABELS
from .states import InvalidEntry

bp = Blueprint("intake", __name__, url_prefix="/organizer/entries")

BULK_FAILURES_SHOWN = 10


bp.before_request(organizers_only)


# --- List, export, bulk ----------------------------------------------------------------------


@bp.get("/")
def index():
    """Every entry, filtered, searched, sorted, a page at a time."""
    page = build_list(current_user, request.args)
    return render_template("intake/index.html", page=page, bulk_form=BulkForm())


@bp.get("/export.xlsx")
def export():
    """The filtered list (all pages) as an XLSX file with Vietnamese headers."""
    return export_response(current_user, build_list(current_user, request.args))


@bp.post("/bulk")
def bulk():
    """One action on the selected entries; one outcome per entry, flashed."""
    form = BulkForm()
    back = safe_next(form.next.data) or url_for("intake.index")
    ids = request.form.getlist("ids")
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn thao tác cho các hồ sơ đã chọn."), "danger")
        return redirect(back)
    entries = entries_by_ids(current_user, ids)
    if not entries:
        flash(_("Chưa chọn hồ sơ nào."), "warning")
        return redirect(back)
    try:
        outcomes = intake.bulk(
            form.action.data,
            entries,
            current_user,
            reason=form.reason.data,
            confirm=form.confirm.data,
        )
        commit()
    except InvalidEntry as exc:
        db.session.rollback()
        flash(message_of(exc), "danger")
        return redirect(back)
    done = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    if done:
        codes = ", ".join(o.code or f"#{o.entry_id}" for o in done)
        flash(_("Đã thực hiện với %(n)d hồ sơ: %(codes)s.", n=len(done), codes=codes), "success")
    for outcome in failed[:BULK_FAILURES_SHOWN]:
        code = outcome.code or f"#{outcome.entry_id}"
        flash(_("%(code)s: %(message)s", code=code, message=outcome.message), "warning")
    if len(failed) > BULK_FAILURES_SHOWN:
        flash(
            _("… và %(n)d hồ sơ khác không thực hiện được.", n=len(failed) - BULK_FAILURES_SHOWN),
            "warning",
        )
    return redirect(back)


# --- One entry -------------------------------------------------------------------------------


def detail_context(entry) -> dict:
    """What the organizer's and the coordinator's page of an entry show."""
    return {
        "entry": entry,
        "edition": entry.edition,
        "problems": problems_of(completeness.check(entry, today_local())),
        "history": entry_history(entry),
        "edit_refusal": access.edit_refusal(current_user, entry),
        "gender_labels": GENDER_LABELS,
    }


def _judging_consequence(entry) -> str | None:
    """What rejecting or reclassifying the entry now does to its judging (None: nothing)."""
    return judging_gate.consequence(entry, utcnow())


@bp.get("/<int:entry_id>")
def detail(entry_id: int):
    """Everything about one entry, and the intake actions."""
    entry = access.load_entry(entry_id, current_user)
    version = {"version": entry.version}
    reclassify_form = ReclassifyForm(
        data={**version, "field_id": entry.field_id, "board_id": entry.board_id}
    )
    reclassify_form.setup(entry.edition)
    return render_template(
        "intake/detail.html",
        action_form=VersionedForm(data=version),
        reject_form=RejectForm(data=version),
        withdraw_form=WithdrawForm(data=version),
        reclassify_form=reclassify_form,
        judging_consequence=_judging_consequence(entry),
        **detail_context(entry),
    )


def _act(entry_id: int, form, action, done_message):
    """Run one intake action on an entry; flash the outcome; back to the entry."""
    entry = access.load_entry(entry_id, current_user)
    if not form.validate_on_submit():
        messages = [e for errors in form.errors.values() for e in errors]
        flash(" ".join(messages) or _("Biểu mẫu đã hết hạn, vui lòng thử lại."), "danger")
        return redirect(url_for("intake.detail", entry_id=entry_id))
    try:
        action(entry, form.expected_version())
        commit()
    except REFUSED as exc:
        db.session.rollback()
        flash(message_of(exc), "danger")
    else:
        flash(done_message(entry), "success")
    return redirect(url_for("intake.detail", entry_id=entry_id))


@bp.post("/<int:entry_id>/receive")
def receive(entry_id: int):
    """Mark a submitted entry as received."""
    return _act(
        entry_id,
        VersionedForm(),
        lambda e, v: intake.receive(e, current_user, expected_version=v),
        lambda e: _("Đã tiếp nhận hồ sơ %(code)s.", code=e.code),
    )


@bp.post("/<int:entry_id>/accept")
def accept(entry_id: int):
    """Accept an entry for judging."""
    return _act(
        entry_id,
        VersionedForm(),
        lambda e, v: intake.accept(e, current_user, expected_version=v),
        lambda e: _("Đã đưa hồ sơ %(code)s vào chấm.", code=e.code),
    )


@bp.post("/<int:entry_id>/reject")
def reject(entry_id: int):
    """Reject an entry with a reason (e-mailed to the entrant)."""
    form = RejectForm()
    return _act(
        entry_id,
        form,
        lambda e, v: intake.reject(
            e,
            current_user,
            form.reason.data or "",
            expected_version=v,
            confirm=form.confirm.data,
        ),
        lambda e: _("Hồ sơ %(code)s không được đưa vào chấm; đã báo cho thí sinh.", code=e.code),
    )


@bp.post("/<int:entry_id>/withdraw")
def withdraw(entry_id: int):
    """Record a withdrawal asked for by the entrant."""
    form = WithdrawForm()
    return _act(
        entry_id,
        form,
        lambda e, v: intake.record_withdrawal(
            e, current_user, reason=form.reason.data or "", expected_version=v
        ),
        lambda e: _("Đã ghi nhận rút hồ sơ %(code)s.", code=e.code),
    )


@bp.post("/<int:entry_id>/reclassify")
def reclassify(entry_id: int):
    """Move an entry to another field (and board); its code stays."""
    entry = access.load_entry(entry_id, current_user)
    form = ReclassifyForm()
    form.setup(entry.edition)

    def action(e, version):
        """Reclassify to the chosen field and board."""
        field = db.session.get(EditionField, form.field_id.data or 0)
        board = db.session.get(Board, form.board_id.data) if form.board_id.data else None
        intake.reclassify(
            e, current_user, field, board, expected_version=version, confirm=form.confirm.data
        )

    return _act(
        entry_id,
        form,
        action,
        lambda e: _(
            "Hồ sơ %(code)s nay thuộc lĩnh vực %(field)s.", code=e.code, field=e.field.name
        ),
    )


# --- Import ----------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_file():
    """Upload an entries file (CSV or XLSX, FORMATS.md). The file is stored and imported by
    a background job (all or nothing, every problem listed by row and column); the job's page
    shows the progress, then the counts or the problems."""
    editions = all_editions()
    form = ImportForm()
    form.edition.choices = options(
        [("", _("— Chọn lần thi —"))] + [(e.id, e.title) for e in editions]
    )
    if request.method == "GET" and form.edition.data is None:
        chosen = default_edition(editions)
        form.edition.data = chosen.id if chosen else None
    if form.validate_on_submit():
        upload = form.file.data
        edition = next(e for e in editions if e.id == form.edition.data)
        if results_published(edition, utcnow()):
            form.edition.errors = [*form.edition.errors, ResultsPublished().message]
        elif not upload or not upload.filename:
            form.file.errors = [*form.file.errors, _("Vui lòng chọn tệp CSV hoặc XLSX.")]
        else:
            try:
                key = store_upload(upload.stream)
            except StorageError as exc:
                form.file.errors = [*form.file.errors, str(exc.message)]
            else:
                job = create_import_job(
                    edition, key, upload.filename, current_user, str(get_locale() or "vi")
                )
                commit()
                return redirect(url_for("jobs.show", job_id=job.id))
    status = 400 if form.errors else 200
    return render_template("intake/import.html", form=form), status


# --- Dashboard -------------------------------------------------------------------------------


def dashboard_edition(editions):
    """The edition a dashboard shows: ``?edition=<slug>``, else the latest."""
    slug = request.args.get("edition")
    if slug:
        found = next((e for e in editions if e.slug == slug), None)
        if found is None:
            abort(404)
        return found
    return default_edition(editions)


@bp.get("/dashboard", endpoint="dashboard")
def dashboard_page():
    """One edition in numbers: per area × field, per status, over time, authors."""
    editions = all_editions()
    edition = dashboard_edition(editions)
    context = {"editions": editions, "edition": edition}
    if edition is not None:
        parent_id = request.args.get("area", type=int)
        parent = db.session.get(Area, parent_id) if parent_id else None
        if parent_id and parent is None:
            abort(404)
        parent_id = parent.id if parent else dashboard.default_parent_area()
        parent = db.session.get(Area, parent_id) if parent_id else None
        series = dashboard.submissions_series(current_user, edition)
        authors = dashboard.author_table(current_user, edition)
        statuses = dashboard.status_rows(current_user, edition)
        context.update(
            parent=parent,
            path=path_of(parent) if parent else [],
            areas=dashboard.area_field_table(current_user, edition, parent_id),
            statuses=statuses,
            status_chart=dashboard.status_chart(statuses),
            series=series,
            series_chart=dashboard.submissions_chart(series),
            authors=authors,
            author_chart=dashboard.author_chart(authors),
        )
    return render_template("intake/dashboard.html", **context)
