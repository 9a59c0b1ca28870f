"""Forms of the organizer's judging pages. Ids travel as hidden text fields and are parsed by
the views (WTForms' English conversion messages must never reach a user); every message is
Vietnamese."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from ..forms import email_address, length, required
from .models import ConflictKind


class AddJudgesForm(FlaskForm):
    """Put existing judges (their e-mails, one per line or comma-separated) on a panel."""

    field_id = HiddenField()
    emails = TextAreaField(_l("E-mail giám khảo (mỗi dòng một địa chỉ)"), validators=[required()])


class InviteJudgeForm(FlaskForm):
    """Invite a new judge by e-mail and put them on a panel."""

    field_id = HiddenField()
    email = StringField(_l("E-mail"), validators=[required(), email_address(), length(max=254)])
    full_name = StringField(_l("Họ và tên"), validators=[length(max=200)])


class PanelJudgeForm(FlaskForm):
    """Name a chair, or remove a judge from a panel (``void``: void submitted sheets too)."""

    panel_id = HiddenField()
    judge_id = HiddenField()
    void = BooleanField(_l("Huỷ cả các phiếu đã nộp"))


CONFLICT_KINDS = [
    SelectChoice(ConflictKind.ENTRY.value, _l("Hồ sơ (theo mã)")),
    SelectChoice(ConflictKind.MENTOR.value, _l("Người hướng dẫn hồ sơ (theo mã)")),
    SelectChoice(ConflictKind.PERSON.value, _l("Người (họ tên)")),
    SelectChoice(ConflictKind.UNIT.value, _l("Đơn vị (tên)")),
    SelectChoice(ConflictKind.AREA.value, _l("Địa bàn (tên, có thể kèm cấp trên: “Tỉnh / Huyện”)")),
]


class ConflictForm(FlaskForm):
    """Record a declared conflict of a judge on the judge's behalf (``void_submitted``: void
    the judge's submitted sheets of the entries concerned; unticked, they are kept)."""

    judge_id = HiddenField()
    kind = SelectField(_l("Loại xung đột"), choices=CONFLICT_KINDS, validate_choice=False)
    target = StringField(
        _l("Mã hồ sơ / họ tên / tên đơn vị / tên địa bàn"), validators=[required()]
    )
    note = StringField(_l("Ghi chú"), validators=[length(max=500)])
    void_submitted = BooleanField(
        _l("Huỷ cả các phiếu giám khảo này đã nộp cho các hồ sơ bị xung đột (mặc định: giữ)")
    )


class AssignForm(FlaskForm):
    """Assign or unassign one judge for one entry."""

    entry_id = HiddenField()
    judge_id = HiddenField()


class BulkAssignForm(FlaskForm):
    """Assign several entries (ticked ``entry_ids``) to one judge; the ids are parsed by the
    view."""

    judge_id = HiddenField()


class PanelScoreForm(FlaskForm):
    """The panel score of an entry after review, with the reason (empty score: remove)."""

    score = StringField(_l("Điểm hội đồng (0–100, để trống để bỏ)"))
    reason = TextAreaField(_l("Lý do"), validators=[required(), length(max=2000)])


class ReopenForm(FlaskForm):
    """Reopen a submitted sheet, with the reason."""

    sheet_id = HiddenField()
    reason = StringField(_l("Lý do mở lại"), validators=[required(), length(max=1000)])


class ScoresImportForm(FlaskForm):
    """Upload a scores file (CSV or XLSX, FORMATS.md)."""

    file = FileField(_l("Tệp điểm (CSV hoặc XLSX)"), validators=[FileRequired(_l("Hãy chọn tệp."))])
    create_judges = BooleanField(_l("Tạo tài khoản giám khảo chưa có"))
