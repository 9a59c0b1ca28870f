"""Forms of the edition pages.

Every form that changes an edition derives from :class:`EditionChangeForm`: it carries the
edition's version (two organizers cannot silently overwrite each other), the confirmation of
warnings (criteria not summing to 100) and the audited override (a rubric or prize change after
judging started, with a reason). :meth:`EditionChangeForm.changes` turns the form into the
definition keys :func:`.operations.update_edition` takes; :meth:`show_problems` puts the
domain's Vietnamese messages back on the inputs they are about.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, StopValidation, ValidationError

from ..forms import length, required
from .form_fields import IntegerInput, LocalDateInput, LocalDateTimeInput, filled, one_of
from .labels import describe_path
from .models import KIND_LABELS
from .validation import Problem, Severity


def _strip(value):
    """Filter: surrounding spaces removed from text."""
    return value.strip() if isinstance(value, str) else value


class ProblemForm(FlaskForm):
    """A form that shows the domain's problems (:class:`~.validation.Problem`) on its inputs."""

    # problem path → name of the input it is about (a path not listed maps to the input of the
    # same name, if any)
    PATHS: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.general_errors: list[str] = []
        self.warnings: list[str] = []
        self.overrides: list[str] = []

    def input_for(self, path: str):
        """The input a problem at ``path`` is about, or None."""
        name = self.PATHS.get(path, path)
        field = self._fields.get(name) if name else None
        return field if field is not None and name not in ("csrf_token", "version") else None

    def show_problems(self, problems: list[Problem]) -> None:
        """Attach ``problems`` to their inputs; the rest become general errors. Warnings and
        overrides are listed apart (they ask for the confirmation / override boxes)."""
        for problem in problems:
            if problem.severity == Severity.WARNING:
                self.warnings.append(problem.message)
                continue
            if problem.severity == Severity.OVERRIDE:
                self.overrides.append(f"{describe_path(problem.path)}: {problem.message}")
                continue
            field = self.input_for(problem.path)
            if field is not None:
                field.errors = [*field.errors, problem.message]
            elif problem.path:
                self.general_errors.append(f"{describe_path(problem.path)}: {problem.message}")
            else:
                self.general_errors.append(problem.message)

    @property
    def has_errors(self) -> bool:
        """True when anything is to be shown as an error (general or on any input)."""
        return bool(self.general_errors) or _any_errors(self)


def _any_errors(fields) -> bool:
    """Whether an input among ``fields`` (lists and sub-forms included) has an error."""
    for field in fields:
        if hasattr(field, "entries"):
            if any(_any_errors(entry.form) for entry in field.entries):
                return True
        elif hasattr(field, "form") and field.type == "FormField":
            if _any_errors(field.form):
                return True
        elif field.errors:
            return True
    return False


