"""The national selection's forms: adding or removing an entry, undoing an override, an
entry's national result."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Regexp

from ..forms import length, required
from . import selection as national

INVALID = _l("Dữ liệu không hợp lệ.")


def id_field(message=INVALID) -> StringField:
    """A row id posted by the page (digits; read with ``int(field.data)``)."""
    return StringField(
        validators=[InputRequired(message=message), Regexp(r"^[0-9]{1,18}$", message=INVALID)]
    )


class ChooseForm(FlaskForm):
    """Add an entry to the list, or remove one, with a reason."""

    action = SelectField(
        choices=[
            SelectChoice("include", _l("Bổ sung")),
            SelectChoice("exclude", _l("Loại khỏi danh sách")),
        ],
        validate_choice=True,
        invalid_choice_message=INVALID,
    )
    entry_id = id_field(_l("Hãy chọn sản phẩm."))
    reason = TextAreaField(_l("Lý do"), validators=[required(), length(max=national.REASON_MAX)])


class UndoForm(FlaskForm):
    """Undo an override (back to the proposal), with a reason."""

    choice_id = id_field()
    reason = TextAreaField(
        _l("Lý do hủy"), validators=[required(), length(max=national.REASON_MAX)]
    )


class ResultForm(FlaskForm):
    """An entry's national result."""

    entry_id = id_field()
    result = StringField(
        _l("Kết quả toàn quốc"), validators=[required(), length(max=national.RESULT_MAX)]
    )
    note = TextAreaField(_l("Ghi chú"), validators=[length(max=national.NOTE_MAX)])
