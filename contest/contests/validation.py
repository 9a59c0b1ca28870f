"""The rules an edition's configuration must follow, with messages an organizer understands.

Each problem names the key path of the definition (``prizes[2].min_score``; list indexes count
from 0) and is an *error* (nothing is saved), a *warning* (saved only when the organizer
confirms, e.g. criteria maxima not summing to 100) or an *override* (a change of rubric or
prize policy after judging started: saved only with an explicit, audited override).

Every check tolerates ``None`` where the definition parser already rejected a value.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from .. import display
from ..errors import UserError
from .spec import BoardSpec, CriterionSpec, EditionSpec, FieldSpec, PrizeSpec, RoundSpec

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SLUG_MAX, CODE_MAX, TITLE_MAX, NAME_MAX = 80, 20, 300, 300
HUNDRED = Decimal(100)


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    OVERRIDE = "override"


@dataclass(frozen=True)
class Problem:
    """One problem of a definition, located by its key path."""

    path: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidEdition(UserError):
    """Raised by operations when a change cannot be saved as asked: it has errors, or
    warnings not confirmed, or it needs an override not given."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def _of(self, severity: Severity) -> list[Problem]:
        return [p for p in self.problems if p.severity == severity]

    @property
    def errors(self) -> list[Problem]:
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return self._of(Severity.WARNING)

    @property
    def overrides(self) -> list[Problem]:
        return self._of(Severity.OVERRIDE)


def check_spec(spec: EditionSpec) -> list[Problem]:
    """Every error and warning of ``spec`` (overrides are decided by operations)."""
    problems: list[Problem] = []
    problems += _check_identity(spec)
    problems += _check_dates(spec)
    problems += _check_eligibility(spec)
    problems += _check_codes("fields", spec.fields, required=True)
    problems += _check_checklists(spec)
    problems += _check_codes("boards", spec.boards)
    problems += _check_criteria(spec)
    problems += _check_rounds(spec)
    problems += _check_prizes(spec)
    return problems


def _error(path: str, message: str) -> Problem:
    return Problem(path, message, Severity.ERROR)


def _check_identity(spec: EditionSpec) -> list[Problem]:
    out = []
    if spec.slug is not None and (not SLUG_RE.match(spec.slug) or len(spec.slug) > SLUG_MAX):
        out.append(
            _error(
                "slug",
                _(
                    "chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, "
                    "tối đa %(max)d ký tự (ví dụ: stkt-2025)",
                    max=SLUG_MAX,
                ),
            )
        )
    if spec.title is not None:
        if not spec.title.strip():
            out.append(_error("title", _("không được để trống")))
        elif len(spec.title) > TITLE_MAX:
            out.append(_error("title", _("tối đa %(max)d ký tự", max=TITLE_MAX)))
    if spec.number is not None and spec.number < 1:
        out.append(_error("number", _("phải là số nguyên ≥ 1")))
    return out


def _check_dates(spec: EditionSpec) -> list[Problem]:
    out = []
    deadline = spec.submission_deadline
    if spec.opens_at and deadline and deadline <= spec.opens_at:
        out.append(
            _error("submission_deadline", _("hạn nộp hồ sơ phải sau thời điểm mở nhận hồ sơ"))
        )
    if spec.judging_starts_at and deadline and spec.judging_starts_at < deadline:
        out.append(_error("judging_starts_at", _("việc chấm phải bắt đầu sau hạn nộp hồ sơ")))
    if spec.judging_ends_at:
        if spec.judging_starts_at is None:
            out.append(
                _error("judging_ends_at", _("cần có thời điểm bắt đầu chấm trước khi kết thúc"))
            )
        elif spec.judging_ends_at <= spec.judging_starts_at:
            out.append(_error("judging_ends_at", _("phải sau thời điểm bắt đầu chấm")))
    return out


def _check_eligibility(spec: EditionSpec) -> list[Problem]:
    out = []
    if spec.age_min is not None and spec.age_max is not None:
        if spec.age_min < 0:
            out.append(_error("age.min", _("phải là số nguyên ≥ 0")))
        if spec.age_max < spec.age_min:
            out.append(_error("age.max", _("tuổi tối đa phải lớn hơn hoặc bằng tuổi tối thiểu")))
    if spec.max_authors is not None and spec.max_authors < 1:
        out.append(_error("max_authors", _("phải là số nguyên ≥ 1")))
    if spec.applied_since and spec.reference_date and spec.applied_since > spec.reference_date:
        out.append(_error("applied_since", _("phải trước ngày tham chiếu (reference_date)")))
    if spec.judges_per_entry is not None and spec.judges_per_entry < 1:
        out.append(_error("judges_per_entry", _("phải là số nguyên ≥ 1")))
    if spec.discrepancy_threshold is not None:
        out += _decimal_range("discrepancy_threshold", spec.discrepancy_threshold, 2, HUNDRED)
    if spec.national_max is not None and spec.national_max < 0:
        out.append(_error("national_max", _("phải là số nguyên ≥ 0")))
    return out


def _decimal_range(path: str, value: Decimal, places: int, upper: Decimal | None) -> list[Problem]:
    """Errors for a number outside 0 … upper or with too many decimals."""
    out = []
    if value < 0 or (upper is not None and value > upper):
        if upper is None:
            out.append(_error(path, _("phải ≥ 0")))
        else:
            out.append(_error(path, _("phải từ 0 đến %(max)s", max=_number(upper))))
    elif _decimals(value) > places:
        out.append(_error(path, _("tối đa %(n)d chữ số thập phân", n=places)))
    return out


