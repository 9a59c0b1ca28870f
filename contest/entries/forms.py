"""Forms of the entry pages: the entrant's steps (registration data, authors, mentor or
application, submission), the organizers' intake actions, the list filters and the import.

Every message is Vietnamese: selects and parsed inputs name their own messages, and the
domain (:mod:`.operations`, :mod:`.intake`) gives the rest, shown on the fields it names.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.validators import Optional

from ..accounts.forms import AreaField, phone_number
from ..contests.form_fields import LocalDateInput
from ..forms import email_address, length, required

INVALID_CHOICE = _l("Lựa chọn không hợp lệ.")
GENDER_CHOICES = (("", _l("— Chọn —")), ("M", _l("Nam")), ("F", _l("Nữ")))
# Common ethnic groups (a datalist: anything else may be typed).
ETHNIC_GROUPS = (
    "Kinh", "Tày", "Dao", "H'Mông", "Sán Chay", "Sán Dìu", "Nùng", "Thái", "Mường", "Pà Thẻn",
    "Cao Lan", "Hoa", "Khmer", "Chăm", "Ê Đê", "Gia Rai", "Ba Na", "Xơ Đăng",
)  # fmt: skip


def options(pairs) -> list[SelectChoice]:
    """Select choices from ``(value, label)`` pairs (labels may be lazy strings)."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


def _strip(value):
    """Filter: drop surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


def optional_int(value):
    """Coerce a select value to an int; the empty choice is None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def choice(label, **kwargs) -> SelectField:
    """A select whose value is an id (or None), with Vietnamese messages."""
    kwargs.setdefault("coerce", optional_int)
    kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
    kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
    return SelectField(label, **kwargs)


def text(label, max_length: int, **kwargs) -> StringField:
    """An optional one-line text of at most ``max_length`` characters."""
    validators = [Optional(), length(max=max_length)] + kwargs.pop("validators", [])
    return StringField(label, validators=validators, filters=[_strip], **kwargs)


class VersionedForm(FlaskForm):
    """A form that carries the version of the entry it was loaded with (stale pages are
    refused by the domain)."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        """The version the page was built from (None when absent or garbled)."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


# --- Entrant steps --------------------------------------------------------------------------


class EntryForm(VersionedForm):
    """Step 1: what the entry is and where it comes from."""

    title = StringField(
        _l("Tên sản phẩm, giải pháp"),
        validators=[required(), length(max=300)],
        filters=[_strip],
    )
    field_id = choice(_l("Lĩnh vực dự thi"), validators=[required()])
    board_id = choice(_l("Bảng dự thi"))
    summary = TextAreaField(
        _l("Tóm tắt"),
        validators=[Optional(), length(max=20000)],
        filters=[_strip],
        render_kw={"rows": 5},
        description=_l("Vài câu về sản phẩm: làm gì, giải quyết vấn đề gì, có gì mới."),
    )
    area_id = AreaField(_l("Địa bàn (xã, phường)"))
    unit_name = text(
        _l("Đơn vị cử dự thi (trường, cơ quan)"),
        300,
        render_kw={"autocomplete": "organization", "list": "unit-names"},
    )

    def setup(self, edition, area_choices) -> None:
        """Fill the selects for ``edition``; hide the board when it has none; name the unit
        the way the contest does."""
        self.field_id.choices = options(
            [("", _l("— Chọn lĩnh vực —"))] + [(f.id, f.name) for f in edition.fields]
        )
        self.board_id.choices = options(
            [("", _l("— Chọn bảng —"))] + [(b.id, b.name) for b in edition.boards]
        )
        if edition.boards:
            self.board_id.validators = [required()]
        self.area_id.choices = area_choices
        if edition.kind == "technical":
            self.unit_name.label.text = str(_l("Đơn vị áp dụng giải pháp"))
            self.title.label.text = str(_l("Tên giải pháp"))

    def values(self, edition) -> dict:
        """The entry data for the domain."""
        values = {
            "title": self.title.data or "",
            "field_id": self.field_id.data,
            "summary": self.summary.data or "",
            "area_id": self.area_id.data,
            "unit_name": self.unit_name.data or "",
        }
        values["board_id"] = self.board_id.data if edition.boards else None
        return values


class AuthorRow(Form):
    """One author (a sub-form: the page's CSRF token covers it)."""

    full_name = text(_l("Họ và tên"), 200, render_kw={"autocomplete": "off"})
    date_of_birth = LocalDateInput(_l("Ngày sinh"))
    gender = SelectField(
        _l("Giới tính"),
        choices=lambda: options(GENDER_CHOICES),
        default="",
        invalid_choice_message=INVALID_CHOICE,
        validate_choice=True,
    )
    ethnicity = text(_l("Dân tộc"), 50, render_kw={"list": "ethnic-groups"})
    organisation = text(_l("Trường / cơ quan"), 300)
    class_or_position = text(_l("Lớp / chức vụ"), 200)
    phone = text(
        _l("Số điện thoại"), 40, validators=[phone_number()], render_kw={"inputmode": "tel"}
    )
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), length(max=254), email_address()],
        filters=[_strip],
        render_kw={"inputmode": "email"},
    )
    remove = BooleanField(_l("Xoá tác giả này"))

    TEXT_KEYS = ("full_name", "ethnicity", "organisation", "class_or_position", "phone", "email")

    def is_blank(self) -> bool:
        """True for a row left empty (it is ignored)."""
        typed_date = (self.date_of_birth.raw_data or [""])[0].strip()
        return (
            not typed_date
            and not self.gender.data
            and not any((getattr(self, k).data or "").strip() for k in self.TEXT_KEYS)
        )


