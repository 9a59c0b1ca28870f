"""The edition cockpit: the season's stages in order — setup, open, intake, judging, review,
publication (posting), final, certificates, national selection, report, next edition — each
with its state, the counts that matter, every blocking problem (a sentence, and where it is
fixed) and the one next action.

States: ``done``, ``now`` (the stage in progress, nothing blocks it), ``blocked`` (in
progress or due, with a problem to fix), ``later``. :func:`cockpit` builds it once;
the organizers' page renders it and :func:`as_json` gives ``contest edition status --json``
the same content (the keys are documented in the README and are a contract).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..contests import timeline
from ..contests.models import Edition
from ..entries.models import EntryStatus
from ..publication import operations as pub
from ..timeutil import format_local, utcnow
from .facts import Facts, gather

Phase = timeline.Phase

DONE, NOW, BLOCKED, LATER = "done", "now", "blocked", "later"
STATE_LABELS = {
    DONE: _l("Đã xong"),
    NOW: _l("Đang diễn ra"),
    BLOCKED: _l("Cần xử lý"),
    LATER: _l("Chưa đến"),
}
STAGE_NAMES = {
    "setup": _l("Chuẩn bị: thể lệ, lĩnh vực, tiêu chí, giải"),
    "open": _l("Nhận hồ sơ"),
    "intake": _l("Hết hạn nộp: tiếp nhận và phân loại"),
    "judging": _l("Chấm điểm"),
    "review": _l("Xét kết quả"),
    "publication": _l("Công bố và niêm yết"),
    "final": _l("Kết quả chính thức"),
    "certificates": _l("Giấy chứng nhận"),
    "national": _l("Chọn hồ sơ dự thi toàn quốc"),
    "report": _l("Báo cáo tổng kết"),
    "next_edition": _l("Lần thi tiếp theo"),
}
COUNT_LABELS = {
    "fields": _l("Lĩnh vực"),
    "criteria": _l("Tiêu chí"),
    "prize_levels": _l("Mức giải"),
    "rounds": _l("Vòng chấm"),
    "drafts": _l("Bản nháp"),
    "submitted_total": _l("Hồ sơ đã nộp"),
    "submitted": _l("Đã nộp, chờ tiếp nhận"),
    "received": _l("Đã tiếp nhận, chờ phân loại"),
    "accepted": _l("Được đưa vào chấm"),
    "rejected": _l("Không được chấp nhận"),
    "withdrawn": _l("Đã rút"),
    "entries_in_round": _l("Hồ sơ trong vòng chấm"),
    "short_of_judges": _l("Hồ sơ chưa đủ giám khảo"),
    "sheets_submitted": _l("Phiếu đã nộp"),
    "sheets_needed": _l("Phiếu cần có"),
    "sheets_draft": _l("Phiếu còn nháp"),
    "run_number": _l("Lần tổng hợp mới nhất"),
    "problems": _l("Vấn đề chưa xử lý"),
    "version": _l("Phiên bản đang hiệu lực"),
    "winners": _l("Hồ sơ đạt giải"),
    "open_complaints": _l("Khiếu nại chưa trả lời"),
    "certificates_issued": _l("Giấy chứng nhận đã cấp"),
    "certificates_needed": _l("Giấy chứng nhận cần cấp"),
    "selected": _l("Hồ sơ được chọn"),
    "national_max": _l("Số hồ sơ tối đa"),
    "next_editions": _l("Lần thi tiếp theo đã tạo"),
}


@dataclass
class Problem:
    """Something that blocks a stage, as a sentence, and where it is fixed."""

    message: str
    url: str | None = None


@dataclass
class Action:
    """What to do next."""

    label: str
    url: str | None = None


@dataclass
class Stage:
    """One stage of the season."""

    key: str
    state: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action: Action | None = None
    until: datetime | None = None

    @property
    def name(self) -> str:
        return str(STAGE_NAMES[self.key])

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    def labelled_counts(self) -> list[tuple[str, int]]:
        """The counts with their labels, in order."""
        return [(str(COUNT_LABELS[k]), v) for k, v in self.counts.items()]


@dataclass
class Cockpit:
    """The season of one edition at ``now``."""

    edition: Edition
    now: datetime
    phase: timeline.Phase
    stages: list[Stage]

    @property
    def next_action(self) -> Action | None:
        """The one next action: that of the first stage blocked or in progress."""
        for stage in self.stages:
            if stage.state in (BLOCKED, NOW) and stage.action is not None:
                return stage.action
        return None

    @property
    def current(self) -> Stage | None:
        """The first stage blocked or in progress."""
        return next((s for s in self.stages if s.state in (BLOCKED, NOW)), None)


def cockpit(edition: Edition, now: datetime | None = None) -> Cockpit:
    """The cockpit of ``edition`` at ``now`` (needs a request context for the links)."""
    now = now or utcnow()
    facts = gather(edition, now)
    stages = [
        builder(facts)
        for builder in (
            _setup,
            _open,
            _intake,
            _judging,
            _review,
            _publication,
            _final,
            _certificates,
            _national,
            _report,
            _next_edition,
        )
    ]
    return Cockpit(edition, now, facts.phase, stages)


def as_json(view: Cockpit) -> dict[str, Any]:
    """The cockpit as plain JSON values (``contest edition status --json``)."""

    def action(a: Action | None):
        return None if a is None else {"label": a.label, "url": a.url}

    return {
        "edition": {
            "slug": view.edition.slug,
            "title": view.edition.title,
            "contest": view.edition.kind,
            "phase": view.phase.value,
            "phase_label": str(view.phase.label),
        },
        "generated_at": view.now.isoformat(),
        "current_stage": view.current.key if view.current else None,
        "next_action": action(view.next_action),
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "state": s.state,
                "state_label": s.state_label,
                "counts": dict(s.counts),
                "until": s.until.isoformat() if s.until else None,
                "problems": [{"message": p.message, "url": p.url} for p in s.problems],
                "notes": list(s.notes),
                "next_action": action(s.action),
            }
            for s in view.stages
        ],
    }


# --- helpers ----------------------------------------------------------------------------------


def _at_least(facts: Facts, phase: Phase) -> bool:
    return facts.phase.order >= phase.order


def _state(before: bool, during: bool, problems: list[Problem], finished: bool = True) -> str:
    """``later`` before the stage, ``now``/``blocked`` during it, ``done`` after it unless
    problems remain (``blocked``) or it is not ``finished``."""
    if before:
        return LATER
    if during or not finished:
        return BLOCKED if problems else NOW
    return BLOCKED if problems else DONE


def _codes(codes: list[str], limit: int = 20) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (_(" và %(n)d hồ sơ khác", n=len(codes) - limit) if len(codes) > limit else "")


def _edition_url(endpoint: str, facts: Facts, **values) -> str:
    return url_for(endpoint, slug=facts.edition.slug, **values)


def _entries_url(facts: Facts, status: str) -> str:
    return url_for("intake.index", edition=facts.edition.id, status=status)


# --- stages -----------------------------------------------------------------------------------


def _setup(facts: Facts) -> Stage:
    edition = facts.edition
    problems = []
    if not edition.fields:
        problems.append(
            Problem(_("Chưa có lĩnh vực dự thi."), _edition_url("editions.fields", facts))
        )
    if not edition.active_criteria:
        problems.append(
            Problem(_("Chưa có tiêu chí chấm điểm."), _edition_url("editions.criteria", facts))
        )
    if not edition.prizes:
        problems.append(Problem(_("Chưa có mức giải."), _edition_url("editions.prizes", facts)))
    if not edition.rounds:
        problems.append(Problem(_("Chưa có vòng chấm."), _edition_url("editions.rounds", facts)))
    stage = Stage(
        "setup",
        _state(False, facts.phase == Phase.DRAFT, problems),
        counts={
            "fields": len(edition.fields),
            "criteria": len(edition.active_criteria),
            "prize_levels": len(edition.prizes),
            "rounds": len(edition.rounds),
        },
        problems=problems,
    )
    if facts.phase == Phase.DRAFT:
        stage.action = Action(
            _("Hoàn tất thiết lập và đặt ngày mở nhận hồ sơ"),
            _edition_url("editions.general", facts),
        )
        if edition.opens_at is None:
            stage.notes.append(_("Chưa đặt ngày mở nhận hồ sơ: lần thi vẫn là bản nháp."))
    return stage


def _open(facts: Facts) -> Stage:
    stage = Stage(
        "open",
        _state(facts.phase == Phase.DRAFT, facts.phase == Phase.OPEN, []),
        counts={
            "drafts": facts.count(EntryStatus.DRAFT),
            "submitted_total": facts.count(
                EntryStatus.SUBMITTED,
                EntryStatus.RECEIVED,
                EntryStatus.ACCEPTED,
                EntryStatus.REJECTED,
                EntryStatus.WITHDRAWN,
            ),
        },
        until=facts.edition.submission_deadline,
    )
    if facts.phase == Phase.OPEN:
        stage.action = Action(
            _("Theo dõi hồ sơ đang nộp"), url_for("intake.dashboard", edition=facts.edition.id)
        )
    return stage


def _intake(facts: Facts) -> Stage:
    submitted = facts.count(EntryStatus.SUBMITTED)
    received = facts.count(EntryStatus.RECEIVED)
    problems = []
    closed = _at_least(facts, Phase.CLOSED)
    if closed and submitted and not _at_least(facts, Phase.PUBLISHED):
        problems.append(
            Problem(
                _(
                    "%(n)d hồ sơ đã nộp nhưng chưa được tiếp nhận: chưa được đưa vào chấm.",
                    n=submitted,
                ),
                _entries_url(facts, EntryStatus.SUBMITTED.value),
            )
        )
    if closed and received and not _at_least(facts, Phase.PUBLISHED):
        problems.append(
            Problem(
                _(
                    "%(n)d hồ sơ đã tiếp nhận nhưng chưa được chấp nhận hay từ chối.",
                    n=received,
                ),
                _entries_url(facts, EntryStatus.RECEIVED.value),
            )
        )
    stage = Stage(
        "intake",
        _state(not closed, facts.phase == Phase.CLOSED, problems),
        counts={
            "submitted": submitted,
            "received": received,
            "accepted": facts.count(EntryStatus.ACCEPTED),
            "rejected": facts.count(EntryStatus.REJECTED),
            "withdrawn": facts.count(EntryStatus.WITHDRAWN),
        },
        problems=problems,
    )
    if problems:
        stage.action = Action(_("Tiếp nhận và phân loại hồ sơ"), problems[0].url)
    return stage


def _judging(facts: Facts) -> Stage:
    j = facts.judging
    edition = facts.edition
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    prepared = _at_least(facts, Phase.CLOSED)
    finished = _at_least(facts, Phase.REVIEW)
    published = _at_least(facts, Phase.PUBLISHED)
    if j is not None:
        counts = {
            "entries_in_round": len(j.entry_ids),
            "short_of_judges": len(j.short_of_judges),
            "sheets_submitted": j.sheets_submitted,
            "sheets_needed": j.sheets_needed,
            "sheets_draft": j.sheets_draft,
        }
    if prepared and not published:
        if edition.judging_starts_at is None and not (j is not None and j.sheets_any):
            problems.append(
                Problem(
                    _("Chưa đặt thời gian chấm (ngày bắt đầu và kết thúc)."),
                    _edition_url("editions.general", facts),
                )
            )
        if j is not None:
            for name in j.fields_without_judges:
                problems.append(
                    Problem(
                        _("Lĩnh vực “%(field)s” chưa có giám khảo.", field=name),
                        _edition_url("judging.panels", facts),
                    )
                )
            if finished:
                problems += _unfinished_sheets(facts)
            if j.short_of_judges:
                problems.append(
                    Problem(
                        _(
                            "%(n)d hồ sơ chưa đủ %(k)d giám khảo: %(codes)s.",
                            n=len(j.short_of_judges),
                            k=edition.judges_per_entry,
                            codes=_codes(j.short_of_judges),
                        ),
                        _edition_url("judging.assignment", facts),
                    )
                )
    stage = Stage(
        "judging",
        _state(not prepared, facts.phase in (Phase.CLOSED, Phase.JUDGING), problems),
        counts=counts,
        problems=problems,
        until=edition.judging_ends_at,
    )
    if facts.phase == Phase.JUDGING and edition.judging_starts_at is not None:
        stage.notes.append(
            _("Đang trong thời gian chấm, đến %(at)s.", at=format_local(edition.judging_ends_at))
            if edition.judging_ends_at
            else _("Đang trong thời gian chấm (chưa đặt ngày kết thúc).")
        )
    elif facts.phase == Phase.CLOSED and edition.judging_starts_at is not None:
        stage.notes.append(
            _("Thời gian chấm bắt đầu lúc %(at)s.", at=format_local(edition.judging_starts_at))
        )
    if problems:
        stage.action = Action(problems[0].message, problems[0].url)
    elif facts.phase in (Phase.CLOSED, Phase.JUDGING):
        stage.action = Action(
            _("Theo dõi tiến độ chấm"), _edition_url("judging.progress_page", facts)
        )
    return stage


def _unfinished_sheets(facts: Facts) -> list[Problem]:
    j = facts.judging
    assert j is not None  # asked only once judging has facts
    out = []
    url = _edition_url("judging.progress_page", facts)
    if j.incomplete:
        listed = [_("%(code)s (thiếu %(n)d)", code=code, n=n) for code, n in j.incomplete]
        out.append(
            Problem(
                _(
                    "%(n)d hồ sơ chưa đủ phiếu chấm đã nộp: %(codes)s.",
                    n=len(j.incomplete),
                    codes=_codes(listed),
                ),
                url,
            )
        )
    if j.with_drafts:
        listed = [_("%(code)s (%(n)d phiếu)", code=code, n=n) for code, n in j.with_drafts]
        out.append(
            Problem(
                _(
                    "%(n)d hồ sơ còn phiếu chấm nháp chưa nộp: %(codes)s.",
                    n=len(j.with_drafts),
                    codes=_codes(listed),
                ),
                url,
            )
        )
    return out


def _review(facts: Facts) -> Stage:
    published = facts.publication is not None
    due = _at_least(facts, Phase.REVIEW) or facts.run is not None
    problems = []
    if facts.run is not None and not published:
        for blocker in facts.blockers:
            if blocker.flag in pub.BLOCKING_FLAGS:
                url = url_for(
                    "results.review",
                    slug=facts.edition.slug,
                    round=facts.run.round.code,
                    flag=blocker.flag,
                )
            elif blocker.flag == pub.JUDGING_OPEN:
                url = _edition_url("editions.general", facts)
            else:
                url = _edition_url("judging.progress_page", facts)
            problems.append(Problem(blocker.sentence, url))
    counts = {"run_number": facts.run.number if facts.run else 0, "problems": len(problems)}
    stage = Stage(
        "review",
        _state(not due, not published, problems),
        counts=counts,
        problems=problems,
    )
    if not published and due:
        if facts.run is None:
            stage.action = Action(
                _("Tổng hợp kết quả vòng cuối"), _edition_url("results.review", facts)
            )
        elif problems:
            stage.action = Action(problems[0].message, problems[0].url)
        else:
            stage.action = Action(_("Công bố kết quả"), _edition_url("publication.edition", facts))
    return stage


def _publication(facts: Facts) -> Stage:
    publication = facts.publication
    if publication is None:
        return Stage("publication", LATER)
    posting = facts.publication_state == pub.State.POSTING
    problems = []
    if facts.open_complaints:
        problems.append(
            Problem(
                _("%(n)d khiếu nại chưa được trả lời.", n=facts.open_complaints),
                _edition_url("publication.complaints", facts),
            )
        )
    stage = Stage(
        "publication",
        _state(False, posting, problems),
        counts={
            "version": publication.version,
            "winners": publication.entry_count,
            "open_complaints": facts.open_complaints,
        },
        problems=problems,
        until=publication.posting_ends_at if posting else None,
    )
    if publication.override_reason:
        stage.notes.append(
            _(
                "Phiên bản %(n)d được công bố khi còn vấn đề chưa xử lý, với lý do: %(reason)s",
                n=publication.version,
                reason=publication.override_reason,
            )
        )
    if facts.run is not None and publication.run_id != facts.run.id:
        stage.notes.append(_("Có lần tổng hợp mới chưa công bố."))
    if problems:
        stage.action = Action(problems[0].message, problems[0].url)
    elif posting:
        stage.action = Action(
            _("Theo dõi niêm yết đến %(at)s", at=format_local(publication.posting_ends_at)),
            _edition_url("publication.edition", facts),
        )
    return stage


def _final(facts: Facts) -> Stage:
    if facts.publication_state != pub.State.FINAL:
        return Stage("final", LATER)
    assert facts.publication is not None  # a FINAL state is a publication's
    return Stage("final", DONE, counts={"winners": facts.publication.entry_count})


def _certificates(facts: Facts) -> Stage:
    if facts.publication is None:
        return Stage("certificates", LATER)
    missing = facts.certificate_slots - facts.certificates_valid
    stage = Stage(
        "certificates",
        DONE if missing <= 0 else NOW,
        counts={
            "certificates_issued": facts.certificates_valid,
            "certificates_needed": facts.certificate_slots,
        },
    )
    if missing > 0:
        stage.action = Action(
            _("Cấp %(n)d giấy chứng nhận còn thiếu", n=missing),
            _edition_url("certificates.edition", facts),
        )
    return stage


def _national(facts: Facts) -> Stage:
    selection = facts.selection
    if selection is None:
        return Stage("national", LATER)
    if selection.national_max is None:
        stage = Stage("national", DONE, counts={"selected": 0})
        stage.notes.append(_("Lần thi không đặt số hồ sơ gửi dự thi toàn quốc."))
        return stage
    stage = Stage(
        "national",
        DONE if facts.dossier_done else NOW,
        counts={"selected": len(selection.items), "national_max": selection.national_max},
    )
    if not facts.dossier_done:
        stage.action = Action(
            _("Chọn hồ sơ và lập hồ sơ gửi dự thi toàn quốc"),
            _edition_url("national.edition", facts),
        )
    return stage


def _report(facts: Facts) -> Stage:
    if facts.publication is None:
        return Stage("report", LATER)
    stage = Stage("report", DONE if facts.report_done else NOW)
    if not facts.report_done:
        stage.action = Action(_("Lập báo cáo tổng kết"), _edition_url("statistics.edition", facts))
    return stage


def _next_edition(facts: Facts) -> Stage:
    counts = {"next_editions": len(facts.successors)}
    if facts.successors:
        stage = Stage("next_edition", DONE, counts=counts)
        stage.notes += [s.title for s in facts.successors]
        return stage
    if facts.publication_state != pub.State.FINAL:
        return Stage("next_edition", LATER, counts=counts)
    return Stage(
        "next_edition",
        NOW,
        counts=counts,
        action=Action(
            _("Khởi động lần thi tiếp theo từ lần thi này"),
            _edition_url("editions.clone", facts),
        ),
    )
