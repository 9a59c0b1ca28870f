"""Organizers' publication pages: publish a run, versions and differences, posting period,
complaints to answer. Thin: the rules are in ``publish`` and ``complaints``, the data in
``status``; each POST commits once (``jobs.operations.commit``: hooks and answers add jobs)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..contests.models import Edition
from ..contests.pages_support import edition_or_404
from ..extensions import db
from ..jobs.operations import commit
from ..permissions import role_required
from ..timeutil import utcnow
from . import complaints as complaints_domain
from . import notify  # noqa: F401 - registers the after-publish hook and its job
from . import operations as pub
from . import status as status_data
from .forms import AnswerForm, PublishForm
from .models import Complaint
from .preview_cache import cached_preview

bp = Blueprint("publication", __name__, url_prefix="/organizer/publication")

COMPLAINT_FILTERS = ("open", "answered", "all")


@bp.context_processor
def _helpers():
    return {"State": pub.State, "pub_state": pub.state, "now": utcnow()}


def _per_page() -> int:
    return current_app.config.get("PER_PAGE", 25)


@bp.get("/")
@role_required(Role.ORGANIZER)
def index():
    """Every edition with its publication status (paginated, newest first)."""
    page = db.paginate(
        db.select(Edition).order_by(Edition.submission_deadline.desc(), Edition.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=_per_page(),
        error_out=False,
    )
    now = utcnow()
    rows = [status_data.edition_status(e, now, brief=True) for e in page.items]
    return render_template("publication/index.html", page=page, rows=rows)


def _publish_form(info: status_data.EditionStatus, formdata=None) -> PublishForm:
    form = PublishForm() if formdata is None else PublishForm(formdata=formdata)
    form.correction = info.current is not None
    form.blocked = bool(info.blockers)
    return form


def _render_edition(edition: Edition, form: PublishForm | None = None, error: str = "", code=200):
    """The edition's publication page: state, run and blockers, form, versions."""
    info = status_data.edition_status(edition)
    if form is None:
        form = _publish_form(info, formdata=None)
    preview = cached_preview(edition, info.run, info.current) if info.run else None
    return (
        render_template(
            "publication/edition.html",
            edition=edition,
            info=info,
            form=form,
            error=error,
            preview=preview,
            versions=status_data.versions(edition),
        ),
        code,
    )


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def edition(slug: str):
    """One edition: what would be published, its blockers, the publish form, the versions."""
    return _render_edition(edition_or_404(slug))


@bp.post("/<slug>/publish")
@role_required(Role.ORGANIZER)
def publish(slug: str):
    """Publish the latest run of the last round as the next version (irreversible)."""
    edition = edition_or_404(slug)
    info = status_data.edition_status(edition)
    form = _publish_form(info, formdata=request.form)
    if not form.validate_on_submit():
        return _render_edition(edition, form, code=400)
    try:
        publication = pub.publish(
            edition,
            current_user,
            posting_days=form.posting_days.data,
            note=form.note.data or "",
            override_reason=form.override_reason.data or "",
        )
        number = publication.version
        commit()
    except pub.PublishError as exc:
        db.session.rollback()
        return _render_edition(edition, form, exc.message, 400)
    except IntegrityError:  # another organizer published the same version number just now
        db.session.rollback()
        message = _("Một phiên bản khác vừa được công bố; hãy xem lại trang rồi thử lại.")
        return _render_edition(edition, form, message, 409)
    flash(_("Đã công bố kết quả, phiên bản %(n)d.", n=number), "success")
    return redirect(url_for(".version", slug=slug, version=number))


@bp.get("/<slug>/v/<int:version>")
@role_required(Role.ORGANIZER)
def version(slug: str, version: int):
    """One version: its list by field and prize, and what changed from version n − 1."""
    edition = edition_or_404(slug)
    publication = status_data.version(edition, version)
    if publication is None:
        abort(404)
    previous = status_data.version(edition, version - 1) if version > 1 else None
    return render_template(
        "publication/version.html",
        edition=edition,
        publication=publication,
        previous=previous,
        groups=status_data.grouped(publication),
        changes=pub.differences(previous, publication) if previous else [],
    )


def _render_complaints(edition: Edition, failed=None, form=None, code=200):
    which = request.args.get("status", "open")
    which = which if which in COMPLAINT_FILTERS else "open"
    page = status_data.complaints_page(
        edition, which, request.args.get("page", 1, type=int), _per_page()
    )
    return (
        render_template(
            "publication/complaints.html",
            edition=edition,
            page=page,
            which=which,
            filters=COMPLAINT_FILTERS,
            failed=failed,
            failed_form=form,
            answer_form=AnswerForm(formdata=None),
            open_count=status_data.open_complaints(edition),
        ),
        code,
    )


@bp.get("/<slug>/complaints")
@role_required(Role.ORGANIZER)
def complaints(slug: str):
    """The complaints of one edition (filter open / answered / all; paginated)."""
    return _render_complaints(edition_or_404(slug))


@bp.post("/<slug>/complaints/<int:complaint_id>/answer")
@role_required(Role.ORGANIZER)
def answer(slug: str, complaint_id: int):
    """Accept or reject one open complaint with an answer (e-mailed to the entrant)."""
    edition = edition_or_404(slug)
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.publication.edition_id != edition.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_complaints(edition, complaint.id, form, 400)
    try:
        complaints_domain.answer(complaint, form.status.data, form.answer.data, current_user)
        commit()
    except complaints_domain.ComplaintError as exc:  # answered meanwhile by someone else
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for(".complaints", slug=slug, status="all"))
    if form.status.data == "accepted":
        flash(
            _(
                "Đã chấp nhận khiếu nại. Để sửa kết quả, hãy tổng hợp lại hoặc ghi quyết định "
                "trên trang kết quả, rồi công bố phiên bản mới."
            ),
            "success",
        )
    else:
        flash(_("Đã trả lời khiếu nại."), "success")
    return redirect(
        url_for(
            ".complaints",
            slug=slug,
            status=request.args.get("status") or None,
            page=request.args.get("page", type=int),
        )
    )
