"""The organizer's judge-version page (blueprint ``judging`` of :mod:`.views_organizer`):
``GET/POST /organizer/judging/<slug>/entries/<entry>/judge-text`` shows the entrant's title and
summary with the names judges will not see highlighted, what judges read, and a form for the
title and summary judges read instead (audited)."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from ..extensions import db
from ..forms import length
from .judge_text import preview, set_judge_text
from .views_organizer import _actor, _back, _edition_round, _entry, _page, bp


class JudgeTextForm(FlaskForm):
    """The title and summary judges read (blank: the entrant's own, masked)."""

    title = StringField(_l("Tên giải pháp giám khảo đọc"), validators=[length(max=300)])
    summary = TextAreaField(_l("Tóm tắt giám khảo đọc"), validators=[length(max=20000)])


@bp.route("/<slug>/entries/<int:entry_id>/judge-text", methods=["GET", "POST"])
def judge_text(slug: str, entry_id: int):
    """Check and write what judges read of an entry."""
    edition, round_ = _edition_round(slug)
    entry = _entry(edition, entry_id)
    form = JudgeTextForm(data={"title": entry.judge_title, "summary": entry.judge_summary})
    status = 200
    if request.method == "POST":
        form = JudgeTextForm()
        if form.validate_on_submit():
            if set_judge_text(entry, form.title.data, form.summary.data, _actor()):
                db.session.commit()
                flash(_("Đã lưu bản giám khảo đọc của hồ sơ %(code)s.", code=entry.code), "success")
            else:
                flash(_("Không có thay đổi."), "info")
            return _back("judging.judge_text", edition, round_, entry_id=entry.id)
        status = 400
    return _page(
        "judging/org_judge_text.html",
        edition,
        round_,
        "progress",
        status=status,
        entry=entry,
        preview=preview(entry),
        form=form,
    )
