"""Organizer pages of announcements (blueprint ``announcements``): the edition's list with
each sending's progress, a form that previews the number of recipients before sending, one
announcement with its recipients, and resuming a sending that stopped."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Role
from ..areas.models import Area
from ..areas.tree import area_choices
from ..contests.models import EditionField
from ..contests.pages_support import edition_or_404
from ..extensions import db
from ..forms import EmptyForm
from ..jobs.operations import commit
from ..permissions import role_required
from . import operations
from .forms import AnnouncementForm
from .models import Announcement, AnnouncementRecipient, Audience

bp = Blueprint("announcements", __name__, url_prefix="/organizer/announcements")

RECIPIENTS_SHOWN = 500


def _announcement_or_404(edition, announcement_id: int) -> Announcement:
    found = db.session.get(Announcement, announcement_id)
    if found is None or found.edition_id != edition.id:
        abort(404)
    return found


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def index(slug: str):
    """The edition's announcements, newest first, with their progress."""
    edition = edition_or_404(slug)
    items = operations.for_edition(edition)
    counts = operations.counts(a.id for a in items)
    return render_template("announcements/index.html", edition=edition, items=items, counts=counts)


def _filters(form: AnnouncementForm, edition):
    """The chosen area and field (None: no filter)."""
    area = db.session.get(Area, int(form.area.data)) if form.area.data else None
    field_ = db.session.get(EditionField, int(form.field.data)) if form.field.data else None
    if field_ is not None and field_.edition_id != edition.id:
        field_ = None
    return area, field_


def _signature(count: int, form: AnnouncementForm) -> str:
    """What the organizer confirmed: the count for these audience and filters."""
    return f"{count}|{form.audience.data}|{form.area.data or ''}|{form.field.data or ''}"


def _confirmed_count(form: AnnouncementForm) -> int | None:
    """The confirmed count if it was confirmed for the audience and filters now chosen."""
    raw = form.confirmed_count.data or ""
    count, _sep, rest = raw.partition("|")
    if not count.isdigit() or _signature(int(count), form) != raw:
        return None
    return int(count)


def _show_problems(form: AnnouncementForm, problems) -> list[str]:
    """Put problems on their inputs; return those about no input."""
    general = []
    for name, message in problems:
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            general.append(message)
    return general


@bp.route("/<slug>/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def new(slug: str):
    """Write an announcement; "Xem trước" shows the recipients' number, "Gửi" sends it."""
    edition = edition_or_404(slug)
    form = AnnouncementForm()
    form.setup(edition, area_choices())
    general: list[str] = []
    selection = None
    notice = None
    status = 200
    if form.validate_on_submit():
        area, field_ = _filters(form, edition)
        confirmed = _confirmed_count(form)
        try:
            if request.form.get("action") == "send" and confirmed is not None:
                announcement = operations.send(
                    edition,
                    current_user,
                    Audience(form.audience.data),
                    form.subject.data,
                    form.body.data,
                    area=area,
                    field_=field_,
                    expected_count=confirmed,
                )
                commit()
                flash(
                    _(
                        "Đã bắt đầu gửi thông báo tới %(n)d người nhận.",
                        n=announcement.recipient_count,
                    ),
                    "success",
                )
                return redirect(
                    url_for("announcements.show", slug=slug, announcement_id=announcement.id)
                )
            if request.form.get("action") == "send":
                notice = _(
                    "Lựa chọn người nhận đã thay đổi: vui lòng xem lại số người nhận rồi gửi."
                )
            operations.clean_text(form.subject.data, form.body.data)
            selection = operations.preview(edition, form.audience.data, area, field_)
        except operations.CountChanged as exc:
            db.session.rollback()
            notice = str(exc.message)
            selection = operations.preview(edition, form.audience.data, area, field_)
        except operations.InvalidAnnouncement as exc:
            db.session.rollback()
            general = _show_problems(form, exc.problems)
            selection = None
            status = 400
        if selection is not None:
            form.confirmed_count.data = _signature(selection.count, form)
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "announcements/new.html",
            edition=edition,
            form=form,
            general=general,
            selection=selection,
            notice=notice,
        ),
        status,
    )


@bp.get("/<slug>/<int:announcement_id>")
@role_required(Role.ORGANIZER)
def show(slug: str, announcement_id: int):
    """One announcement: its message, its progress and its recipients."""
    edition = edition_or_404(slug)
    announcement = _announcement_or_404(edition, announcement_id)
    recipients = db.session.scalars(
        select(AnnouncementRecipient)
        .where(AnnouncementRecipient.announcement_id == announcement.id)
        .order_by(AnnouncementRecipient.id)
        .limit(RECIPIENTS_SHOWN)
    ).all()
    counts = operations.counts([announcement.id])[announcement.id]
    job = announcement.job
    return render_template(
        "announcements/show.html",
        edition=edition,
        announcement=announcement,
        recipients=recipients,
        counts=counts,
        job=job,
        can_resume=counts.left > 0 and (job is None or job.done),
        form=EmptyForm(),
        shown=RECIPIENTS_SHOWN,
    )


@bp.post("/<slug>/<int:announcement_id>/resume")
@role_required(Role.ORGANIZER)
def resume(slug: str, announcement_id: int):
    """Send what is left of a sending that stopped."""
    edition = edition_or_404(slug)
    announcement = _announcement_or_404(edition, announcement_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.resume(announcement, current_user)
    except operations.InvalidAnnouncement as exc:
        db.session.rollback()
        for _name, message in exc.problems:
            flash(message, "warning")
    else:
        commit()
        flash(_("Đã tiếp tục gửi các thư chưa gửi."), "success")
    return redirect(url_for("announcements.show", slug=slug, announcement_id=announcement_id))
