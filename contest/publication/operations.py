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
  last submitted sheet, or does not list the entry (accepted after the compile);
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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Subquery, and_, case, event, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..audit.actor import Actor
from ..audit.operations import record
from ..contests import timeline
from ..contests.models import Edition
from ..entries.models import Entry, EntryStatus
from ..errors import UserError
from ..extensions import db
from ..judging.models import ScoreSheet, SheetStatus
from ..judging.totals import member_condition
from ..results.compile import latest_run
from ..results.config_from_edition import ordered_rounds
from ..results.decisions import active_decisions, effective
from ..results.flags import Flag, has_flag
from ..results.models import ResultRow, ResultsRun
from ..results.models_decisions import PrizeDecision
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


class PublishError(UserError):
    """Publishing is refused; ``message`` says why (translated)."""


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


@dataclass(frozen=True)
class Blockers:
    """What stops publishing: ``count`` blockers in all, and ``shown``, the first of them in
    :func:`blockers`' order (all of them when no limit was asked)."""

    count: int
    shown: list[Blocker]

    @property
    def hidden(self) -> int:
        """How many are not in ``shown``."""
        return self.count - len(self.shown)


def blockers(edition: Edition, run: ResultsRun, now: datetime | None = None) -> list[Blocker]:
    """Everything that stops publishing ``run`` at ``now`` (module docstring): the open
    judging window first, then per entry in the run's order its unfinished sheets (then the
    entries of the round the run does not list, by code), then per entry in the run's order
    its unresolved flags."""
    return find_blockers(edition, run, now).shown


def find_blockers(
    edition: Edition, run: ResultsRun, now: datetime | None = None, limit: int | None = None
) -> Blockers:
    """The blockers of :func:`blockers`, counted in SQL, with only the first ``limit`` of them
    built (None: all). Set-based: two statements whatever the number of entries —
    the run's rows that block, with the totals, and the round's entries the run does not
    list — and no row that blocks nothing reaches Python."""
    now = now or utcnow()
    out: list[Blocker] = []
    if timeline.phase(edition, now) == timeline.Phase.JUDGING:
        out.append(Blocker(None, "", JUDGING_OPEN, until=edition.judging_ends_at))
    needed = edition.judges_per_entry or 0
    fetch = None if limit is None else max(limit, 1)  # at least one row: it carries the totals
    rows, unfinished_total, flags_total = _blocking_rows(edition, run, needed, fetch)
    late, late_total = _late_entries(edition, run, fetch)
    for row in rows:
        if row.incomplete:
            out.append(
                Blocker(
                    row.entry_id, row.entry_code, INCOMPLETE, max(needed - int(row.submitted), 0)
                )
            )
        if row.draft:
            out.append(Blocker(row.entry_id, row.entry_code, DRAFT_SHEETS, int(row.drafts)))
    for entry_id, code, submitted, drafts in late:
        code = code or f"#{entry_id}"
        out.append(Blocker(entry_id, code, INCOMPLETE, max(needed - submitted, 0)))
        if drafts:
            out.append(Blocker(entry_id, code, DRAFT_SHEETS, drafts))
    for row in rows:
        if row.discrepancy:
            out.append(Blocker(row.entry_id, row.entry_code, Flag.DISCREPANCY))
        if row.tie:
            out.append(Blocker(row.entry_id, row.entry_code, Flag.TIE_AT_QUOTA))
    count = (1 if out and out[0].flag == JUDGING_OPEN else 0) + unfinished_total
    count += late_total + flags_total
    return Blockers(count, out if limit is None else out[:limit])


def _sheet_counts(round_id: int) -> Subquery:
    """Per entry of the round: its submitted and draft sheets (a grouped subquery)."""
    return (
        select(
            ScoreSheet.entry_id.label("entry_id"),
            func.sum(case((ScoreSheet.status == SheetStatus.SUBMITTED.value, 1), else_=0)).label(
                "submitted"
            ),
            func.sum(case((ScoreSheet.status == SheetStatus.DRAFT.value, 1), else_=0)).label(
                "drafts"
            ),
        )
        .where(ScoreSheet.round_id == round_id)
        .group_by(ScoreSheet.entry_id)
        .subquery()
    )


