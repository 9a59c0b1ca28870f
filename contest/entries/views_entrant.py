"""The entrant's pages (blueprint ``entries``, under ``/my/entries``): choose an open edition,
then the steps of an entry — registration data, authors, mentor teacher or application,
attachments, review and submission — each saved on the server as the entrant goes, then the
receipt; withdrawal and deletion of a draft.

Entrants start entries. The pages of one entry serve whoever :func:`.access.load_entry` lets
see it (its owner, the coordinators of its area helping, organizers); whether a change is
allowed is decided by the domain at the write (:mod:`.operations`), and the pages say why an
action is not available. Views are thin: read a form, call the operation, commit once.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.forms import area_select_choices
from ..accounts.models import Role
from ..areas.tree import units_under
from ..contests.deadlines import deadline_for, edition_phase
from ..contests.operations import get_edition
from ..contests.timeline import Phase
from ..errors import message_of, unit_of_work
from ..extensions import db, login_manager
from ..jobs.operations import commit
from ..permissions import role_required
from ..timeutil import utcnow
from . import access, completeness, operations
from .forms import ETHNIC_GROUPS, AppliedForm, EntryForm, MentorForm, VersionedForm, WithdrawForm
from .journey import (
    REFUSED,
    author_rows_context,
    entry_context,
    run_step,
    save_authors,
    show_problems,
)
from .listing import open_editions, status_colour
from .queries import EntryFilters, entry_list
from .states import InvalidEntry, StaleEntry, status_label

bp = Blueprint("entries", __name__, url_prefix="/my/entries")


@bp.before_request
def _logged_in_only():
    """Anonymous visitors go to the login page."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.app_template_filter("entry_status")
def _entry_status(status: str) -> str:
    """The Vietnamese name of an entry status."""
    return status_label(status)


@bp.app_template_filter("entry_status_colour")
def _entry_status_colour(status: str) -> str:
    """The badge colour of an entry status."""
    return status_colour(status)


@bp.app_template_global("attachment_label")
def _attachment_label(kind: str) -> str:
    """The Vietnamese name of an attachment kind."""
    return completeness.attachment_label(kind)


def home_context(user) -> dict:
    """What the entrant's home and list show: their entries and the editions open now."""
    entries = entry_list(user, EntryFilters(owner_id=user.id, sort="-updated"))
    return {"my_entries": entries, "open_editions": open_editions(user.area, utcnow())}


# --- Starting an entry -----------------------------------------------------------------------


@bp.get("/")
@role_required(Role.ENTRANT)
def index():
    """The entrant's entries and the editions they may enter now."""
    return render_template("entries/index.html", **home_context(current_user))


@bp.get("/new")
@role_required(Role.ENTRANT)
def new():
    """Choose the edition to enter (those open for the entrant's area)."""
    return render_template(
        "entries/new.html", open_editions=open_editions(current_user.area, utcnow())
    )


def _open_edition_or_404(slug: str):
    """The edition ``slug`` if it is public (not a draft); 404 otherwise."""
    edition = get_edition(slug)
    if edition is None or edition_phase(edition, utcnow()) == Phase.DRAFT:
        abort(404)
    return edition


@bp.route("/new/<slug>", methods=["GET", "POST"])
@role_required(Role.ENTRANT)
def create(slug: str):
    """Step 1 of a new entry: create the draft."""
    edition = _open_edition_or_404(slug)
    area = current_user.area
    form = EntryForm(data={"area_id": current_user.area_id, "unit_name": current_user.unit_name})
    form.setup(edition, area_select_choices())
    if form.validate_on_submit():
        try:
            entry = operations.create_draft(edition, current_user, form.values(edition))
            commit()
        except InvalidEntry as exc:
            db.session.rollback()
            show_problems(form, exc)
        except REFUSED as exc:
            db.session.rollback()
            flash(message_of(exc), "danger")
        else:
            if request.form.get("go") != "next":
                flash(_("Đã lưu bản nháp."), "success")
                return redirect(url_for("entries.edit", entry_id=entry.id))
            flash(_("Đã lưu bản nháp. Bước tiếp theo: danh sách tác giả."), "success")
            return redirect(url_for("entries.authors", entry_id=entry.id))
    closed = edition_phase(edition, utcnow(), area) != Phase.OPEN
    return render_template(
        "entries/step_edit.html",
        edition=edition,
        form=form,
        entry=None,
        step="edit",
        closed=closed,
        deadline=deadline_for(edition, area),
        units=units_under(area.id) if area else [],
    )


# --- The steps of one entry ------------------------------------------------------------------


def _load(entry_id: int):
    """The entry if the user may see it (404 otherwise)."""
    return access.load_entry(entry_id, current_user)


