"""The certificates' forms: the settings printed on a generation's certificates."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from ..contests.form_fields import LocalDateInput
from ..forms import length, required
from ..publication.models import Publication
from ..timeutil import to_local


class GenerateForm(FlaskForm):
    """The settings printed on a generation's certificates."""

    place = StringField(_l("Địa danh ghi trên giấy"), validators=[required(), length(max=100)])
    certificate_date = LocalDateInput(_l("Ngày cấp"), validators=[required()])
    signatory_title = TextAreaField(
        _l("Chức danh người ký (mỗi dòng một dòng in)"),
        validators=[required(), length(max=300)],
        render_kw={"rows": 2},
    )
    signatory_name = StringField(_l("Họ tên người ký"), validators=[required(), length(max=200)])

    def __init__(self, *args, publication: Publication | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.publication = publication

    def validate_certificate_date(self, field) -> None:
        """Not before the results were published."""
        if self.publication is None or field.data is None:
            return
        published = to_local(self.publication.published_at).date()
        if field.data < published:
            raise ValidationError(
                _(
                    "Ngày cấp không được trước ngày công bố kết quả (%(date)s).",
                    date=published.strftime("%d/%m/%Y"),
                )
            )