def _blocking_rows(
    edition: Edition, run: ResultsRun, needed: int, limit: int | None
) -> tuple[Sequence[Any], int, int]:
    """The run's rows that block, in the run's order, each with what it blocks on (0/1 per
    blocker kind), and the totals: unfinished judging (INCOMPLETE, DRAFT_SHEETS — entries
    still accepted, from the sheets as they are now) and unresolved flags (DISCREPANCY,
    TIE_AT_QUOTA — see the module docstring). With ``limit``: only the rows that give one of
    the first ``limit`` blockers of each of the two kinds."""
    counts = _sheet_counts(run.round_id)
    decided = select(PrizeDecision.entry_id).where(
        PrizeDecision.round_id == run.round_id, PrizeDecision.superseded_at.is_(None)
    )
    other = aliased(ResultRow)
    decided_block = exists().where(
        other.run_id == run.id,
        has_flag(other.flags, Flag.TIE_AT_QUOTA.value),
        other.entry_id.in_(decided),
        other.group_key == ResultRow.group_key,
        other.score.is_not_distinct_from(ResultRow.score),
    )
    accepted = Entry.id.is_not(None)
    submitted = func.coalesce(counts.c.submitted, 0)
    drafts = func.coalesce(counts.c.drafts, 0)
    not_decided = ResultRow.entry_id.not_in(decided)

    def one(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return case((condition, 1), else_=0)

    incomplete = one(
        and_(
            accepted,
            or_(submitted < needed, has_flag(ResultRow.flags, Flag.INCOMPLETE.value)),
        )
    )
    draft = one(and_(accepted, drafts > 0))
    discrepancy = one(
        and_(
            has_flag(ResultRow.flags, Flag.DISCREPANCY.value),
            not_decided,
            ~has_flag(ResultRow.flags, Flag.PANEL_SCORE.value),
        )
    )
    tie = one(and_(has_flag(ResultRow.flags, Flag.TIE_AT_QUOTA.value), not_decided, ~decided_block))
    per_row = (
        select(
            ResultRow.position.label("position"),
            ResultRow.entry_id.label("entry_id"),
            ResultRow.entry_code.label("entry_code"),
            submitted.label("submitted"),
            drafts.label("drafts"),
            incomplete.label("incomplete"),
            draft.label("draft"),
            discrepancy.label("discrepancy"),
            tie.label("tie"),
        )
        .outerjoin(
            Entry,
            and_(
                Entry.id == ResultRow.entry_id,
                Entry.edition_id == edition.id,
                Entry.status == EntryStatus.ACCEPTED.value,
            ),
        )
        .outerjoin(counts, counts.c.entry_id == ResultRow.entry_id)
        .where(ResultRow.run_id == run.id)
        .subquery()
    )
    unfinished = per_row.c.incomplete + per_row.c.draft
    flagged = per_row.c.discrepancy + per_row.c.tie
    blocking = (
        select(
            per_row,
            func.sum(unfinished).over().label("unfinished_total"),
            func.sum(flagged).over().label("flags_total"),
            (
                func.sum(unfinished).over(order_by=per_row.c.position, rows=(None, 0)) - unfinished
            ).label("unfinished_before"),
            (func.sum(flagged).over(order_by=per_row.c.position, rows=(None, 0)) - flagged).label(
                "flags_before"
            ),
        )
        .where(unfinished + flagged > 0)
        .subquery()
    )
    stmt = select(blocking).order_by(blocking.c.position)
    if limit is not None:
        stmt = stmt.where(
            or_(
                and_(
                    blocking.c.incomplete + blocking.c.draft > 0,
                    blocking.c.unfinished_before < limit,
                ),
                and_(blocking.c.discrepancy + blocking.c.tie > 0, blocking.c.flags_before < limit),
            )
        )
    rows = db.session.execute(stmt).all()
    if not rows:
        return [], 0, 0
    return rows, int(rows[0].unfinished_total), int(rows[0].flags_total)


def _late_entries(
    edition: Edition, run: ResultsRun, limit: int | None
) -> tuple[list[tuple[int, str, int, int]], int]:
    """The entries of the round the run does not list (accepted after the compile), by code:
    ``(id, code, submitted, drafts)`` (the first ``limit``), and the blockers they give in
    all (INCOMPLETE each, DRAFT_SHEETS when they have drafts)."""
    counts = _sheet_counts(run.round_id)
    drafts = func.coalesce(counts.c.drafts, 0)
    listed = exists().where(ResultRow.run_id == run.id, ResultRow.entry_id == Entry.id)
    stmt = (
        select(
            Entry.id,
            Entry.code,
            func.coalesce(counts.c.submitted, 0),
            drafts,
            (func.count().over() + func.sum(case((drafts > 0, 1), else_=0)).over()).label("total"),
        )
        .outerjoin(counts, counts.c.entry_id == Entry.id)
        .where(member_condition(edition, run.round), ~listed)
        .order_by(Entry.code, Entry.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    total = int(rows[0].total) if rows else 0
    return [(i, code, int(sub), int(dr)) for i, code, sub, dr, _total in rows], total


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
    out: list[dict[str, Any]] = []
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
    actor: Actor | None,
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
def _refuse_update(mapper: Any, connection: Any, target: Any) -> None:
    """A published version is immutable: a correction is a new version."""
    raise RuntimeError("PublishedEntry rows are immutable")