class EditionChangeForm(ProblemForm):
    """Base of the forms that change an edition (see the module docstring)."""

    version = HiddenField()
    confirm = BooleanField(_l("Tôi đã đọc cảnh báo và vẫn muốn lưu"))
    override = BooleanField(_l("Ghi đè: lưu thay đổi dù việc chấm đã bắt đầu"))
    reason = StringField(
        _l("Lý do ghi đè (ghi vào nhật ký)"), filters=[_strip], validators=[length(max=500)]
    )

    def validate_reason(self, field):
        """An override needs a reason."""
        if self.override.data and not field.data:
            raise ValidationError(str(_l("Vui lòng ghi rõ lý do ghi đè.")))

    def expected_version(self) -> int | None:
        """The edition version the form was loaded with (None if absent)."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def changes(self, definition: dict) -> dict:
        """The definition keys this form sets (``definition``: the edition's current one)."""
        raise NotImplementedError


class RetireForm(EditionChangeForm):
    """Retire a criterion: only the confirmation / override boxes."""

    def changes(self, definition: dict) -> dict:
        """Not used: retiring is its own operation."""
        return {}


class GeneralForm(EditionChangeForm):
    """Title, number, description, organizing units and the dates."""

    title = StringField(
        _l("Tên lần thi"), filters=[_strip], validators=[required(), length(max=300)]
    )
    number = IntegerInput(_l("Lần thứ"))
    description = TextAreaField(_l("Giới thiệu"), filters=[_strip], render_kw={"rows": 4})
    organizing_units = TextAreaField(_l("Đơn vị tổ chức"), filters=[_strip], render_kw={"rows": 2})
    opens_at = LocalDateTimeInput(_l("Mở nhận hồ sơ từ"))
    submission_deadline = LocalDateTimeInput(_l("Hạn nộp hồ sơ"), validators=[filled()])
    judging_starts_at = LocalDateTimeInput(_l("Bắt đầu chấm"))
    judging_ends_at = LocalDateTimeInput(_l("Kết thúc chấm"))
    # Not part of the definition (FORMATS): saved apart by the settings page.
    reminder_days_before = IntegerInput(_l("Nhắc thí sinh có hồ sơ nháp trước hạn nộp (số ngày)"))
    # Not part of the definition either: the edition statistics compare this one with.
    predecessor_id = SelectField(
        _l("So sánh thống kê với lần thi trước"), choices=[], validate_choice=False, default=""
    )
    # Nor is the province (contest.contests.edition_province): instance-wide staff only.
    province_id = SelectField(
        _l("Tỉnh, thành phố tổ chức"), choices=[], validate_choice=False, default=""
    )

    KEYS = (
        "title",
        "number",
        "description",
        "organizing_units",
        "opens_at",
        "submission_deadline",
        "judging_starts_at",
        "judging_ends_at",
    )

    def validate_reminder_days_before(self, field):
        """0 (no reminder) to 60 days."""
        if field.data is not None and not 0 <= field.data <= 60:
            raise ValidationError(str(_l("Nhập số ngày từ 0 (không nhắc) đến 60.")))

    def changes(self, definition: dict) -> dict:
        """See :meth:`EditionChangeForm.changes`."""
        out = {key: self[key].data for key in self.KEYS}
        out["description"] = out["description"] or ""
        out["organizing_units"] = out["organizing_units"] or ""
        return out


class EligibilityForm(EditionChangeForm):
    """Who may enter: age band and its reference date, authors, applied since."""

    reference_date = LocalDateInput(_l("Ngày tính tuổi"), validators=[filled()])
    age_min = IntegerInput(_l("Tuổi tối thiểu"))
    age_max = IntegerInput(_l("Tuổi tối đa"))
    max_authors = IntegerInput(_l("Số tác giả tối đa của một bài"), validators=[filled()])
    applied_since = LocalDateInput(_l("Giải pháp áp dụng vào thực tế từ ngày"))

    PATHS = {"age": "age_min", "age.min": "age_min", "age.max": "age_max"}

    def validate_age_max(self, field):
        """Both ends of the age band, or neither."""
        if (self.age_min.data is None) != (field.data is None) and not (
            self.age_min.process_errors or field.process_errors
        ):
            raise StopValidation(
                str(_l("Nhập cả tuổi tối thiểu và tuổi tối đa, hoặc để trống cả hai."))
            )

    def changes(self, definition: dict) -> dict:
        """See :meth:`EditionChangeForm.changes`."""
        age = None
        if self.age_min.data is not None and self.age_max.data is not None:
            age = {"min": self.age_min.data, "max": self.age_max.data}
        return {
            "reference_date": self.reference_date.data,
            "age": age,
            "max_authors": self.max_authors.data,
            "applied_since": self.applied_since.data,
        }


class TemplateCreateForm(ProblemForm):
    """A new edition from a built-in template (RULES.md values)."""

    kind = SelectField(
        _l("Cuộc thi"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validate_choice=False,
        validators=[one_of([kind.value for kind in KIND_LABELS])],
    )
    slug = StringField(
        _l("Mã lần thi (dùng trong địa chỉ trang)"),
        filters=[_strip],
        validators=[required(), length(max=80)],
        render_kw={"placeholder": "stkt-tuyen-quang-2026", "autocapitalize": "none"},
    )
    title = StringField(
        _l("Tên lần thi"), filters=[_strip], validators=[required(), length(max=300)]
    )
    number = IntegerInput(_l("Lần thứ"))
    opens_at = LocalDateTimeInput(_l("Mở nhận hồ sơ từ"))
    submission_deadline = LocalDateTimeInput(_l("Hạn nộp hồ sơ"), validators=[filled()])


class DefinitionForm(FlaskForm):
    """A new edition from a JSON definition: an uploaded file or pasted text."""

    file = FileField(_l("Tệp định nghĩa (.json)"), render_kw={"accept": ".json,application/json"})
    text = TextAreaField(
        _l("Hoặc dán nội dung JSON"),
        validators=[Optional(), length(max=200_000)],
        render_kw={"rows": 6, "spellcheck": "false", "class": "font-monospace"},
    )
    confirm = BooleanField(_l("Tôi đã đọc cảnh báo và vẫn muốn tạo"))


class ExtensionForm(ProblemForm):
    """A later deadline for the whole edition or for one area, with its reason."""

    area = SelectField(_l("Áp dụng cho"), choices=[], validate_choice=False)
    new_deadline = LocalDateTimeInput(_l("Hạn nộp mới"), validators=[filled()])
    reason = TextAreaField(
        _l("Lý do gia hạn"),
        filters=[_strip],
        validators=[required(), length(max=1000)],
        render_kw={"rows": 2},
    )

    def validate_area(self, field):
        """The area is one of the listed ones (empty: the whole edition)."""
        if field.data not in {str(choice.value) for choice in field.choices}:
            raise StopValidation(str(_l("Lựa chọn không hợp lệ.")))


class CloneForm(ProblemForm):
    """Launch the next edition: new slug and title, dates shifted."""

    slug = StringField(
        _l("Mã lần thi mới"),
        filters=[_strip],
        validators=[required(), length(max=80)],
        render_kw={"autocapitalize": "none"},
    )
    title = StringField(
        _l("Tên lần thi mới"), filters=[_strip], validators=[required(), length(max=300)]
    )
    years = IntegerInput(_l("Dời các mốc thời gian (năm)"), validators=[filled()], default=1)
    days = IntegerInput(_l("và thêm (ngày)"), validators=[filled()], default=0)

    def validate_years(self, field):
        """A sensible shift: −10 … 10 years."""
        if field.data is not None and not -10 <= field.data <= 10:
            raise StopValidation(str(_l("Chỉ dời từ -10 đến 10 năm.")))

    def validate_days(self, field):
        """A sensible shift: −3650 … 3650 days."""
        if field.data is not None and not -3650 <= field.data <= 3650:
            raise StopValidation(str(_l("Chỉ dời từ -3650 đến 3650 ngày.")))


class RulesDocumentForm(FlaskForm):
    """The rules document (thể lệ), a PDF."""

    document = FileField(_l("Tệp thể lệ (PDF, tối đa 20 MB)"), render_kw={"accept": ".pdf"})
