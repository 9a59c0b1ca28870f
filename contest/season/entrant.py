"""Where an entrant's entry stands in the season, as the entrant reads it: submitted →
received → accepted → being judged → results posted until a date (complaints open) → final;
once results are published, the prize or "không đạt giải", a certificate per author and the
national selection. Read for several entries at once (a few queries per edition)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..certificates import operations as certificates
from ..contests import timeline
from ..contests.deadlines import deadline_for, edition_phase
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..national import selection as national
from ..publication import operations as pub
from ..publication.models import PublishedEntry
from ..timeutil import format_local, utcnow

DONE, NOW, LATER = "done", "now", "later"


@dataclass
class Step:
    """One step of the entry's way, and where the entry is on it."""

    label: str
    state: str


@dataclass
class Certificate:
    """A certificate the entrant may download: the author's name and the code."""

    author: str
    code: str


@dataclass
class Outlook:
    """What the entrant is told about one entry."""

    headline: str
    tone: str  # Bootstrap colour: info, success, secondary, warning, danger
    steps: list[Step] = field(default_factory=list)
    prize: str | None = None
    certificates: list[Certificate] = field(default_factory=list)
    national: str | None = None
    posting_until: datetime | None = None
    complaints_open: bool = False
    badge: str | None = None  # replaces the status badge once the entry is judged or ranked


def outlooks(entries, now: datetime | None = None) -> dict[int, Outlook]:
    """``{entry id: Outlook}`` for ``entries`` (Entry objects)."""
    now = now or utcnow()
    by_edition: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_edition[entry.edition_id].append(entry)
    out: dict[int, Outlook] = {}
    for group in by_edition.values():
        out.update(_edition_outlooks(group, now))
    return out


def _edition_outlooks(entries: list[Entry], now: datetime) -> dict[int, Outlook]:
    edition = entries[0].edition
    phase = timeline.phase(edition, now)
    publication = pub.latest_publication(edition)
    prizes: dict[int, str] = {}
    valid: dict[int, list[Certificate]] = defaultdict(list)
    selected: dict[int, str] = {}
    if publication is not None:
        ids = [e.id for e in entries]
        prizes = dict(
            db.session.execute(
                select(PublishedEntry.entry_id, PublishedEntry.prize_name).where(
                    PublishedEntry.publication_id == publication.id,
                    PublishedEntry.entry_id.in_(ids),
                )
            ).all()
        )
        if prizes:
            for cert in certificates.certificates_of(publication):
                if cert.entry_id in prizes:
                    valid[cert.entry_id].append(
                        Certificate(cert.author_name, certificates.format_code(cert.code))
                    )
            for item in national.selection(edition).items:
                entry_id = item.entry.entry_id
                if entry_id in prizes:
                    result = item.result.result if item.result is not None else None
                    selected[entry_id] = (
                        _("Được chọn gửi dự thi toàn quốc — kết quả: %(r)s", r=result)
                        if result
                        else _("Được chọn gửi dự thi toàn quốc.")
                    )
    state = pub.state(publication, now) if publication is not None else None
    out = {}
    for entry in entries:
        outlook = _outlook(entry, phase, publication, state, prizes, now)
        outlook.certificates = valid.get(entry.id, [])
        outlook.national = selected.get(entry.id)
        out[entry.id] = outlook
    return out


def _outlook(entry: Entry, phase, publication, state, prizes, now=None) -> Outlook:
    status = entry.status
    if status == EntryStatus.DRAFT.value:
        deadline = deadline_for(entry.edition, entry.area)
        if edition_phase(entry.edition, now, entry.area) != timeline.Phase.OPEN:
            return Outlook(_("Bản nháp chưa nộp: đã hết hạn nộp, không nộp được nữa."), "secondary")
        return Outlook(
            _("Bản nháp: hoàn tất và nộp trước %(at)s.", at=format_local(deadline)), "warning"
        )
    if status == EntryStatus.WITHDRAWN.value:
        return Outlook(_("Đã rút hồ sơ."), "secondary")
    if status == EntryStatus.REJECTED.value:
        return Outlook(_("Hồ sơ không được đưa vào chấm."), "danger")
    published = publication is not None and status == EntryStatus.ACCEPTED.value
    posting = published and state == pub.State.POSTING
    judged = published or phase.order >= timeline.Phase.REVIEW.order
    judging = phase.order >= timeline.Phase.JUDGING.order
    reached = {
        EntryStatus.SUBMITTED.value: 1,
        EntryStatus.RECEIVED.value: 2,
        EntryStatus.ACCEPTED.value: 3,
    }[status]
    labels = [
        _("Đã nộp"),
        _("Đã tiếp nhận"),
        _("Được đưa vào chấm"),
        _("Đang chấm"),
        _("Kết quả niêm yết")
        if not posting
        else _("Kết quả niêm yết đến %(at)s", at=format_local(publication.posting_ends_at)),
        _("Kết quả chính thức"),
    ]
    if published:
        position = 6 if not posting else 5
    elif reached == 3 and judging:
        position = 4
    else:
        position = reached
    steps = [Step(label, _step_state(i, position)) for i, label in enumerate(labels, start=1)]
    if published:
        prize = prizes.get(entry.id)
        headline = _("Đạt %(prize)s.", prize=prize) if prize else _("Không đạt giải.")
        if posting:
            headline += " " + _(
                "Kết quả đang niêm yết đến %(at)s.", at=format_local(publication.posting_ends_at)
            )
        return Outlook(
            headline,
            "success" if prize else "secondary",
            steps,
            badge=prize or _("Không đạt giải"),
            prize=prize,
            posting_until=publication.posting_ends_at if posting else None,
            complaints_open=posting,
        )
    if reached == 3:
        text = _("Đang chấm.") if judging and not judged else _("Được đưa vào chấm.")
        if judged:
            text = _("Đã chấm xong, Ban Tổ chức đang xét kết quả.")
        badge = _("Đang xét kết quả") if judged else _("Đang chấm") if judging else None
        return Outlook(text, "info", steps, badge=badge)
    if reached == 2:
        return Outlook(_("Ban Tổ chức đã tiếp nhận hồ sơ và đang kiểm tra."), "info", steps)
    return Outlook(_("Đã nộp, đang chờ Ban Tổ chức tiếp nhận."), "info", steps)


def _step_state(index: int, position: int) -> str:
    """Steps before ``position`` are done, the one at it is current (the last step, final
    results, is done once reached)."""
    if index < position or index == position == 6:
        return DONE
    return NOW if index == position else LATER
