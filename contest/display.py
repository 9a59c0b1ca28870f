"""The display layer: the code's values in the user's language.

* Numbers: :func:`points` (points, scores, thresholds, maxima), :func:`count` and :func:`vnd`
  follow the chosen locale (``1.234,5`` in Vietnamese, ``1,234.5`` in English), drop useless
  zeros and never use scientific notation (``Decimal("2E+1")`` prints ``20``). Pages, PDFs,
  XLSX and e-mails all go through them; outside a request the locale is Vietnamese.
  :func:`input_number` is the form-field form (no grouping, comma decimal mark).
* Codes: :func:`label` names a result flag, an entry, sheet or job status, a job kind or an
  attachment kind, reusing the label dictionaries of the modules that own the codes.
* Audit: :func:`audit_phrase` / :func:`audit_sentence` tell what an audit entry did, with its
  details ("Nguyễn Văn A nhập 120 phiếu chấm từ tệp diem.xlsx").
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from babel.numbers import format_currency, format_decimal
from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .results.flags import Flag

if TYPE_CHECKING:
    from flask import Flask

    from .audit.models import AuditEntry
    from .contests.models import Round
    from .jobs.models import Job

DEFAULT_LOCALE = "vi"
_DECIMAL_PATTERN = "#,##0.##########"

# --- Numbers ----------------------------------------------------------------------------------


def _locale(locale: str | None) -> str:
    """The locale to format in: the one given, the request's choice, else Vietnamese."""
    if locale:
        return locale
    if has_request_context():
        from flask_babel import get_locale

        chosen = get_locale()
        if chosen is not None:
            return str(chosen)
    return DEFAULT_LOCALE


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal (None for None, empty or not a number)."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@lru_cache(maxsize=8192)
def _formatted(number: Decimal, pattern: str, locale: str) -> str:
    """Babel's formatting of ``number`` (≈ 40 µs a call: a results page formats a thousand
    numbers, mostly the same few hundred). Equal numbers format alike ("75.5" and "75.50"
    give the same text under one pattern), so the value is the key; -0 is not cached."""
    return format_decimal(number, pattern, locale=locale)


def _format(number: Decimal, pattern: str, locale: str | None) -> str:
    if number.is_zero() and number.is_signed():
        return format_decimal(number, pattern, locale=_locale(locale))
    return _formatted(number, pattern, _locale(locale))


def points(value: Any, locale: str | None = None, empty: str = "") -> str:
    """Points, a score, a threshold or a maximum: ``7,5``, ``20``, ``1.234,25`` (Vietnamese),
    ``7.5`` (English); no trailing zeros, never ``2E+1``; ``empty`` for None."""
    number = _decimal(value)
    if number is None:
        return empty if value is None or value == "" else str(value)
    return _format(number, _DECIMAL_PATTERN, locale)


def score(value: Any, locale: str | None = None, empty: str = "—") -> str:
    """A score with its two decimals, as results show it: ``75,50`` / ``75.50``; ``empty``
    for None."""
    number = _decimal(value)
    if number is None:
        return empty
    return _format(number, "#,##0.00", locale)


def count(value: Any, locale: str | None = None) -> str:
    """A whole number with the locale's grouping: ``1.234`` / ``1,234``; empty for None."""
    number = _decimal(value)
    if number is None:
        return ""
    return _format(number, "#,##0", locale)


def vnd(value: Any, locale: str | None = None) -> str:
    """An amount of Vietnamese đồng in the locale's currency format; empty for None."""
    number = _decimal(value)
    if number is None:
        return ""
    return format_currency(number, "VND", locale=_locale(locale))


def input_number(value: Any) -> str:
    """A number as a form field shows it: no grouping, comma decimal mark, no trailing
    zeros (``7,5``, ``20``); empty for None."""
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f").replace(".", ",")


# --- Codes ------------------------------------------------------------------------------------

FLAG_LABELS = {
    Flag.DISCREPANCY: _l("Chênh lệch điểm giữa giám khảo"),
    Flag.INCOMPLETE: _l("Chưa đủ phiếu chấm"),
    Flag.TIE_AT_QUOTA: _l("Đồng hạng ở giới hạn số giải"),
    Flag.PANEL_SCORE: _l("Điểm do tiểu ban quyết định"),
    Flag.ADVANCED: _l("Vào vòng sau"),
    "JUDGING_OPEN": _l("Đợt chấm còn mở"),
    "DRAFT_SHEETS": _l("Còn phiếu chấm nháp"),
}


