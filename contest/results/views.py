"""The organizers' results pages: the editions' rounds, the review page of one round, the
"Tổng hợp kết quả" action (a compile job) and manual prize decisions. Thin: the data comes
from ``review``, the rules from ``decisions``; each POST commits once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField

from .. import display
from ..accounts.models import Role
from ..audit.operations import record
from ..contests.models import Edition, Round
from ..contests.operations import list_editions
from ..contests.pages_support import edition_or_404
from ..errors import unit_of_work
from ..extensions import db
from ..forms import EmptyForm, length, required
from ..jobs.models import Job
from ..jobs.operations import commit
from ..pagination import ListPagination, page_number
from ..permissions import role_required
from . import decisions, tasks
from .compile import CompileError, check_compilable, latest_run
from .config_from_edition import ordered_rounds
from .models_decisions import PrizeDecision
from .review import FLAGS, ReviewGroup, band_text, build_review, number, showing

bp = Blueprint("results", __name__, url_prefix="/organizer/results")


@bp.app_template_filter("vn_number")
def _vn_number(value) -> str:
    """``{{ score|vn_number }}``: 75.50 → "75,50"."""
    return number(value)


@bp.app_template_filter("vn_band")
def _vn_band(value) -> str:
    """``{{ band|vn_band }}``: 75.00 → "75"."""
    return band_text(value)


class DecisionForm(FlaskForm):
    """A manual prize decision: the entry, the prize ("" = no prize) and the reason."""

    round = HiddenField()
    entry_id = HiddenField(validators=[required()])
    prize = SelectField(_l("Quyết định"), choices=[], validate_choice=True)
    reason = TextAreaField(_l("Lý do"), validators=[required(), length(max=2000)])


class WithdrawForm(FlaskForm):
    """Withdrawing a decision (back to the proposal), with a reason."""

    round = HiddenField()
    decision_id = HiddenField(validators=[required()])
    reason = TextAreaField(_l("Lý do hủy"), validators=[required(), length(max=2000)])


def _round(edition: Edition, code: str | None) -> Round | None:
    """The round ``code`` of ``edition`` (default: the last round); 404 for an unknown code."""
    rounds = ordered_rounds(edition)
    if not rounds:
        return None
    if not code:
        return rounds[-1]
    found = next((r for r in rounds if r.code == code), None)
    if found is None:
        abort(404)
    return found


def _prize_choices(edition: Edition) -> list[tuple[str, str]]:
    """The decision form's choices: every prize level, and "no prize"."""
    levels = sorted(edition.prizes, key=lambda p: (p.position, p.id))
    return [(p.code, p.name) for p in levels] + [("", _("Không trao giải"))]


#: Rows of the review page per page (a page of all 5,000 entries would weigh 14 MB).
REVIEW_PER_PAGE = 100
#: Changes from the previous run listed on the page (the count says how many in all).
CHANGES_SHOWN = 200


def _page_of_groups(groups: list, key: str, page_arg) -> tuple[ListPagination, list]:
    """Keep the group ``key`` ("": every group), then one page of their rows, regrouped
    (each group of the page keeps its heading)."""
    kept = [g for g in groups if not key or (g.key or "") == key]
    flat = [(g, item) for g in kept for item in g.rows]
    page = ListPagination(flat, page_number(page_arg), REVIEW_PER_PAGE)
    out: dict[int, ReviewGroup] = {}
    for g, item in page.items:
        if id(g) not in out:
            out[id(g)] = ReviewGroup(g.key, g.label)
        out[id(g)].rows.append(item)
    return page, list(out.values())


