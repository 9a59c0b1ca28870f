"""The judge declares a conflict of interest with an assigned entry (blueprint ``judge``):
``POST /judge/entries/<entry>/conflict`` with a reason from the list and optional text
(:mod:`.self_declared`). The assignment goes at once; the judge is back on their list."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..extensions import db
from ..permissions import role_required
from .conflicts import ConflictRefused
from .forms import DeclareConflictForm
from .judge_files import judge_entry_or_404
from .self_declared import declare_on_entry
from .views_judge import bp, render_entry


@bp.post("/entries/<int:entry_id>/conflict")
@role_required(Role.JUDGE)
def declare_conflict(entry_id: int):
    """The judge declares a conflict of interest with an assigned entry: their assignment
    goes (drafts deleted), organizers see it, and the judge is back on their list."""
    entry = judge_entry_or_404(current_user, entry_id)
    form = DeclareConflictForm()
    if form.validate_on_submit():
        code = entry.code or ""
        try:
            declare_on_entry(
                current_user._get_current_object(), entry, form.reason.data, form.text.data
            )
        except ConflictRefused as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc.message)]
        else:
            db.session.commit()
            flash(
                _(
                    "Đã ghi xung đột lợi ích với hồ sơ %(code)s. Hồ sơ đã được gỡ khỏi danh sách "
                    "chấm của bạn; Ban Tổ chức sẽ phân công giám khảo khác.",
                    code=code,
                ),
                "success",
            )
            return redirect(url_for("main.judge_home"))
    return render_entry(entry, form, 422)