def _code_labels() -> list[dict]:
    """Every label dictionary, most specific first (imported late: they live in the
    modules that own the codes)."""
    from .contests.pages_support import ATTACHMENT_LABELS
    from .entries.models import STATUS_LABELS as ENTRY_LABELS
    from .jobs.labels import STATUS_LABELS as JOB_LABELS
    from .judging.models import SHEET_STATUS_LABELS

    return [
        FLAG_LABELS,
        {str(k.value): v for k, v in ENTRY_LABELS.items()},
        {str(k.value): v for k, v in SHEET_STATUS_LABELS.items()},
        JOB_LABELS,
        ATTACHMENT_LABELS,
    ]


#: Attachment kinds in file names: Vietnamese words without diacritics (judges' downloads).
ATTACHMENT_FILE_WORDS = {
    "description": "ban-thuyet-minh",
    "full_text": "toan-van",
    "photos": "anh",
    "video": "video",
    "source_code": "ma-nguon",
    "installer": "bo-cai-dat",
    "instructions": "huong-dan-su-dung",
    "unit_confirmation": "xac-nhan-don-vi",
    "registration_form": "phieu-dang-ky",
    "identity_document": "giay-to-tuy-than",
}


def attachment_file_word(kind: str) -> str:
    """An attachment kind as it appears in a file name (``photos`` → ``anh``)."""
    return ATTACHMENT_FILE_WORDS.get(kind) or kind.replace("_", "-")


def flag_label(flag: str) -> str:
    """A result flag in words."""
    found = FLAG_LABELS.get(str(flag))
    return str(found) if found is not None else str(flag)


def flags_label(flags: Any) -> str:
    """Several flags (a list, or text separated by ``;`` or ``,``) in words, comma-separated;
    empty for none."""
    if not flags:
        return ""
    if isinstance(flags, str):
        flags = flags.replace(",", ";").split(";")
    return ", ".join(flag_label(f.strip()) for f in flags if f and f.strip())


def label(code: Any, kind: str | None = None) -> str:
    """The words for ``code``: a result flag, an entry or sheet status, a job status, a job
    kind (``kind="job"``) or an attachment kind; the code itself when nothing names it."""
    if code is None:
        return ""
    text = str(getattr(code, "value", code))
    if kind == "job":
        from .jobs.labels import kind_label

        return kind_label(text)
    for labels in _code_labels():
        if text in labels:
            return str(labels[text])
    if kind is None and "." in text:
        from .jobs.labels import kind_label

        return kind_label(text)
    return text


def round_title(round_: Round | None) -> str:
    """A round's name as people read it: its name (names begin with "Vòng"), else "Vòng"
    and its code."""
    if round_ is None:
        return ""
    name = (getattr(round_, "name", "") or "").strip()
    return name or _("Vòng %(code)s", code=round_.code)


def compile_summary(job: Job) -> dict[str, Any]:
    """A ``results.compile`` job's result in words: the run's number, the round's name, the
    counts, prizes by name and flags by label (no ids, fingerprints or codes)."""
    from .contests.models import PrizeLevel, Round
    from .extensions import db

    result = job.result or {}
    round_ = db.session.get(Round, (job.params or {}).get("round_id") or 0)
    names: dict[str, str] = {}
    if round_ is not None:
        levels = db.session.query(PrizeLevel).filter_by(edition_id=round_.edition_id)
        names = {p.code: p.name for p in levels}
    return {
        "number": result.get("number"),
        "round_name": round_title(round_),
        "entries": result.get("entries"),
        "ranked": result.get("ranked"),
        "prizes": [(names.get(c, c), n) for c, n in (result.get("prizes") or {}).items()],
        "flags": [(flag_label(f), n) for f, n in (result.get("flags") or {}).items()],
    }


#: The keys of job results shown by the generic job result view.
RESULT_KEY_LABELS = {
    "sent_to": _l("Đã gửi tới"),
    "to": _l("Người nhận"),
    "sent": _l("Đã gửi"),
    "already_sent": _l("Đã gửi từ trước"),
    "missing_address": _l("Thiếu địa chỉ e-mail"),
    "digests": _l("Số thư tổng hợp"),
    "messages": _l("Số thư"),
    "note": _l("Ghi chú"),
    "reason": _l("Lý do"),
    "version": _l("Phiên bản"),
    "publication_id": _l("Lần công bố"),
    "created": _l("Tạo mới"),
    "updated": _l("Cập nhật"),
    "unchanged": _l("Không đổi"),
    "entries": _l("Số hồ sơ"),
}


def result_key(key: Any) -> str:
    """A job result's key in words (its words with spaces when unnamed)."""
    found = RESULT_KEY_LABELS.get(str(key))
    if found is not None:
        return str(found)
    return str(key).replace("_", " ")


# --- Audit ------------------------------------------------------------------------------------