@bp.get("/<int:entry_id>")
def detail(entry_id: int):
    """An entry at a glance: status, code, what is still possible and until when."""
    entry = _load(entry_id)
    return render_template(
        "entries/detail.html", withdraw_form=WithdrawForm(), **entry_context(entry, "detail")
    )


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int):
    """Step 1: title, field, board, summary, area, unit."""
    entry = _load(entry_id)
    form = EntryForm(obj=entry, data={"version": entry.version})
    form.setup(entry.edition, area_select_choices())
    if form.validate_on_submit():
        values = form.values(entry.edition)
        action = lambda: operations.update_entry(  # noqa: E731
            entry, current_user, values, expected_version=form.expected_version()
        )
        if (response := run_step(form, entry, "edit", action)) is not None:
            return response
    units = units_under(entry.area_id) if entry.area_id else []
    return render_template(
        "entries/step_edit.html", form=form, units=units, **entry_context(entry, "edit")
    )


@bp.route("/<int:entry_id>/authors", methods=["GET", "POST"])
def authors(entry_id: int):
    """Step 2: the authors (1 … max authors), one of them the representative."""
    entry = _load(entry_id)
    form, response = save_authors(entry)
    if response is not None:
        return response
    return render_template(
        "entries/step_authors.html",
        form=form,
        ethnic_groups=ETHNIC_GROUPS,
        **author_rows_context(entry, form),
        **entry_context(entry, "authors"),
    )


@bp.route("/<int:entry_id>/details", methods=["GET", "POST"])
def details(entry_id: int):
    """Step 3: the mentor teacher (youth) or where and since when the solution is applied
    (technical)."""
    entry = _load(entry_id)
    form_class = AppliedForm if entry.edition.kind == "technical" else MentorForm
    form = form_class(obj=entry, data={"version": entry.version})
    if form.validate_on_submit():
        values = form.values()
        action = lambda: operations.update_entry(  # noqa: E731
            entry, current_user, values, expected_version=form.expected_version()
        )
        if (response := run_step(form, entry, "details", action)) is not None:
            return response
    return render_template(
        "entries/step_details.html", form=form, **entry_context(entry, "details")
    )


@bp.get("/<int:entry_id>/files")
def files(entry_id: int):
    """Step 4: the attachments of the field's checklist (uploads go to the attachment
    endpoints and come back here)."""
    entry = _load(entry_id)
    return render_template("entries/step_files.html", **entry_context(entry, "files"))


@bp.get("/<int:entry_id>/review")
def review(entry_id: int):
    """Step 5: everything at once, what is still missing, and the submit button."""
    entry = _load(entry_id)
    return render_template(
        "entries/step_review.html",
        submit_form=VersionedForm(data={"version": entry.version}),
        **entry_context(entry, "review"),
    )


@bp.post("/<int:entry_id>/submit")
def submit(entry_id: int):
    """Submit the entry (complete, eligible, before the deadline of its area); the receipt
    e-mail leaves after the commit."""
    entry = _load(entry_id)
    form = VersionedForm()
    if not form.validate_on_submit():
        flash(_("Biểu mẫu đã hết hạn, vui lòng thử lại."), "danger")
        return redirect(url_for("entries.review", entry_id=entry.id))
    with unit_of_work(*REFUSED) as work:  # a stale page: a warning, else "danger"
        operations.submit(entry, current_user, expected_version=form.expected_version())
    if isinstance(work.error, StaleEntry):
        return redirect(url_for("entries.detail", entry_id=entry_id))
    if work.refused:
        return redirect(url_for("entries.review", entry_id=entry_id))
    return redirect(url_for("entries.receipt", entry_id=entry_id))


@bp.get("/<int:entry_id>/receipt")
def receipt(entry_id: int):
    """The receipt of a submitted entry: its code, when, and until when it may change."""
    entry = _load(entry_id)
    if not entry.code or entry.submitted_at is None:
        return redirect(url_for("entries.review", entry_id=entry.id))
    return render_template("entries/receipt.html", **entry_context(entry, "receipt"))


@bp.post("/<int:entry_id>/withdraw")
def withdraw(entry_id: int):
    """Withdraw a submitted entry (until the deadline; it keeps its code)."""
    entry = _load(entry_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with unit_of_work(*REFUSED, category="danger") as work:
            operations.withdraw(
                entry,
                current_user,
                reason=form.reason.data or "",
                expected_version=form.expected_version(),
            )
        if not work.refused:
            flash(_("Đã rút hồ sơ %(code)s.", code=entry.code or ""), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("entries.detail", entry_id=entry_id))


@bp.post("/<int:entry_id>/delete")
def delete(entry_id: int):
    """Delete a draft that was never submitted."""
    entry = _load(entry_id)
    form = VersionedForm()
    if form.validate_on_submit():
        title = entry.title
        with unit_of_work(*REFUSED, category="danger") as work:
            operations.delete_draft(entry, current_user, expected_version=form.expected_version())
        if work.refused:
            return redirect(url_for("entries.detail", entry_id=entry_id))
        flash(_("Đã xoá bản nháp “%(title)s”.", title=title), "success")
    if current_user.has_role(Role.ENTRANT):
        return redirect(url_for("entries.index"))
    return redirect(url_for("main.home"))