@bp.get("/")
@role_required(Role.ORGANIZER)
def index():
    """Every edition with its rounds and the number of each round's latest run."""
    editions = [(e, [(r, latest_run(r)) for r in ordered_rounds(e)]) for e in list_editions()]
    return render_template("results/index.html", editions=editions)


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def review(slug: str):
    """The review page of one round (``?round=``, default the last; ``?flag=`` filters)."""
    edition = edition_or_404(slug)
    round_ = _round(edition, request.args.get("round"))
    if round_ is None:
        return render_template("results/no_rounds.html", edition=edition)
    flag = request.args.get("flag", "")
    flag = flag if flag in FLAGS else ""
    data = build_review(edition, round_, flag or None)
    group = request.args.get("group", "")
    groups = [(g.key or "", g.label) for g in data.groups]
    group = group if any(key == group for key, _label in groups) else ""
    page, shown = _page_of_groups(data.groups, group, request.args.get("page"))
    data.groups = showing(shown)
    shown_changes = data.changes[:CHANGES_SHOWN]
    decision_form = DecisionForm(round=round_.code)
    decision_form.prize.choices = _prize_choices(edition)
    return render_template(
        "results/review.html",
        review=data,
        rounds=ordered_rounds(edition),
        flag=flag,
        flags=FLAGS,
        group=group,
        group_choices=groups,
        page=page,
        shown_changes=shown_changes,
        decision_form=decision_form,
        withdraw_form=WithdrawForm(round=round_.code),
        history=decisions.decision_history(round_),
        compile_form=EmptyForm(),
    )


@bp.post("/<slug>/compile")
@role_required(Role.ORGANIZER)
def compile_round(slug: str):
    """ "Tổng hợp kết quả": create the round's compile job and show its progress."""
    edition = edition_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    round_ = _round(edition, request.form.get("round"))
    if round_ is None:
        abort(404)
    try:
        check_compilable(edition, round_)
    except CompileError as exc:
        flash(exc.message, "danger")
        return redirect(url_for(".review", slug=slug, round=round_.code))
    job = tasks.create_compile_job(edition, round_, user=current_user)
    record(current_user, "job.start", "job", job.id, kind=job.kind, round=round_.code)
    job_id = job.id
    commit()
    flash(
        _("Đã bắt đầu tổng hợp kết quả: %(round)s.", round=display.round_title(round_)), "success"
    )
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/job/<int:job_id>")
@role_required(Role.ORGANIZER)
def job_review(job_id: int):
    """From a compile job's page to the review page of its round."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != tasks.KIND:
        abort(404)
    edition = db.session.get(Edition, job.params.get("edition_id"))
    round_ = db.session.get(Round, job.params.get("round_id"))
    if edition is None or round_ is None:
        abort(404)
    return redirect(url_for(".review", slug=edition.slug, round=round_.code))


@bp.post("/<slug>/decide")
@role_required(Role.ORGANIZER)
def decide(slug: str):
    """Record a manual prize decision on the round's latest run."""
    edition = edition_or_404(slug)
    round_ = _round(edition, request.form.get("round"))
    form = DecisionForm()
    form.prize.choices = _prize_choices(edition)
    if round_ is None or not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect(url_for(".review", slug=slug, round=getattr(round_, "code", None)))
    run = latest_run(round_)
    try:
        if run is None:
            raise decisions.DecisionError(_("Vòng này chưa được tổng hợp kết quả."))
        decisions.decide(
            edition,
            round_,
            run,
            int(form.entry_id.data),
            form.prize.data or None,
            form.reason.data,
            current_user,
        )
    except (decisions.DecisionError, ValueError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", _("Dữ liệu không hợp lệ.")), "danger")
        return redirect(url_for(".review", slug=slug, round=round_.code))
    db.session.commit()
    flash(_("Đã ghi quyết định của Ban Tổ chức."), "success")
    return redirect(url_for(".review", slug=slug, round=round_.code))


@bp.post("/<slug>/withdraw")
@role_required(Role.ORGANIZER)
def withdraw(slug: str):
    """Withdraw a decision: the entry goes back to the proposal."""
    edition = edition_or_404(slug)
    form = WithdrawForm()
    round_code = request.form.get("round") or None
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect(url_for(".review", slug=slug, round=round_code))
    decision_id = request.form.get("decision_id", type=int)
    decision = db.session.get(PrizeDecision, decision_id) if decision_id else None
    if decision is None:
        abort(404)
    with unit_of_work() as work:
        decisions.withdraw(edition, decision, form.reason.data, current_user)
    if work.refused:
        return redirect(url_for(".review", slug=slug, round=round_code))
    flash(_("Đã hủy quyết định; hồ sơ trở lại giải đề xuất."), "success")
    return redirect(url_for(".review", slug=slug, round=round_code))