def _decimals(value: Decimal) -> int:
    """How many decimals ``value`` really has (trailing zeros do not count)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _number(value: Decimal) -> str:
    """A number as organizers write it (no trailing zeros, comma as decimal mark)."""
    return display.input_number(value)


def _check_codes(
    key: str,
    items: Sequence[FieldSpec | BoardSpec | CriterionSpec | RoundSpec | PrizeSpec],
    required: bool = False,
    names: bool = True,
) -> list[Problem]:
    """Codes present, well-formed and unique; names present (when ``names``)."""
    out = []
    if required and not items:
        out.append(_error(key, _("cần ít nhất một mục")))
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = f"{key}[{i}]"
        code = item.code
        if code is not None:
            if not CODE_RE.match(code) or len(code) > CODE_MAX:
                out.append(
                    _error(
                        f"{path}.code",
                        _(
                            "mã chỉ gồm chữ cái không dấu, chữ số, '_', '-', '.', "
                            "tối đa %(max)d ký tự",
                            max=CODE_MAX,
                        ),
                    )
                )
            elif code in seen:
                out.append(_error(f"{path}.code", _("mã '%(code)s' bị trùng", code=code)))
            seen.add(code)
        if names and item.name is not None:
            if not item.name.strip():
                out.append(_error(f"{path}.name", _("không được để trống")))
            elif len(item.name) > NAME_MAX:
                out.append(_error(f"{path}.name", _("tối đa %(max)d ký tự", max=NAME_MAX)))
    return out


def _check_checklists(spec: EditionSpec) -> list[Problem]:
    """A dossier checklist names each attachment kind once."""
    out = []
    for i, field_spec in enumerate(spec.fields):
        attachments = field_spec.attachments or []
        for kind in sorted({a for a in attachments if attachments.count(a) > 1}):
            out.append(
                _error(f"fields[{i}].attachments", _("loại tệp '%(kind)s' bị trùng", kind=kind))
            )
    return out


def _check_criteria(spec: EditionSpec) -> list[Problem]:
    out = _check_codes("criteria", spec.criteria, required=True)
    total = Decimal(0)
    for i, criterion in enumerate(spec.criteria):
        points = criterion.max_points
        if points is None:
            continue
        total += points
        path = f"criteria[{i}].max_points"
        if points <= 0 or points > HUNDRED:
            out.append(_error(path, _("phải lớn hơn 0 và không quá 100")))
        elif (points * 2) != (points * 2).to_integral_value():
            out.append(_error(path, _("phải là bội số của 0,5")))
    if spec.criteria and all(c.max_points is not None for c in spec.criteria) and total != HUNDRED:
        out.append(
            Problem(
                "criteria",
                _(
                    "tổng điểm tối đa của các tiêu chí là %(total)s, không phải 100; "
                    "hãy kiểm tra lại hoặc xác nhận để lưu",
                    total=_number(total),
                ),
                Severity.WARNING,
            )
        )
    if spec.tiebreak is not None:
        codes = {c.code for c in spec.criteria}
        seen: set[str] = set()
        for i, code in enumerate(spec.tiebreak):
            if code in seen:
                out.append(_error(f"tiebreak[{i}]", _("mã '%(code)s' bị trùng", code=code)))
            elif code not in codes:
                out.append(
                    _error(f"tiebreak[{i}]", _("không có tiêu chí mã '%(code)s'", code=code))
                )
            seen.add(code)
    return out


def _check_rounds(spec: EditionSpec) -> list[Problem]:
    out = _check_codes("rounds", spec.rounds, required=True, names=False)
    last = len(spec.rounds) - 1
    for i, round_ in enumerate(spec.rounds):
        if round_.name and len(round_.name) > NAME_MAX:
            out.append(_error(f"rounds[{i}].name", _("tối đa %(max)d ký tự", max=NAME_MAX)))
        path = f"rounds[{i}].cutoff"
        if round_.cutoff is not None:
            if i == last:
                out.append(_error(path, _("vòng cuối không có điểm sàn (để null)")))
            else:
                out += _decimal_range(path, round_.cutoff, 2, HUNDRED)
        # A round before the last without a cutoff uses RULES' default 60 (Round.pass_mark).
    return out


def _check_prizes(spec: EditionSpec) -> list[Problem]:
    out = _check_codes("prizes", spec.prizes)
    previous: tuple[int, Decimal] | None = None
    for i, prize in enumerate(spec.prizes):
        path = f"prizes[{i}]"
        if prize.quota is not None and prize.quota < 0:
            out.append(_error(f"{path}.quota", _("phải là số nguyên ≥ 0")))
        if prize.amount_vnd is not None and prize.amount_vnd < 0:
            out.append(_error(f"{path}.amount_vnd", _("phải là số nguyên ≥ 0")))
        if prize.min_score is None:
            continue
        band_problems = _decimal_range(f"{path}.min_score", prize.min_score, 2, HUNDRED)
        out += band_problems
        if band_problems:
            continue
        if previous is not None and prize.min_score >= previous[1]:
            out.append(
                _error(
                    f"{path}.min_score",
                    _(
                        "mức điểm phải thấp hơn mức của giải đứng trước (%(prev)s, "
                        "prizes[%(index)d]); giải cao hơn đứng trước",
                        prev=_number(previous[1]),
                        index=previous[0],
                    ),
                )
            )
        previous = (i, prize.min_score)
    return out


def split(problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors and overrides, warnings) of ``problems``."""
    problems = list(problems)
    warnings = [p for p in problems if p.severity == Severity.WARNING]
    return [p for p in problems if p.severity != Severity.WARNING], warnings
