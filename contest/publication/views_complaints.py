"""Entrants' complaints (khiếu nại) during the posting period: their complaints with the
answers, and the form to lodge one. Thin: the rules are in ``complaints`` (re-checked where
the complaint is written)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..accounts.models import Role
from ..contests.models import Edition
from ..contests.operations import get_edition
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..permissions import role_required
from ..timeutil import utcnow
from . import complaints as domain
from . import operations as pub
from .forms import ComplaintForm
from .models import Complaint, Publication

bp = Blueprint("complaints", __name__, url_prefix="/complaints")


def _my_editions(user) -> list[Edition]:
    """The editions where ``user`` owns an entry past the draft stage, newest first."""
    ids = select(Entry.edition_id).where(
        Entry.owner_id == user.id, Entry.status != EntryStatus.DRAFT.value
    )
    return list(
        db.session.scalars(
            select(Edition)
            .where(Edition.id.in_(ids))
            .order_by(Edition.submission_deadline.desc(), Edition.id.desc())
        )
    )


@bp.get("/")
@role_required(Role.ENTRANT)
def index():
    """The entrant's complaints (newest first, paginated) and where they may lodge one now."""
    now = utcnow()
    open_now = []
    for edition in _my_editions(current_user):
        eligibility = domain.can_complain(current_user, edition, now)
        current = eligibility.publication
        if current is not None and pub.state(current, now) == pub.State.POSTING:
            open_now.append((edition, eligibility))
    page = db.paginate(
        select(Complaint)
        .where(Complaint.user_id == current_user.id)
        .options(
            selectinload(Complaint.entry),
            selectinload(Complaint.publication).selectinload(Publication.edition),
        )
        .order_by(Complaint.created_at.desc(), Complaint.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config.get("PER_PAGE", 25),
        error_out=False,
    )
    return render_template("publication/my_complaints.html", page=page, open_now=open_now)


def _entry_choices(publication: Publication | None) -> list[SelectChoice]:
    """The published list as choices: code, "code — title (prize)"."""
    choices = [SelectChoice("", _("— Chọn hồ sơ —"))]
    if publication is not None:
        choices += [
            SelectChoice(e.entry_code, f"{e.entry_code} — {e.title} ({e.prize_name})")
            for e in domain.listed_entries(publication)
        ]
    return choices


def _render_new(edition, eligibility, form, error: str = "", code: int = 200):
    return (
        render_template(
            "publication/new_complaint.html",
            edition=edition,
            eligibility=eligibility,
            publication=eligibility.publication,
            form=form,
            error=error,
            max_open=domain.MAX_OPEN_PER_EDITION,
            max_text=domain.MAX_TEXT,
        ),
        code,
    )


@bp.route("/<slug>/new", methods=["GET", "POST"])
@role_required(Role.ENTRANT)
def new(slug: str):
    """Lodge a complaint about one entry of the edition's current published list (or any
    entry accepted for judging, by its code) — only during the posting period."""
    edition = get_edition(slug)
    if edition is None:
        abort(404)
    now = utcnow()
    eligibility = domain.can_complain(current_user, edition, now)
    form = ComplaintForm()
    form.entry.choices = _entry_choices(
        eligibility.publication
        if eligibility.publication is not None and eligibility.publication.superseded_at is None
        else None
    )
    if request.method == "GET":
        return _render_new(edition, eligibility, form)
    if not eligibility:
        return _render_new(edition, eligibility, form, eligibility.reason, 400)
    if not form.validate_on_submit():
        return _render_new(edition, eligibility, form, code=400)
    entry = domain.entry_by_code(edition, form.code)
    if entry is None:
        message = _("Không có hồ sơ mã “%(code)s” trong lần thi này.", code=form.code)
        form.entry_code.errors = [message]
        return _render_new(edition, eligibility, form, code=400)
    assert eligibility.publication is not None  # an eligible answer names the version posted
    try:
        domain.lodge(eligibility.publication, entry, current_user, form.text.data, now)
    except domain.ComplaintError as exc:
        db.session.rollback()
        return _render_new(edition, eligibility, form, exc.message, 400)
    db.session.commit()
    flash(_("Đã gửi khiếu nại. Ban Tổ chức sẽ trả lời qua e-mail và trên trang này."), "success")
    return redirect(url_for(".index"))