#: What each audited action did, as a phrase after the actor's name (details as placeholders).
AUDIT_PHRASES = {
    "edition.create": _l("tạo lần thi"),
    "edition.update": _l("sửa cấu hình lần thi"),
    "edition.extend_deadline": _l("gia hạn nộp hồ sơ"),
    "edition.retire_criterion": _l("ngừng dùng tiêu chí %(criterion)s"),
    "edition.rules_document": _l("thay đổi tệp thể lệ"),
    "edition.reminder_days": _l("đổi số ngày nhắc hồ sơ nháp"),
    "edition.predecessor": _l("chọn lần thi trước để so sánh thống kê"),
    "edition.province": _l("đổi tỉnh, thành phố của lần thi"),
    "judging.conflict_declare": _l("ghi nhận xung đột lợi ích"),
    "job.rerun": _l("chạy lại một tác vụ nền"),
    "announcement.send": _l("gửi thông báo “%(subject)s” tới %(recipients)s người"),
    "announcement.resume": _l("gửi tiếp thông báo"),
    "entry.import": _l("nhập %(n)s hồ sơ từ tệp %(filename)s"),
    "judging.scores_import": _l("nhập %(n)s phiếu chấm từ tệp %(filename)s"),
    "judging.assign": _l("phân công %(n)s lượt chấm"),
    "judging.auto_assign": _l("phân công tự động %(n)s lượt chấm"),
    "publication.publish": _l("công bố phiên bản %(version)s"),
    "entry.create": _l("tạo bản nháp"),
    "entry.update": _l("sửa thông tin"),
    "entry.authors": _l("cập nhật tác giả"),
    "entry.submit": _l("nộp hồ sơ"),
    "entry.withdraw": _l("rút hồ sơ"),
    "entry.receive": _l("tiếp nhận"),
    "entry.accept": _l("đưa vào chấm"),
    "entry.reject": _l("không đưa vào chấm"),
    "entry.reclassify": _l("chuyển lĩnh vực"),
    "entry.import_create": _l("nhập từ tệp"),
    "entry.import_update": _l("cập nhật từ tệp"),
    "entry.attachment_add": _l("thêm tệp đính kèm"),
    "entry.attachment_delete": _l("xoá tệp đính kèm"),
    "entry.delete_draft": _l("xoá bản nháp"),
    "judging.judge_text": _l("sửa tên và tóm tắt giám khảo đọc"),
    "judging.unassign_conflict": _l("bỏ phân công vì xung đột lợi ích"),
    "judging.comment_hide": _l("ẩn một ý kiến thảo luận"),
    "judging.comment_show": _l("hiện lại một ý kiến thảo luận"),
    "judging.scan_finding": _l("xử lý một phát hiện khi quét tài liệu"),
    "judging.panel_create": _l("lập tiểu ban"),
    "judging.panel_add": _l("thêm giám khảo vào tiểu ban"),
    "judging.panel_chair": _l("chọn trưởng tiểu ban"),
    "judging.panel_score": _l("ghi điểm thống nhất của tiểu ban"),
    "judging.remove_judge": _l("bỏ giám khảo khỏi tiểu ban"),
    "judging.unassign": _l("bỏ phân công chấm"),
    "judging.reminder": _l("gửi thư nhắc giám khảo"),
    "judging.sheet_import": _l("nhập phiếu chấm của hồ sơ %(entry)s"),
    "judging.sheet_import_update": _l("cập nhật phiếu chấm của hồ sơ %(entry)s từ tệp"),
    "judging.sheet_reopen": _l("mở lại một phiếu chấm"),
    "judging.sheet_submit": _l("nộp phiếu chấm"),
    "results.decide": _l("quyết định giải cho một hồ sơ"),
    "results.withdraw": _l("thu hồi quyết định giải của một hồ sơ"),
    "certificates.generate": _l("tạo giấy chứng nhận"),
    "certificates.issue": _l("cấp giấy chứng nhận theo phiên bản %(version)s"),
    "national.include": _l("chọn hồ sơ gửi dự thi toàn quốc"),
    "national.exclude": _l("bỏ hồ sơ khỏi danh sách gửi dự thi toàn quốc"),
    "national.result": _l("ghi kết quả dự thi toàn quốc"),
    "national.import": _l("tiếp nhận sản phẩm do tỉnh gửi dự thi toàn quốc"),
    "national.mark": _l("đánh dấu lần thi toàn quốc"),
    "national.undo": _l("hoàn tác lựa chọn gửi dự thi toàn quốc"),
    "publication.complaint": _l("gửi khiếu nại"),
    "publication.complaint_answer": _l("trả lời khiếu nại"),
    "job.start": _l("bắt đầu một tác vụ nền"),
    "job.rerun_auto": _l("tự động chạy lại một tác vụ nền bị gián đoạn"),
    "job.stalled_failed": _l("dừng hẳn một tác vụ nền bị gián đoạn nhiều lần"),
    "area.create": _l("thêm địa bàn “%(name)s”"),
    "area.rename": _l("đổi tên một địa bàn"),
    "area.move": _l("chuyển một địa bàn"),
    "area.delete": _l("xoá một địa bàn"),
    "area.seed": _l("tạo tỉnh và các xã, phường theo danh mục chính thức"),
    "province.organizer_bind": _l("gắn %(email)s vào Ban Tổ chức của %(name)s"),
    "province.organizer_unbind": _l("gỡ %(email)s khỏi Ban Tổ chức của %(name)s"),
    "area_group.create": _l("lập nhóm điều phối “%(name)s”"),
    "area_group.update": _l("sửa một nhóm điều phối"),
    "area_group.members": _l("chọn các xã, phường, đơn vị của một nhóm điều phối"),
    "area_group.delete": _l("xoá một nhóm điều phối"),
    "area_group.coordinator": _l("giao điều phối một nhóm"),
    "area_group.coordinator_removed": _l("gỡ điều phối viên khỏi một nhóm"),
    "unit.create": _l("thêm đơn vị “%(name)s”"),
    "unit.update": _l("sửa thông tin một đơn vị"),
    "unit.delete": _l("xoá một đơn vị"),
    "user.register": _l("đăng ký tài khoản"),
    "user.create": _l("tạo tài khoản"),
    "user.update": _l("sửa tài khoản"),
    "user.invite": _l("mời một người dùng"),
    "user.invite_resend": _l("gửi lại lời mời"),
    "user.accept_invitation": _l("nhận lời mời và kích hoạt tài khoản"),
    "user.email_confirm": _l("xác nhận địa chỉ e-mail"),
    "user.expertise": _l("cập nhật lĩnh vực chuyên môn"),
    "user.password_change": _l("đổi mật khẩu"),
    "user.password_reset": _l("đặt lại mật khẩu"),
    "api.token_create": _l("tạo khoá truy cập API “%(name)s”"),
    "api.token_revoke": _l("thu hồi một khoá truy cập API"),
    "api.webhook_create": _l("đăng ký một địa chỉ nhận thông báo tự động (webhook)"),
    "backup.created": _l("sao lưu dữ liệu"),
    "backup.restored": _l("khôi phục dữ liệu từ bản sao lưu"),
    "user.two_factor_enable": _l("bật xác thực hai bước"),
    "user.two_factor_disable": _l("tắt xác thực hai bước"),
    "user.two_factor_recovery_codes": _l("tạo bộ mã khôi phục mới"),
    "user.two_factor_reset": _l("đặt lại xác thực hai bước của %(email)s"),
    "user.two_factor_policy": _l("đổi các vai trò bắt buộc xác thực hai bước"),
}
_OTHER = _l("thay đổi khác")


