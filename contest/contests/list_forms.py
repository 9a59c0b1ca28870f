"""Forms that edit an edition's lists — fields (with their dossier checklist), boards,
criteria (with the tie-break order), prizes — as one grid per list, and the rounds.

A grid shows one row per item plus a blank row to add one. An item keeps its code (its
identity: scores and entries point at it); the code of a new item is typed in the blank row.
"Thứ tự" numbers order the items; "Xoá" removes one (the domain refuses when it is in use).
The grid is saved as a whole through :func:`.operations.update_edition`, so several criteria can
be changed together and the sum-to-100 warning is asked once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from ..forms import length
from .form_fields import AmountInput, CheckboxesField, DecimalInput, IntegerInput, filled
from .forms import EditionChangeForm, _strip
from .models import ATTACHMENT_KINDS, DEFAULT_CUTOFF
from .pages_support import ATTACHMENT_LABELS, SCOPE_LABELS

INFINITY = float("inf")


class _Row(Form):
    """One item of a list: code, name, order, removal."""

    code = StringField(_l("Mã"), filters=[_strip], validators=[length(max=20)])
    name = StringField(_l("Tên"), filters=[_strip], validators=[length(max=300)])
    position = IntegerInput(_l("Thứ tự"))
    remove = BooleanField(_l("Xoá"))

    NUMBERS: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        """Nothing typed in (the spare row left empty)."""
        return (
            not self.code.data
            and not self.name.data
            and all(self[name].data is None for name in self.NUMBERS)
        )

    def item(self) -> dict:
        """The row as a definition item."""
        return {"code": self.code.data or "", "name": self.name.data or ""}


class FieldRow(_Row):
    """A field and the attachments its dossier requires."""

    attachments = CheckboxesField(
        _l("Hồ sơ bắt buộc"),
        choices=[SelectChoice(k, ATTACHMENT_LABELS[k]) for k in ATTACHMENT_KINDS],
    )

    def item(self) -> dict:
        ticked = set(self.attachments.data or ())
        return {**super().item(), "attachments": [k for k in ATTACHMENT_KINDS if k in ticked]}


class BoardRow(_Row):
    """A board (bảng)."""


class CriterionRow(_Row):
    """A criterion: maximum points and its place in the tie-break order."""

    max_points = DecimalInput(_l("Điểm tối đa"))
    tiebreak = IntegerInput(_l("Xét khi bằng điểm"))
    guidance = TextAreaField(
        _l("Hướng dẫn chấm (hiện cho giám khảo dưới tiêu chí)"),
        filters=[_strip],
        validators=[length(max=2000)],
    )

    NUMBERS = ("max_points", "tiebreak")

    def item(self) -> dict:
        return {
            **super().item(),
            "max_points": self.max_points.data,
            "guidance": self.guidance.data or "",
        }


class PrizeRow(_Row):
    """A prize level: band, quota and its scope, amount, automatic or by hand."""

    min_score = DecimalInput(_l("Điểm tối thiểu"))
    quota = IntegerInput(_l("Số giải tối đa"))
    scope = SelectField(
        _l("Phạm vi"),
        choices=[SelectChoice(k, label) for k, label in SCOPE_LABELS.items()],
        validate_choice=False,
        default="field",
    )
    amount_vnd = AmountInput(_l("Tiền thưởng (đồng)"))
    automatic = BooleanField(_l("Xét tự động theo điểm"), default=True)

    NUMBERS = ("min_score", "quota", "amount_vnd")

    def item(self) -> dict:
        return {
            **super().item(),
            "min_score": self.min_score.data,
            "quota": self.quota.data,
            "scope": self.scope.data,
            "amount_vnd": self.amount_vnd.data,
            "automatic": bool(self.automatic.data),
        }


class GridForm(EditionChangeForm):
    """A list of an edition edited as a grid (see the module docstring)."""

    KEY = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origin: list[int] = []  # definition item i came from row origin[i]

    @classmethod
    def rows_data(cls, definition: dict, blank: dict) -> list[dict]:
        """Rows for the current items (numbered 1, 2, …) and a spare ``blank`` row."""
        items = definition[cls.KEY]
        rows = [{**item, "position": i} for i, item in enumerate(items, start=1)]
        return [*rows, {**blank, "position": len(items) + 1}]

    def items(self, existing: set[str]) -> list[dict]:
        """The definition items in the chosen order, without removed rows and without the
        spare row left blank (records :attr:`origin`)."""
        chosen = []
        for index, entry in enumerate(self.rows.entries):
            row = entry.form
            if row.remove.data or (row.code.data not in existing and row.is_blank()):
                continue
            position = row.position.data if row.position.data is not None else INFINITY
            chosen.append((position, index, row.item()))
        chosen.sort(key=lambda t: (t[0], t[1]))
        self.origin = [index for _position, index, _item in chosen]
        return [item for _position, _index, item in chosen]

    def input_for(self, path: str):
        """``KEY[i].sub`` is the input ``sub`` of the row item i came from."""
        prefix = f"{self.KEY}["
        if path.startswith(prefix) and "]" in path:
            index_text, _sep, rest = path[len(prefix) :].partition("]")
            if index_text.isdigit() and int(index_text) < len(self.origin):
                row = self.rows.entries[self.origin[int(index_text)]].form
                sub = rest.lstrip(".") or "code"
                return row._fields.get(sub)
        return super().input_for(path)


class FieldsForm(GridForm):
    """Fields and their dossier checklists, and the attachment kinds judges never receive."""

    KEY = "fields"
    rows = FieldList(FormField(FieldRow), label=_l("Lĩnh vực"))
    organizer_only = CheckboxesField(
        _l("Loại tệp chỉ Ban Tổ chức xem (giám khảo không nhận)"),
        choices=[SelectChoice(k, ATTACHMENT_LABELS[k]) for k in ATTACHMENT_KINDS],
    )
    # Set by the page showing the boxes: no box ticked then means "judges see every kind",
    # while a post without the boxes leaves the choice as it is.
    organizer_only_shown = HiddenField()

    PATHS = {"organizer_only_attachments": "organizer_only"}

    def changes(self, definition: dict) -> dict:
        """Fields; a checklist keeps its saved order (new kinds are added at its end)."""
        saved = {item["code"]: item.get("attachments", []) for item in definition[self.KEY]}
        items = self.items(set(saved))
        for item in items:
            ticked = item["attachments"]
            before = [k for k in saved.get(item["code"], []) if k in ticked]
            item["attachments"] = before + [k for k in ticked if k not in before]
        if not self.organizer_only_shown.data:
            return {self.KEY: items}
        hidden = set(self.organizer_only.data or ())
        return {
            self.KEY: items,
            "organizer_only_attachments": [k for k in ATTACHMENT_KINDS if k in hidden],
        }


class BoardsForm(GridForm):
    """Boards (bảng); none at all is allowed."""

    KEY = "boards"
    rows = FieldList(FormField(BoardRow), label=_l("Bảng"))

    def changes(self, definition: dict) -> dict:
        """The list as the grid leaves it."""
        existing = {item["code"] for item in definition[self.KEY]}
        return {self.KEY: self.items(existing)}


class CriteriaForm(GridForm):
    """Criteria, their maxima and the tie-break order."""

    KEY = "criteria"
    rows = FieldList(FormField(CriterionRow), label=_l("Tiêu chí"))

    @classmethod
    def rows_data(cls, definition: dict, blank: dict) -> list[dict]:
        """Rows with the tie-break numbers of the current order (blank: criteria order)."""
        rows = super().rows_data(definition, blank)
        tiebreak = {code: i for i, code in enumerate(definition.get("tiebreak") or [], start=1)}
        for row in rows:
            row["tiebreak"] = tiebreak.get(row.get("code"))
        return rows

    def changes(self, definition: dict) -> dict:
        """Criteria and the tie-break order from the numbers given (None: criteria order)."""
        existing = {item["code"] for item in definition[self.KEY]}
        items = self.items(existing)
        ranked = []
        for i, item in enumerate(items):
            number = self.rows.entries[self.origin[i]].form.tiebreak.data
            if number is not None:
                ranked.append((number, i, item["code"]))
        tiebreak = [code for _n, _i, code in sorted(ranked)] or None
        return {self.KEY: items, "tiebreak": tiebreak}


class PrizesForm(GridForm):
    """Prize levels (highest first) and the national quota."""

    KEY = "prizes"
    rows = FieldList(FormField(PrizeRow), label=_l("Giải"))
    national_max = IntegerInput(_l("Số sản phẩm tối đa gửi dự thi toàn quốc"))

    def changes(self, definition: dict) -> dict:
        """Prize levels and the national quota."""
        existing = {item["code"] for item in definition[self.KEY]}
        return {self.KEY: self.items(existing), "national_max": self.national_max.data}


class RoundsForm(EditionChangeForm):
    """The rounds — an optional preliminary round with its cutoff, then the final — and how
    entries are judged (judges per entry, discrepancy threshold)."""

    has_preliminary = BooleanField(_l("Có vòng sơ khảo"))
    preliminary_name = StringField(
        _l("Tên vòng sơ khảo"), filters=[_strip], validators=[length(max=300)]
    )
    cutoff = DecimalInput(_l("Điểm sàn vào vòng chung khảo"))
    final_name = StringField(
        _l("Tên vòng chung khảo"), filters=[_strip], validators=[length(max=300)]
    )
    judges_per_entry = IntegerInput(_l("Số giám khảo chấm mỗi bài"), validators=[filled()])
    discrepancy_threshold = DecimalInput(
        _l("Ngưỡng chênh lệch điểm giữa các giám khảo"), validators=[filled()]
    )

    DEFAULT_CUTOFF = DEFAULT_CUTOFF  # RULES §4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.round_count = 0

    @staticmethod
    def data_of(definition: dict) -> dict:
        """The form's values for the edition's current rounds."""
        rounds = definition["rounds"]
        preliminary = rounds[0] if len(rounds) >= 2 else None
        return {
            "has_preliminary": preliminary is not None,
            "preliminary_name": preliminary["name"] if preliminary else "Vòng sơ khảo",
            "cutoff": preliminary["cutoff"] if preliminary else RoundsForm.DEFAULT_CUTOFF,
            "final_name": rounds[-1]["name"] if rounds else "",
            "judges_per_entry": definition["judges_per_entry"],
            "discrepancy_threshold": definition["discrepancy_threshold"],
        }

    def changes(self, definition: dict) -> dict:
        """Rounds rebuilt around the existing codes (rounds between the first and the last,
        possible only through a definition file, are kept as they are)."""
        rounds = definition["rounds"]
        codes = {r["code"] for r in rounds}
        preliminary = rounds[0] if len(rounds) >= 2 else None
        middle = rounds[1:-1] if len(rounds) >= 3 else []
        final = rounds[-1] if rounds else {"code": "final", "name": "", "cutoff": None}
        new = []
        if self.has_preliminary.data:
            code = preliminary["code"] if preliminary else _free_code("prelim", codes)
            new.append(
                {"code": code, "name": self.preliminary_name.data or "", "cutoff": self.cutoff.data}
            )
        new += middle
        new.append({"code": final["code"], "name": self.final_name.data or "", "cutoff": None})
        self.round_count = len(new)
        return {
            "rounds": new,
            "judges_per_entry": self.judges_per_entry.data,
            "discrepancy_threshold": self.discrepancy_threshold.data,
        }

    def input_for(self, path: str):
        """``rounds[0].*`` is the preliminary round when there is one; the last is the final."""
        if path.startswith("rounds[") and "]" in path:
            index_text, _sep, sub = path[len("rounds[") :].partition("]")
            sub = sub.lstrip(".")
            if index_text.isdigit():
                index = int(index_text)
                if index == 0 and self.has_preliminary.data:
                    return {"cutoff": self.cutoff, "name": self.preliminary_name}.get(sub)
                if index == self.round_count - 1:
                    return {"name": self.final_name}.get(sub)
        return super().input_for(path)


def _free_code(base: str, taken: set[str]) -> str:
    """``base``, or ``base2``, ``base3``… whichever is not taken."""
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}{n}"
    return code
