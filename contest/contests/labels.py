"""Words for organizers: Vietnamese names of definition keys and problem paths, values as
people read them, and audit entries of an edition turned into "what changed: before → after"
rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import display
from ..audit.models import AuditEntry
from ..timeutil import format_local

KEY_LABELS = {
    "slug": _l("Mã lần thi"),
    "title": _l("Tên lần thi"),
    "number": _l("Lần thứ"),
    "contest": _l("Loại cuộc thi"),
    "description": _l("Giới thiệu"),
    "organizing_units": _l("Đơn vị tổ chức"),
    "opens_at": _l("Mở nhận hồ sơ"),
    "submission_deadline": _l("Hạn nộp hồ sơ"),
    "reference_date": _l("Ngày tính tuổi"),
    "age": _l("Độ tuổi"),
    "max_authors": _l("Số tác giả tối đa"),
    "applied_since": _l("Áp dụng vào thực tế từ ngày"),
    "judges_per_entry": _l("Số giám khảo chấm mỗi bài"),
    "discrepancy_threshold": _l("Ngưỡng chênh lệch điểm"),
    "judging_starts_at": _l("Bắt đầu chấm"),
    "judging_ends_at": _l("Kết thúc chấm"),
    "fields": _l("Lĩnh vực"),
    "boards": _l("Bảng"),
    "criteria": _l("Tiêu chí"),
    "tiebreak": _l("Thứ tự xét khi bằng điểm"),
    "rounds": _l("Vòng thi"),
    "prizes": _l("Giải"),
    "national_max": _l("Số sản phẩm gửi dự thi toàn quốc"),
    "rules_document": _l("Tệp thể lệ"),
    "reason": _l("Lý do"),
    "new_deadline": _l("Hạn mới"),
    "reminder_days_before": _l("Số ngày nhắc hồ sơ nháp trước hạn"),
    "predecessor_id": _l("Lần thi trước để so sánh thống kê"),
}

SUBKEY_LABELS = {
    "code": _l("mã"),
    "name": _l("tên"),
    "attachments": _l("hồ sơ bắt buộc"),
    "max_points": _l("điểm tối đa"),
    "cutoff": _l("điểm sàn"),
    "min_score": _l("mức điểm"),
    "quota": _l("số lượng tối đa"),
    "scope": _l("phạm vi"),
    "amount_vnd": _l("tiền thưởng"),
    "automatic": _l("xét tự động"),
    "order": _l("thứ tự"),
    "min": _l("tối thiểu"),
    "max": _l("tối đa"),
}

_PATH_RE = re.compile(r"^(?P<key>\w+)(?:\[(?P<item>[^\]]+)\])?(?:\.(?P<sub>\w+))?$")
_MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def describe_path(path: str, by_code: bool = False) -> str:
    """A key path in words: ``criteria[2].max_points`` → "Tiêu chí thứ 3 · điểm tối đa"
    (problem paths count items from 0); with ``by_code`` the item is a code, as in audit
    diffs: ``criteria[novelty].max_points`` → "Tiêu chí novelty · điểm tối đa"."""
    match = _PATH_RE.match(path or "")
    if not match:
        return path or _("Chung")
    key, item, sub = match.group("key", "item", "sub")
    words = str(KEY_LABELS.get(key, key))
    if item is not None:
        if not by_code and item.isdigit():
            words += " " + _("thứ %(n)s", n=int(item) + 1)
        else:
            words += f" {item}"
    if sub:
        words += " · " + str(SUBKEY_LABELS.get(sub, sub))
    return words


def describe_value(value: Any) -> str:
    """A stored or definition value as people read it (moments in Vietnam time)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        if _MOMENT_RE.match(value):
            return format_local(datetime.fromisoformat(value.replace("Z", "+00:00")))
        if _DATE_RE.match(value):
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        return value
    if isinstance(value, dict):
        if set(value) == {"min", "max"}:
            return f"{value['min']}–{value['max']}"
        parts = [
            f"{SUBKEY_LABELS.get(k, k)}: {describe_value(v)}"
            for k, v in value.items()
            if k != "code"
        ]
        head = value.get("code")
        return (f"{head} — " if head else "") + "; ".join(parts)
    if isinstance(value, list):
        return ", ".join(describe_value(v) for v in value)
    return str(value)


@dataclass
class AuditRow:
    """One change of an audit entry."""

    what: str
    before: str
    after: str


@dataclass
class AuditView:
    """An audit entry ready for the page: who, when, what, and the changes."""

    entry: AuditEntry
    action: str
    rows: list[AuditRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _source_label(source: str) -> str:
    """Where an edition was created from, in words."""
    kind, _sep, rest = (source or "").partition(":")
    if kind == "template":
        return _("từ mẫu có sẵn (%(kind)s)", kind=rest)
    if kind == "clone":
        return _("nhân bản từ lần thi %(slug)s", slug=rest)
    if kind == "definition":
        return _("từ tệp định nghĩa JSON")
    if kind == "demo":
        return _("dữ liệu mẫu")
    return source or "—"


def audit_view(entry: AuditEntry) -> AuditView:
    """What ``entry`` (an edition's audit entry) changed, as rows and notes."""
    details = entry.details or {}
    view = AuditView(entry, display.audit_sentence(entry))
    for path, change in (details.get("changes") or {}).items():
        before, after = change.get("before"), change.get("after")
        if path == "rules_document":
            before = _("tệp PDF") if before else None
            after = _("tệp PDF mới") if after else None
        view.rows.append(
            AuditRow(
                describe_path(path, by_code=True), describe_value(before), describe_value(after)
            )
        )
    if entry.action == "edition.create":
        view.notes.append(_("Nguồn: %(source)s", source=_source_label(details.get("source", ""))))
    if entry.action == "edition.extend_deadline":
        area = details.get("area") or _("toàn bộ lần thi")
        view.rows.append(
            AuditRow(
                _("Hạn nộp hồ sơ (%(area)s)", area=area),
                describe_value(details.get("before")),
                describe_value(details.get("after")),
            )
        )
    if entry.action == "edition.retire_criterion":
        view.notes.append(_("Tiêu chí: %(code)s", code=details.get("criterion", "")))
    if details.get("override"):
        view.notes.append(_("Ghi đè sau khi việc chấm đã bắt đầu."))
    if details.get("reason"):
        view.notes.append(_("Lý do: %(reason)s", reason=details["reason"]))
    for warning in details.get("confirmed_warnings") or ():
        view.notes.append(_("Đã xác nhận cảnh báo: %(w)s", w=warning))
    return view