def _audit_values(details: dict) -> dict[str, Any]:
    """The placeholders of a phrase, from an entry's details."""
    n = details.get("created", 0) or 0
    if isinstance(n, int):
        n += details.get("updated", 0) or 0
    if "pairs" in details:
        n = len(details.get("pairs") or ())
    return {
        "n": count(n),
        "filename": details.get("filename") or "—",
        "version": details.get("version", ""),
        "criterion": details.get("criterion", ""),
        "subject": details.get("subject", ""),
        "recipients": count(details.get("recipients") or 0),
        "name": details.get("name", ""),
        "entry": details.get("entry", ""),
        "email": details.get("email") or "—",
    }


def audit_phrase(action: str, details: dict | None = None) -> str:
    """What ``action`` did, with its details, as a phrase ("nhập 120 phiếu chấm từ tệp
    diem.xlsx"); an action not named here is "thay đổi khác", never the dotted key."""
    phrase = AUDIT_PHRASES.get(action)
    if phrase is None:
        return str(_OTHER)
    try:
        return str(phrase) % _audit_values(details or {})
    except (KeyError, TypeError, ValueError):
        return str(phrase)


def audit_sentence(entry: AuditEntry) -> str:
    """The whole sentence of an audit entry: who did what ("Nguyễn Văn A công bố phiên bản
    2")."""
    return _(
        "%(actor)s %(what)s",
        actor=entry.actor_label,
        what=audit_phrase(entry.action, entry.details),
    )


def capitalized(text: str) -> str:
    """``text`` with its first letter upper-case (a phrase used as a heading)."""
    return text[:1].upper() + text[1:]


def register(app: Flask) -> None:
    """Register the filters and globals of this module on ``app``'s Jinja environment."""
    env = app.jinja_env
    env.filters["points"] = points
    env.filters["count"] = count
    env.filters["label"] = label
    env.filters["flag_label"] = flag_label
    env.filters["flags_label"] = flags_label
    env.filters["round_title"] = round_title
    env.filters["result_key"] = result_key
    env.globals["audit_sentence"] = audit_sentence
    env.globals["compile_summary"] = compile_summary
    env.globals["audit_phrase"] = audit_phrase
