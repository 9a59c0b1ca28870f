"""Forms of the publication workflow: publishing a version, answering a complaint, lodging
one. Validation messages are Vietnamese; the domain re-checks everything where it writes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from ..forms import input_required, length, required
from .complaints import MAX_TEXT
from .models import ComplaintStatus
from .operations import DEFAULT_POSTING_DAYS, MAX_POSTING_DAYS


class PublishForm(FlaskForm):
    """Publish the latest run as the next version (irreversible).

    ``correction`` (a version exists) makes the note required; ``blocked`` (unresolved flags
    remain) shows and requires the override reason. Set both before ``validate``."""

    posting_days = IntegerField(
        _l("Số ngày niêm yết"),
        default=DEFAULT_POSTING_DAYS,
        validators=[
            input_required(),
            NumberRange(
                min=0,
                max=MAX_POSTING_DAYS,
                message=_l("Số ngày niêm yết phải từ 0 đến %(max)d.", max=MAX_POSTING_DAYS),
            ),
        ],
    )
    note = TextAreaField(_l("Ghi chú / lý do đính chính"), validators=[length(max=2000)])
    override_reason = TextAreaField(
        _l("Lý do vẫn công bố khi còn vấn đề chưa xử lý"), validators=[length(max=2000)]
    )
    confirm = BooleanField(
        _l("Tôi hiểu rằng bản công bố không thể sửa; đính chính sẽ là phiên bản mới"),
        validators=[DataRequired(message=_l("Hãy đánh dấu ô xác nhận trước khi công bố."))],
    )

    correction = False
    blocked = False

    def validate_note(self, field) -> None:
        if self.correction and not (field.data or "").strip():
            raise ValidationError(_l("Hãy ghi lý do đính chính (phiên bản mới thay thế bản cũ)."))

    def validate_override_reason(self, field) -> None:
        if self.blocked and not (field.data or "").strip():
            raise ValidationError(
                _l(
                    "Còn vấn đề chưa xử lý: hãy xử lý (xem danh sách ở trên), hoặc ghi lý do "
                    "vẫn công bố."
                )
            )


class AnswerForm(FlaskForm):
    """An organizer's answer to a complaint: accept or reject, with a text."""

    status = RadioField(
        _l("Quyết định"),
        choices=[
            SelectChoice(ComplaintStatus.ACCEPTED.value, _l("Chấp nhận khiếu nại")),
            SelectChoice(ComplaintStatus.REJECTED.value, _l("Không chấp nhận")),
        ],
        validators=[required()],
    )
    answer = TextAreaField(_l("Trả lời"), validators=[required(), length(max=MAX_TEXT)])


class ComplaintForm(FlaskForm):
    """An entrant's complaint: an entry from the published list, or an entry code, and the
    text. ``entry`` choices (entry codes) are set by the view."""

    entry = SelectField(_l("Hồ sơ trong danh sách công bố"), choices=[], validate_choice=False)
    entry_code = StringField(_l("Hoặc nhập mã hồ sơ"), validators=[Optional(), length(max=40)])
    text = TextAreaField(_l("Nội dung khiếu nại"), validators=[required(), length(max=MAX_TEXT)])

    def validate_entry(self, field) -> None:
        picked = (field.data or "").strip()
        typed = (self.entry_code.data or "").strip()
        if not picked and not typed:
            raise ValidationError(_l("Hãy chọn hồ sơ trong danh sách hoặc nhập mã hồ sơ."))
        if picked and picked not in {c.value for c in field.choices}:
            raise ValidationError(_l("Lựa chọn không hợp lệ."))
        if picked and typed and picked.upper() != typed.upper():
            raise ValidationError(
                _l("Chỉ chọn một hồ sơ: trong danh sách hoặc bằng mã, không cả hai.")
            )

    @property
    def code(self) -> str:
        """The code of the entry complained about (typed, else picked)."""
        return (self.entry_code.data or "").strip() or (self.entry.data or "").strip()
