"""The form of a new announcement: audience, filters, subject and body, and the number of
recipients the organizer confirmed on the preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from ..forms import length, required
from .models import AUDIENCE_LABELS, Audience
from .operations import BODY_MAX, SUBJECT_MAX


class AnnouncementForm(FlaskForm):
    """Write an announcement (labels and messages in Vietnamese)."""

    audience = SelectField(
        _l("Gửi tới"),
        choices=[SelectChoice(a.value, AUDIENCE_LABELS[a]) for a in Audience],
        validators=[required()],
        validate_choice=False,
    )
    area = SelectField(
        _l("Địa bàn (gồm cả các địa bàn trực thuộc)"), choices=[], validate_choice=False
    )
    field = SelectField(_l("Lĩnh vực"), choices=[], validate_choice=False)
    subject = StringField(_l("Tiêu đề"), validators=[required(), length(max=SUBJECT_MAX)])
    body = TextAreaField(
        _l("Nội dung (văn bản thuần)"),
        validators=[required(), length(max=BODY_MAX)],
        render_kw={"rows": 10},
    )
    confirmed_count = HiddenField()

    def setup(self, edition, area_choices) -> None:
        """Fill the area and field choices of ``edition``."""
        self.area.choices = [SelectChoice("", str(_l("Mọi địa bàn")))] + [
            SelectChoice(str(i), label) for i, label in area_choices
        ]
        self.field.choices = [SelectChoice("", str(_l("Mọi lĩnh vực")))] + [
            SelectChoice(str(f.id), f.name) for f in edition.fields
        ]

    def validate_audience(self, field):
        """One of the audiences."""
        self._check_choice(field, _l("Vui lòng chọn người nhận trong danh sách."))

    def validate_area(self, field):
        """An area among the choices (or none)."""
        self._check_choice(field, _l("Vui lòng chọn một địa bàn trong danh sách."))

    def validate_field(self, field):
        """A field of the edition (or none)."""
        self._check_choice(field, _l("Vui lòng chọn một lĩnh vực của lần thi."))

    @staticmethod
    def _check_choice(field, message) -> None:
        from wtforms.validators import ValidationError

        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(str(message))

    def expected_count(self) -> int | None:
        """The recipient count the organizer confirmed (None: not yet previewed)."""
        try:
            return int(self.confirmed_count.data)
        except (TypeError, ValueError):
            return None
