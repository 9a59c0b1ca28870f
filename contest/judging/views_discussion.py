"""The panel's discussion pages, on the judge blueprint (``/judge``) and on the organizer's
judging blueprint (``/organizer/judging``); who may use a thread is :func:`.discussion.
may_discuss` (anyone else finds nothing: 404).

* ``GET|POST /judge/entries/<entry>/discussion/<round>`` — the thread as a judge reads it
  (masked) and the form to write in it;
* ``GET|POST /organizer/judging/<slug>/entries/<entry>/discussion?round=`` — the same for
  organizers (original text); the entry's sheets page shows the thread too, beside the panel
  score form;
* ``POST /organizer/judging/<slug>/comments/<comment>/visibility`` — hide a comment or show it
  again (audited).

The thread is also part of the judge's entry page and of the organizer's entry page through
``templates/judging/_discussion.html`` and the template globals below.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from ..accounts.models import Role
from ..contests.models import Round
from ..entries.models import Entry
from ..extensions import db, login_manager
from ..forms import EmptyForm
from . import discussion
from .blind import judge_view
from .judge_files import judged_rounds
from .models_discussion import BODY_MAX, Comment
from .views_judge import bp as judge_bp
from .views_organizer import _actor, _edition_round, _entry, bp


class CommentForm(FlaskForm):
    """A comment in a panel's thread (its bounds are checked by :func:`.discussion.
    body_problem`); ``back`` says which page to return to ("entry" or the thread)."""

    body = TextAreaField(_l("Bình luận của bạn"))
    back = HiddenField()


ANCHOR = "thao-luan"


# --- Template globals -------------------------------------------------------------------------


@judge_bp.app_template_global("judge_threads")
def judge_threads(entry_id: int) -> list[discussion.Thread]:
    """The threads of an entry the current judge may discuss, one per round."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or not current_user.is_authenticated:
        return []
    rounds = discussion.discussed_rounds(current_user, entry)
    return [discussion.thread(current_user, entry, r) for r in rounds]


@bp.app_template_global("organizer_thread")
def organizer_thread(entry: Entry, round_: Round) -> discussion.Thread | None:
    """The thread of ``entry`` in ``round_`` for the current organizer."""
    if not discussion.is_organizer(current_user):
        return None
    return discussion.thread(current_user, entry, round_)


@bp.app_template_global("discussion_counts")
def discussion_counts(round_: Round, entry_ids) -> dict[int, int]:
    """``{entry id: comments}`` of ``round_`` (for the organizer's lists)."""
    return discussion.comment_counts(round_, entry_ids)


# --- Judges -----------------------------------------------------------------------------------


def _judge_thread(entry_id: int, round_id: int):
    """The entry and round of a thread the current judge may discuss; 404 otherwise."""
    entry = db.session.get(Entry, entry_id)
    round_ = db.session.get(Round, round_id)
    if (
        entry is None
        or round_ is None
        or not current_user.has_role(Role.JUDGE)
        or not discussion.may_discuss(current_user, entry, round_)
    ):
        abort(404)
    return entry, round_


@judge_bp.route(
    "/entries/<int:entry_id>/discussion/<int:round_id>",
    methods=["GET", "POST"],
    endpoint="discussion",
)
def judge_discussion(entry_id: int, round_id: int):
    """The panel's thread about an entry in a round (judges of the panel only)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    entry, round_ = _judge_thread(entry_id, round_id)
    form = CommentForm()
    if request.method == "POST":
        problem = _post(form, entry, round_)
        if problem is None:
            if form.back.data == "entry" and judged_rounds(current_user, entry):
                target = url_for("judge.entry", entry_id=entry.id)
            else:
                target = url_for("judge.discussion", entry_id=entry.id, round_id=round_.id)
            return redirect(f"{target}#{ANCHOR}-{round_.id}")
        return _render(entry, round_, form, problem, 422)
    return _render(entry, round_, form)


# --- Organizers -------------------------------------------------------------------------------


@bp.route(
    "/<slug>/entries/<int:entry_id>/discussion", methods=["GET", "POST"], endpoint="discussion"
)
def organizer_discussion(slug: str, entry_id: int):
    """The panel's thread about an entry of the round, for organizers."""
    edition, round_ = _edition_round(slug)
    entry = _entry(edition, entry_id)
    form = CommentForm()
    if request.method == "POST":
        problem = _post(form, entry, round_)
        if problem is None:
            target = url_for(
                "judging.entry_sheets", slug=edition.slug, entry_id=entry.id, round=round_.code
            )
            return redirect(f"{target}#{ANCHOR}-{round_.id}")
        return _render(entry, round_, form, problem, 422, edition=edition)
    return _render(entry, round_, form, edition=edition)


@bp.post("/<slug>/comments/<int:comment_id>/visibility")
def comment_visibility(slug: str, comment_id: int):
    """Hide a comment (``hidden=1``) or show it again (``hidden=0``); audited."""
    edition, _round = _edition_round(slug)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.edition_id != edition.id:
        abort(404)
    round_ = db.session.get_one(Round, comment.round_id)
    back = url_for(
        "judging.entry_sheets", slug=edition.slug, entry_id=comment.entry_id, round=round_.code
    )
    if not EmptyForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, hãy thử lại."), "danger")
        return redirect(f"{back}#{ANCHOR}-{round_.id}")
    hide = request.form.get("hidden") == "1"
    if discussion.set_hidden(comment, hide, _actor()):
        db.session.commit()
        flash(_("Đã ẩn bình luận.") if hide else _("Đã hiện lại bình luận."), "success")
    return redirect(f"{back}#{ANCHOR}-{round_.id}")


# --- Shared -----------------------------------------------------------------------------------


def _post(form: CommentForm, entry: Entry, round_: Round) -> str | None:
    """Write the comment of ``form``; the problem (nothing written) or None."""
    if not form.validate_on_submit():
        return _("Phiên làm việc đã hết hạn, hãy gửi lại bình luận.")
    try:
        discussion.post_comment(current_user, entry, round_, form.body.data or "")
    except discussion.CommentRefused as exc:
        db.session.rollback()
        return str(exc.message)
    db.session.commit()
    flash(_("Đã gửi bình luận."), "success")
    return None


def _render(entry, round_, form, problem=None, status=200, edition=None):
    """The thread page (the form keeps what was written when it is refused)."""
    thread = discussion.thread(current_user, entry, round_)
    heading = entry.code or ""
    title = judge_view(entry).title if thread.for_judge else entry.title
    page = render_template(
        "judging/discussion.html",
        threads=[thread],
        edition=edition,
        round_=round_,
        entry_code=heading,
        entry_title=title,
        discussion_problem=problem,
        discussion_draft=form.body.data or "",
        body_max=BODY_MAX,
    )
    return page, status
