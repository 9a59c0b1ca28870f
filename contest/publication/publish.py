"""Publishing results: gating, immutable numbered versions, posting period state, differences
(RULES §6).

``publish(edition, actor, …)`` publishes the latest results run of the edition's LAST round as
version n + 1: a snapshot (``PublishedEntry``) of every entry with an effective prize (the
organizers' decisions applied over the computed proposal), in the order of the public list
(field, prize level, rank, code).

Official results are never published while judging is unfinished (RULES §6). It is refused,
unless ``override_reason`` is given, while any of these remains (:func:`blockers`):

* the judging window is still open;
* an accepted entry of the round has fewer submitted sheets than ``judges_per_entry``
  (INCOMPLETE), counted from the sheets as they are now — also when the run is older than the
  last submitted sheet;
* a sheet of the round is still a draft;
* an unresolved DISCREPANCY or TIE_AT_QUOTA flag of the run: an entry's flag is resolved by an
  active prize decision for that entry, a DISCREPANCY also by a panel score (PANEL_SCORE, RULES
  §5.2), and a TIE_AT_QUOTA block (same ranking group, same score) by a decision for any entry
  of the block.

The refusal names every entry by code and what it lacks. Version 1 needs no note; a correction
(n ≥ 2)
needs one and must change something. The previous version is marked superseded (it stays
readable, with the differences). Everything is flushed, audited, and the after-publish hooks
run; the caller commits once.

A version's state (``state``): ``superseded`` when a later version exists, else ``posting``
until ``posting_ends_at`` (niêm yết; complaints may be lodged), else ``final``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import case, event, func, select
from sqlalchemy.orm import selectinload

from ..audit.operations import record
from ..contests import timeline
from ..contests.models import Edition
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..judging.models import ScoreSheet, SheetStatus
from ..results.compile import latest_run
from ..results.config_from_edition import ordered_rounds
from ..results.decisions import active_decisions, effective
from ..results.flags import Flag
from ..results.models import ResultRow, ResultsRun
from ..timeutil import format_local, utcnow
from . import hooks
from .models import Publication, PublishedEntry

BLOCKING_FLAGS = Flag.blocking()
# Gates checked on the live data, on top of the run's flags.
JUDGING_OPEN = "JUDGING_OPEN"
INCOMPLETE = Flag.INCOMPLETE
DRAFT_SHEETS = "DRAFT_SHEETS"
DEFAULT_POSTING_DAYS = 15
MAX_POSTING_DAYS = 90


class PublishError(Exception):
    """Publishing is refused; ``message`` says why (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class State(StrEnum):
    POSTING = "posting"
    FINAL = "final"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Blocker:
    """One reason publication is refused: an entry's unresolved flag or unfinished judging
    (``entry_id`` None for the edition-wide JUDGING_OPEN). ``count``: the sheets an INCOMPLETE
    entry lacks (0: it has them now, but the results were compiled before), or its draft
    sheets; ``until``: the end of the judging window."""

    entry_id: int | None
    entry_code: str
    flag: str
    count: int = 0
    until: datetime | None = None

    @property
    def sentence(self) -> str:
        """The problem as the organizer reads it."""
        return blocker_sentence(self)


def blocker_sentence(blocker: Blocker) -> str:
    """One blocker as a sentence naming the entry."""
    code = blocker.entry_code
    if blocker.flag == JUDGING_OPEN:
        if blocker.until is None:
            return _("Thời gian chấm chưa kết thúc (chưa đặt ngày kết thúc chấm).")
        return _("Thời gian chấm chưa kết thúc (đến %(at)s).", at=format_local(blocker.until))
    if blocker.flag == INCOMPLETE:
        if blocker.count:
            return _(
                "%(code)s: chưa đủ phiếu chấm, còn thiếu %(n)d phiếu đã nộp.",
                code=code,
                n=blocker.count,
            )
        return _("%(code)s: đã đủ phiếu chấm nhưng kết quả chưa được tổng hợp lại.", code=code)
    if blocker.flag == DRAFT_SHEETS:
        return _("%(code)s: còn %(n)d phiếu chấm chưa nộp (bản nháp).", code=code, n=blocker.count)
    if blocker.flag == Flag.DISCREPANCY:
        return _("%(code)s: chênh lệch điểm giữa các giám khảo chưa được xử lý.", code=code)
    return _("%(code)s: đồng hạng ở giới hạn số giải chưa được quyết định.", code=code)


@dataclass(frozen=True)
class Difference:
    """What changed for one entry between two versions (``before``/``after`` None: added or
    removed)."""

    entry_code: str
    title: str
    before: PublishedEntry | None
    after: PublishedEntry | None
    changes: tuple[str, ...]  # names of the changed attributes (see DIFF_ATTRIBUTES)


DIFF_ATTRIBUTES = (
    "prize_name",
    "title",
    "authors",
    "unit_name",
    "area_name",
    "field_name",
    "score",
)


# ---------------------------------------------------------------- reading


def publications(edition: Edition) -> list[Publication]:
    """Every version of ``edition``, newest first."""
    return list(
        db.session.scalars(
            select(Publication)
            .where(Publication.edition_id == edition.id)
            .order_by(Publication.version.desc())
        )
    )


def latest_publication(edition: Edition) -> Publication | None:
    """The newest version of ``edition`` (the one in force), if any."""
    return db.session.scalar(
        select(Publication)
        .where(Publication.edition_id == edition.id)
        .order_by(Publication.version.desc())
        .limit(1)
    )


def state(publication: Publication, now: datetime | None = None) -> State:
    """The version's state at ``now`` (module docstring)."""
    if publication.superseded_at is not None:
        return State.SUPERSEDED
    now = now or utcnow()
    if publication.posting_ends_at is not None and now < publication.posting_ends_at:
        return State.POSTING
    return State.FINAL


def last_round_run(edition: Edition) -> ResultsRun | None:
    """The latest run of the edition's last round (what ``publish`` would publish)."""
    rounds = ordered_rounds(edition)
    return latest_run(rounds[-1]) if rounds else None


# ---------------------------------------------------------------- gating


def blockers(edition: Edition, run: ResultsRun, now: datetime | None = None) -> list[Blocker]:
    """Everything that stops publishing ``run`` at ``now`` (module docstring): the open
    judging window first, then per entry in the run's order its unfinished sheets and its
    unresolved flags."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(ResultRow).where(ResultRow.run_id == run.id).order_by(ResultRow.position)
    ).all()
    out: list[Blocker] = []
    if timeline.phase(edition, now) == timeline.Phase.JUDGING:
        out.append(Blocker(None, "", JUDGING_OPEN, until=edition.judging_ends_at))
    out += _unfinished_judging(edition, run, rows)
    out += _unresolved_flags(run, rows)
    return out


def _unfinished_judging(edition: Edition, run: ResultsRun, rows) -> list[Blocker]:
    """INCOMPLETE and DRAFT_SHEETS of the run's entries still accepted, from the sheets as
    they are now (one grouped query)."""
    submitted = func.sum(case((ScoreSheet.status == SheetStatus.SUBMITTED.value, 1), else_=0))
    drafts = func.sum(case((ScoreSheet.status == SheetStatus.DRAFT.value, 1), else_=0))
    counts = {
        entry_id: (int(n_submitted or 0), int(n_drafts or 0))
        for entry_id, n_submitted, n_drafts in db.session.execute(
            select(ScoreSheet.entry_id, submitted, drafts)
            .where(ScoreSheet.round_id == run.round_id)
            .group_by(ScoreSheet.entry_id)
        )
    }
    accepted = set(
        db.session.scalars(
            select(Entry.id).where(
                Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED.value
            )
        )
    )
    needed = edition.judges_per_entry or 0
    out = []
    for row in rows:
        if row.entry_id not in accepted:
            continue
        n_submitted, n_drafts = counts.get(row.entry_id, (0, 0))
        if n_submitted < needed:
            out.append(Blocker(row.entry_id, row.entry_code, INCOMPLETE, needed - n_submitted))
        elif INCOMPLETE in row.flag_list:
            out.append(Blocker(row.entry_id, row.entry_code, INCOMPLETE, 0))
        if n_drafts:
            out.append(Blocker(row.entry_id, row.entry_code, DRAFT_SHEETS, n_drafts))
    return out


def refusal_message(found: list[Blocker]) -> str:
    """Why publishing is refused: every blocker, one per line."""
    lines = [
        _(
            "Chưa thể công bố: còn %(count)d vấn đề chưa xử lý. Hãy xử lý, hoặc ghi lý do để "
            "vẫn công bố.",
            count=len(found),
        )
    ]
    lines += [f"- {b.sentence}" for b in found]
    return "\n".join(lines)


def _unresolved_flags(run: ResultsRun, rows) -> list[Blocker]:
    """The run's DISCREPANCY / TIE_AT_QUOTA flags not resolved by a decision."""
    decisions = active_decisions(run.round)
    decided_blocks = {
        (r.group_key, r.score)
        for r in rows
        if Flag.TIE_AT_QUOTA in r.flag_list and r.entry_id in decisions
    }
    out = []
    for row in rows:
        for flag in BLOCKING_FLAGS:
            if flag not in row.flag_list or row.entry_id in decisions:
                continue
            if flag == Flag.DISCREPANCY and Flag.PANEL_SCORE in row.flag_list:
                continue  # the panel reviewed it and gave its score
            if flag == Flag.TIE_AT_QUOTA and (row.group_key, row.score) in decided_blocks:
                continue
            out.append(Blocker(row.entry_id, row.entry_code, flag))
    return out


# ---------------------------------------------------------------- snapshot


def snapshot(edition: Edition, run: ResultsRun) -> list[dict]:
    """The winners of ``run`` with the decisions applied, as ``PublishedEntry`` values, in the
    public order (field, prize level, rank, code); ``position`` numbered from 0."""
    decisions = active_decisions(run.round)
    levels = sorted(edition.prizes, key=lambda p: (p.position, p.id))
    level_at = {p.code: i for i, p in enumerate(levels)}
    level_name = {p.code: p.name for p in levels}
    fields = sorted(edition.fields, key=lambda f: (f.position, f.id))
    field_at = {f.code: i for i, f in enumerate(fields)}
    field_name = {f.code: f.name for f in fields}
    board_name = {b.code: b.name for b in edition.boards}
    pairs = db.session.execute(
        select(ResultRow, Entry)
        .join(Entry, Entry.id == ResultRow.entry_id)
        .where(ResultRow.run_id == run.id)
        .options(selectinload(Entry.authors), selectinload(Entry.unit), selectinload(Entry.area))
    ).all()
    out = []
    for row, entry in pairs:
        eff = effective(row, decisions.get(row.entry_id))
        if not eff.prize:
            continue
        out.append(
            {
                "entry_id": entry.id,
                "entry_code": row.entry_code,
                "title": entry.title,
                "field_code": row.field_code,
                "field_name": field_name.get(row.field_code, row.field_code),
                "board_code": row.board_code,
                "board_name": board_name.get(row.board_code, "") if row.board_code else "",
                "prize_code": eff.prize,
                "prize_name": level_name.get(eff.prize, eff.prize),
                "prize_position": level_at.get(eff.prize, len(levels)),
                "decided": eff.decided,
                "score": row.score,
                "rank": row.rank,
                "authors": [a.full_name for a in sorted(entry.authors, key=lambda a: a.position)],
                "unit_name": entry.unit_label or "",
                "area_name": entry.area_label or "",  # the name the edition ran with
            }
        )
    out.sort(
        key=lambda v: (
            field_at.get(v["field_code"], len(fields)),
            v["board_code"] or "",
            v["prize_position"],
            v["rank"] if v["rank"] is not None else 10**9,
            v["entry_code"],
        )
    )
    for position, values in enumerate(out):
        values["position"] = position
    return out


def _comparable(values: dict) -> tuple:
    return tuple(
        (k, tuple(v) if isinstance(v, list) else v)
        for k, v in sorted(values.items())
        if k != "position"
    )


def unchanged(previous: Publication, values: list[dict]) -> bool:
    """True when ``values`` (a ``snapshot``) equals ``previous``'s list: a correction would be
    refused (the same comparison as ``publish``)."""
    old = [_comparable(_entry_values(e)) for e in previous.entries]
    return old == [_comparable(v) for v in values]


# ---------------------------------------------------------------- publishing


def publish(
    edition: Edition,
    actor,
    *,
    posting_days: int = DEFAULT_POSTING_DAYS,
    note: str = "",
    override_reason: str = "",
    now: datetime | None = None,
) -> Publication:
    """Publish the latest run of the last round as the next version (module docstring)."""
    now = now or utcnow()
    note, override_reason = (note or "").strip(), (override_reason or "").strip()
    if not isinstance(posting_days, int) or not 0 <= posting_days <= MAX_POSTING_DAYS:
        raise PublishError(_("Số ngày niêm yết phải từ 0 đến %(max)d.", max=MAX_POSTING_DAYS))
    run = last_round_run(edition)
    if run is None:
        raise PublishError(_("Vòng chung khảo chưa được tổng hợp kết quả."))
    found = blockers(edition, run, now)
    if found and not override_reason:
        raise PublishError(refusal_message(found))
    previous = latest_publication(edition)
    values = snapshot(edition, run)
    if previous is not None:
        if not note:
            raise PublishError(_("Hãy ghi lý do đính chính (phiên bản mới thay thế bản cũ)."))
        old = [_comparable(_entry_values(e)) for e in previous.entries]
        if old == [_comparable(v) for v in values]:
            raise PublishError(_("Danh sách đạt giải không thay đổi so với bản đã công bố."))
    publication = Publication(
        edition_id=edition.id,
        round_id=run.round_id,
        run_id=run.id,
        version=(previous.version + 1) if previous else 1,
        note=note,
        override_reason=override_reason if found else "",
        posting_days=posting_days,
        published_at=now,
        posting_ends_at=now + timedelta(days=posting_days) if posting_days else None,
        finalized_at=None if posting_days else now,
        published_by_id=getattr(actor, "id", None),
        entry_count=len(values),
    )
    db.session.add(publication)
    db.session.flush()
    db.session.add_all(PublishedEntry(publication_id=publication.id, **v) for v in values)
    if previous is not None:
        previous.superseded_at = now
    if edition.published_at is None or edition.published_at > now:
        edition.published_at = now
    db.session.flush()
    record(
        actor,
        "publication.publish",
        "edition",
        edition.id,
        edition=edition.slug,
        version=publication.version,
        run=run.number,
        winners=len(values),
        posting_days=posting_days,
        note=note,
        override_reason=publication.override_reason,
        overridden=[f"{b.entry_code} {b.flag}".strip() for b in found],
    )
    hooks.run_after_publish(publication, previous, actor)
    return publication


def _entry_values(entry: PublishedEntry) -> dict:
    return {
        "entry_id": entry.entry_id,
        "entry_code": entry.entry_code,
        "title": entry.title,
        "field_code": entry.field_code,
        "field_name": entry.field_name,
        "board_code": entry.board_code,
        "board_name": entry.board_name,
        "prize_code": entry.prize_code,
        "prize_name": entry.prize_name,
        "prize_position": entry.prize_position,
        "decided": entry.decided,
        "score": Decimal(entry.score) if entry.score is not None else None,
        "rank": entry.rank,
        "authors": list(entry.authors or []),
        "unit_name": entry.unit_name,
        "area_name": entry.area_name,
    }


def finalize_due(now: datetime | None = None) -> int:
    """Set ``finalized_at`` on versions whose posting period has ended (the state does not
    depend on it; it records when the result became final). Returns how many; flushes."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Publication).where(
            Publication.finalized_at.is_(None),
            Publication.superseded_at.is_(None),
            Publication.posting_ends_at <= now,
        )
    ).all()
    for publication in due:
        publication.finalized_at = publication.posting_ends_at
    db.session.flush()
    return len(due)


# ---------------------------------------------------------------- differences


def differences(old: Publication, new: Publication) -> list[Difference]:
    """Entries added, removed or changed from ``old`` to ``new``, in ``new``'s order (removed
    entries last, in ``old``'s order)."""
    before = {e.entry_id: e for e in old.entries}
    after = {e.entry_id: e for e in new.entries}
    out = []
    for entry in new.entries:
        prev = before.get(entry.entry_id)
        if prev is None:
            out.append(Difference(entry.entry_code, entry.title, None, entry, ()))
            continue
        changed = tuple(a for a in DIFF_ATTRIBUTES if getattr(prev, a) != getattr(entry, a))
        if changed:
            out.append(Difference(entry.entry_code, entry.title, prev, entry, changed))
    for entry in old.entries:
        if entry.entry_id not in after:
            out.append(Difference(entry.entry_code, entry.title, entry, None, ()))
    return out


@event.listens_for(PublishedEntry, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    """A published version is immutable: a correction is a new version."""
    raise RuntimeError("PublishedEntry rows are immutable")
