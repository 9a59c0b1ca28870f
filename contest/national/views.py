"""National intake pages (organizers): what a national edition received from each province,
and the one-step sending of a province's national selection to a national edition of this
instance. Thin: the rules are in :mod:`.intake` and :mod:`.package`; each POST commits once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Regexp

from ..accounts.models import Role
from ..contests.models import Edition
from ..contests.pages_support import edition_or_404
from ..contests.tenancy import ALL_PROVINCES
from ..extensions import db
from ..jobs.operations import commit as commit_and_dispatch
from ..permissions import role_required
from . import arrivals, intake, send_job
from .package import PackageError

bp = Blueprint("national_intake", __name__, url_prefix="/organizer/national-intake")


class SendForm(FlaskForm):
    """The national edition to send the selection to."""

    target = StringField(
        validators=[
            InputRequired(message=_l("Hãy chọn lần thi toàn quốc.")),
            Regexp(r"^[0-9]{1,18}$", message=_l("Hãy chọn lần thi toàn quốc.")),
        ]
    )


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def edition(slug: str):
    """What the national edition received, by province (404 for a provincial edition)."""
    edition_ = edition_or_404(slug)
    if not intake.is_national(edition_):
        abort(404)
    provinces = arrivals.by_province(edition_)
    return render_template(
        "national/arrivals.html",
        edition=edition_,
        provinces=provinces,
        total=sum(len(p.arrivals) for p in provinces),
    )


@bp.post("/send/<slug>")
@role_required(Role.ORGANIZER)
def send(slug: str):
    """Send ``slug``'s national selection to the chosen national edition in one step: a
    background job (``national.send``) whose page shows what arrived."""
    source = edition_or_404(slug)
    form = SendForm()
    back = url_for("national.edition", slug=slug, _anchor="send-national")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(back)
    # The national edition is the national body's, not the province's: looked up across
    # provinces (contest.contests.tenancy), then checked to be national.
    target = db.session.get(Edition, int(form.target.data), execution_options={ALL_PROVINCES: True})
    try:
        job = send_job.start(source, target, current_user)
    except PackageError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(back)
    commit_and_dispatch()
    return redirect(url_for("jobs.show", job_id=job.id))