class AuthorsForm(VersionedForm):
    """Step 2: the authors, one row each; ``representative`` is the index of a row."""

    authors = FieldList(FormField(AuthorRow), label=_l("Tác giả"))
    representative = HiddenField()  # the radios are rendered by hand, one per row


class MentorForm(VersionedForm):
    """Step 3 of a youth entry: the mentor teacher (optional)."""

    mentor_name = text(_l("Họ và tên giáo viên hướng dẫn"), 200)
    mentor_unit = text(_l("Trường / đơn vị công tác"), 300)
    mentor_phone = text(
        _l("Số điện thoại"), 40, validators=[phone_number()], render_kw={"inputmode": "tel"}
    )
    mentor_email = EmailField(
        _l("E-mail"),
        validators=[Optional(), length(max=254), email_address()],
        filters=[_strip],
        render_kw={"inputmode": "email"},
    )

    KEYS = ("mentor_name", "mentor_unit", "mentor_phone", "mentor_email")

    def values(self) -> dict:
        """The entry data for the domain."""
        return {key: getattr(self, key).data or "" for key in self.KEYS}


class AppliedForm(VersionedForm):
    """Step 3 of a technical entry: where and since when the solution is applied."""

    applied_at = LocalDateInput(
        _l("Ngày bắt đầu áp dụng vào thực tế"),
        description=_l("Giải pháp phải đã được áp dụng; ghi ngày đầu tiên áp dụng."),
    )
    applied_where = TextAreaField(
        _l("Nơi áp dụng và kết quả áp dụng"),
        validators=[Optional(), length(max=5000)],
        filters=[_strip],
        render_kw={"rows": 4},
    )

    KEYS = ("applied_at", "applied_where")

    def values(self) -> dict:
        """The entry data for the domain."""
        return {"applied_at": self.applied_at.data, "applied_where": self.applied_where.data or ""}


class WithdrawForm(VersionedForm):
    """Withdraw an entry, with an optional reason."""

    reason = TextAreaField(
        _l("Lý do (không bắt buộc)"),
        validators=[Optional(), length(max=2000)],
        filters=[_strip],
        render_kw={"rows": 2},
    )


# --- Organizers -----------------------------------------------------------------------------


# Once judging has started, rejecting or reclassifying an entry needs this box ticked.
JUDGING_CONFIRM = _l("Tôi đã biết việc này ảnh hưởng đến phiếu chấm và vẫn muốn thực hiện")


class RejectForm(VersionedForm):
    """Reject an entry: the reason is required (the entrant reads it)."""

    # Required: the browser asks for it, the domain refuses without it (with its message).
    reason = TextAreaField(
        _l("Lý do không đưa vào chấm (thí sinh sẽ đọc được)"),
        validators=[Optional(), length(max=2000)],
        filters=[_strip],
        render_kw={"rows": 3, "required": True},
    )
    confirm = BooleanField(JUDGING_CONFIRM)


class ReclassifyForm(VersionedForm):
    """Move an entry to another field (and board)."""

    field_id = choice(_l("Lĩnh vực mới"), validators=[required()])
    board_id = choice(_l("Bảng"))
    confirm = BooleanField(JUDGING_CONFIRM)

    def setup(self, edition) -> None:
        """Fill the selects with the edition's fields and boards."""
        self.field_id.choices = options((f.id, f"{f.code} — {f.name}") for f in edition.fields)
        self.board_id.choices = options(
            [("", _l("— Không chia bảng —"))] + [(b.id, b.name) for b in edition.boards]
        )


BULK_CHOICES = (
    ("", _l("— Chọn thao tác —")),
    ("receive", _l("Tiếp nhận")),
    ("accept", _l("Đưa vào chấm")),
    ("reject", _l("Không đưa vào chấm (ghi lý do)")),
    ("withdraw", _l("Ghi nhận rút hồ sơ")),
)


class BulkForm(FlaskForm):
    """An action on the selected rows of the list (the row checkboxes are named ``ids``)."""

    action = SelectField(
        _l("Thao tác với các hồ sơ đã chọn"),
        choices=lambda: options(BULK_CHOICES),
        validators=[required()],
        invalid_choice_message=INVALID_CHOICE,
    )
    reason = TextAreaField(
        _l("Lý do (bắt buộc khi không đưa vào chấm)"),
        validators=[Optional(), length(max=2000)],
        filters=[_strip],
        render_kw={"rows": 2},
    )
    confirm = BooleanField(JUDGING_CONFIRM)
    next = HiddenField()


class ImportForm(FlaskForm):
    """Upload an entries file (CSV or XLSX) into an edition."""

    edition = choice(_l("Lần thi"), validators=[required()])
    file = FileField(
        _l("Tệp danh sách hồ sơ (CSV hoặc XLSX)"),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class FilterForm(FlaskForm):
    """The filters of an entry list (a GET form: no CSRF token)."""

    class Meta:
        """No CSRF token on a GET form."""

        csrf = False

    edition = choice(_l("Lần thi"))
    field = choice(_l("Lĩnh vực"))
    board = choice(_l("Bảng"))
    area = AreaField(_l("Địa bàn"))
    status = SelectField(_l("Trạng thái"), validate_choice=False)
    q = text(_l("Tìm (mã, tên, tác giả, đơn vị)"), 200, render_kw={"type": "search"})
    sort = HiddenField()
