"""Assignment operations on the database: the automatic assignment of a round (the pure
:func:`.assignment.assign` applied), manual assignment per entry or per judge (bulk), removal,
and a judge dropping out of a panel. Every operation takes the acting user, audits, flushes and
never commits. Conflicted pairs are always refused."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.expertise import field_topic_keys, topic_keys
from ..accounts.models import User
from ..audit.operations import record
from ..contests.models import Edition, Round
from ..entries.models import Entry
from ..extensions import db
from ..models_common import execute_dml
from .assignment import EntrySlot, Shortfall, ShortfallReason, assign
from .conflicts import ConflictIndex
from .errors import JudgingError
from .models import Assignment, Panel, PanelMember, ScoreSheet, SheetStatus
from .panels import ensure_judge, panels_of_round, round_entry_ids
from .recusal import drop_conflicted_assignments_for


@dataclass
class ShortfallReport:
    """An entry still lacking judges, and why (for organizers; names judges, never authors)."""

    entry_id: int
    entry_code: str
    missing: int
    reason: ShortfallReason
    message: str


@dataclass
class AssignResult:
    """What :func:`auto_assign` did."""

    created: list[tuple[int, int]] = field(default_factory=list)
    shortfalls: list[ShortfallReport] = field(default_factory=list)


def existing_pairs(round_: Round) -> set[tuple[int, int]]:
    """``(entry id, judge id)`` of the round's assignments."""
    rows = db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id).where(Assignment.round_id == round_.id)
    )
    return {(entry_id, judge_id) for entry_id, judge_id in rows}


def auto_assign(edition: Edition, round_: Round, actor: User | None) -> AssignResult:
    """Give every accepted entry of ``round_`` ``judges_per_entry`` judges of its field's
    panel (RULES.md §4; see :mod:`.assignment`); keep existing assignments, except conflicted
    ones, which go first (:mod:`.recusal`: a conflict removes the assignment, so only usable
    assignments count); audited. Returns the new pairs and the entries still lacking
    judges."""
    entry_rows = db.session.execute(
        select(Entry.id, Entry.field_id, Entry.code).where(
            Entry.id.in_(round_entry_ids(edition, round_))
        )
    ).all()
    panels = panels_of_round(edition, round_)
    topics = _field_topics(edition)
    judge_ids = {j for judges in panels.values() for j in judges}
    judge_ids |= set(
        db.session.scalars(
            select(Assignment.judge_id).where(Assignment.round_id == round_.id).distinct()
        )
    )
    index = ConflictIndex(edition.id, judge_ids, [r.id for r in entry_rows])
    drop_conflicted_assignments_for(edition.id, actor, round_id=round_.id, index=index)
    conflicts = index.pairs()
    new, shortfalls = assign(
        [EntrySlot(r.id, r.field_id, topics.get(r.field_id, frozenset())) for r in entry_rows],
        panels,
        existing_pairs(round_),
        conflicts,
        edition.judges_per_entry,
        _expertise(judge_ids),
    )
    for entry_id, judge_id in new:
        db.session.add(_assignment(edition, round_, entry_id, judge_id, actor))
    db.session.flush()
    codes = {r.id: r.code for r in entry_rows}
    result = AssignResult(new, [_report(s, codes, edition) for s in shortfalls])
    record(
        actor,
        "judging.auto_assign",
        "edition",
        edition.id,
        round=round_.code,
        created=len(new),
        shortfalls=[r.entry_code for r in result.shortfalls],
    )
    return result


def _field_topics(edition: Edition) -> dict[int, frozenset[str]]:
    """``{field id: normalised code and name}``: what a judge's expertise is matched with."""
    return {f.id: field_topic_keys(f.code, f.name) for f in edition.fields}


def _expertise(judge_ids: Collection[int]) -> dict[int, frozenset[str]]:
    """``{judge id: normalised fields of expertise}`` of ``judge_ids``."""
    if not judge_ids:
        return {}
    rows = db.session.execute(select(User.id, User.expertise).where(User.id.in_(judge_ids)))
    return {judge_id: topic_keys(topics or ()) for judge_id, topics in rows}


def propose_replacement(edition: Edition, round_: Round, entry: Entry) -> User | None:
    """The panel judge to add to ``entry`` in ``round_`` when it is short of judges: the one
    :func:`.assignment.assign` would choose (no conflict, not already on it, the lowest load
    in the round, an expert of the field first, then the smaller id); None when the entry
    is not in the round, has its judges, or no panel judge is free."""
    if entry.id not in round_entry_ids(edition, round_):
        return None
    panels = panels_of_round(edition, round_)
    judge_ids = set(panels.get(entry.field_id, ()))
    if not judge_ids:
        return None
    existing = existing_pairs(round_)
    has = sum(1 for e, _j in existing if e == entry.id)
    if has >= edition.judges_per_entry:
        return None
    index = ConflictIndex(edition.id, judge_ids, [entry.id])
    new, _shortfalls = assign(  # one judge more: the first the algorithm would choose
        [EntrySlot(entry.id, entry.field_id, _field_topics(edition)[entry.field_id])],
        {entry.field_id: sorted(judge_ids)},
        existing,
        index.pairs(),
        has + 1,
        _expertise(judge_ids),
    )
    return db.session.get(User, new[0][1]) if new else None


def _assignment(
    edition: Edition, round_: Round, entry_id: int, judge_id: int, actor: User | None
) -> Assignment:
    """A new assignment row."""
    return Assignment(
        edition_id=edition.id,
        round_id=round_.id,
        entry_id=entry_id,
        judge_id=judge_id,
        created_by_id=getattr(actor, "id", None),
    )


def _report(shortfall: Shortfall, codes: dict[int, str], edition: Edition) -> ShortfallReport:
    """The organizer's message for ``shortfall``."""
    if shortfall.reason == ShortfallReason.NO_PANEL:
        message = _("lĩnh vực chưa có tiểu ban (hoặc tiểu ban chưa có giám khảo)")
    elif shortfall.reason == ShortfallReason.PANEL_TOO_SMALL:
        message = _(
            "tiểu ban quá ít giám khảo (cần %(n)d giám khảo mỗi hồ sơ)", n=edition.judges_per_entry
        )
    else:
        names = db.session.scalars(
            select(User.full_name).where(User.id.in_(shortfall.conflicted)).order_by(User.id)
        )
        message = _(
            "%(n)d giám khảo có xung đột lợi ích: %(names)s",
            n=len(shortfall.conflicted),
            names=", ".join(names),
        )
    message = _("thiếu %(m)d giám khảo: %(why)s", m=shortfall.missing, why=message)
    return ShortfallReport(
        shortfall.entry_id,
        codes.get(shortfall.entry_id) or "",
        shortfall.missing,
        shortfall.reason,
        message,
    )


# --- Manual assignment ------------------------------------------------------------------------


def assign_pairs(
    edition: Edition, round_: Round, pairs: Iterable[tuple[Entry, User]], actor: User | None
) -> list[Assignment]:
    """Assign each (entry, judge) pair (those already assigned are left alone). Refuses the
    whole batch when a judge lacks the judge role, an entry is not in the round, or a pair is
    conflicted. Audited; flushes."""
    pairs = list(pairs)
    members = round_entry_ids(edition, round_)
    problems = []
    for entry, judge in pairs:
        ensure_judge(judge)
        if entry.id not in members:
            problems.append(
                _("Hồ sơ %(code)s không thuộc vòng chấm này.", code=entry.code or entry.id)
            )
    index = ConflictIndex(edition.id, [j.id for _e, j in pairs], [e.id for e, _j in pairs])
    for entry, judge in pairs:
        reasons = index.of(judge.id, entry.id)
        if reasons:
            problems.append(
                _(
                    "%(judge)s không được chấm hồ sơ %(code)s: %(why)s",
                    judge=judge.display_name,
                    code=entry.code,
                    why="; ".join(str(r) for r in reasons),
                )
            )
    if problems:
        raise JudgingError("\n".join(problems))
    present = existing_pairs(round_)
    created = []
    for entry, judge in pairs:
        if (entry.id, judge.id) in present:
            continue
        present.add((entry.id, judge.id))
        assignment = _assignment(edition, round_, entry.id, judge.id, actor)
        db.session.add(assignment)
        created.append(assignment)
    db.session.flush()
    if created:
        record(
            actor,
            "judging.assign",
            "edition",
            edition.id,
            round=round_.code,
            pairs=[[a.entry_id, a.judge_id] for a in created],
        )
    return created


def assign_judges_to_entry(
    edition: Edition, round_: Round, entry: Entry, judges: list[User], actor: User | None
) -> list[Assignment]:
    """Assign ``judges`` to ``entry`` (manual, per entry)."""
    return assign_pairs(edition, round_, [(entry, j) for j in judges], actor)


def assign_entries_to_judge(
    edition: Edition, round_: Round, judge: User, entries: list[Entry], actor: User | None
) -> list[Assignment]:
    """Assign ``entries`` to ``judge`` (manual, per judge, bulk)."""
    return assign_pairs(edition, round_, [(e, judge) for e in entries], actor)


def assign_entries_where_allowed(
    edition: Edition, round_: Round, judge: User, entries: list[Entry], actor: User | None
) -> tuple[list[Assignment], list[str]]:
    """Bulk manual assignment for one judge: assign every entry of ``entries`` the judge may
    judge; each entry that is conflicted or not in the round is refused with its reason
    (Vietnamese lines, returned) while the others are assigned. Audited; flushes."""
    ensure_judge(judge)
    members = round_entry_ids(edition, round_)
    index = ConflictIndex(edition.id, [judge.id], [e.id for e in entries])
    allowed, refused = [], []
    for entry in entries:
        reasons = index.of(judge.id, entry.id)
        if entry.id not in members:
            refused.append(
                _("Hồ sơ %(code)s không thuộc vòng chấm này.", code=entry.code or entry.id)
            )
        elif reasons:
            refused.append(
                _(
                    "%(judge)s không được chấm hồ sơ %(code)s: %(why)s",
                    judge=judge.display_name,
                    code=entry.code,
                    why="; ".join(str(r) for r in reasons),
                )
            )
        else:
            allowed.append(entry)
    created = assign_entries_to_judge(edition, round_, judge, allowed, actor) if allowed else []
    return created, refused


def unassign(
    round_: Round, pairs: Iterable[tuple[int, int]], actor: User | None, reason: str = ""
) -> int:
    """Remove the assignments ``(entry id, judge id)`` and their draft sheets. A pair with a
    submitted sheet is refused (reopen or void it first). Audited; returns how many went."""
    pairs = set(pairs)
    if not pairs:
        return 0
    sheets = _sheets(round_, pairs)
    locked = [s for s in sheets if s.status == SheetStatus.SUBMITTED.value]
    if locked:
        raise JudgingError(
            _(
                "Không gỡ được: giám khảo đã nộp phiếu chấm cho hồ sơ %(codes)s.",
                codes=", ".join(sorted(s.entry.code for s in locked)),
            )
        )
    for sheet in sheets:
        db.session.delete(sheet)
    removed = _delete_assignments(round_, pairs)
    record(
        actor, "judging.unassign", "round", round_.id, pairs=sorted(map(list, pairs)), reason=reason
    )
    return removed


def _sheets(round_: Round, pairs: set[tuple[int, int]]) -> list[ScoreSheet]:
    """The round's sheets of the ``(entry id, judge id)`` pairs."""
    judge_ids = {j for _e, j in pairs}
    rows = db.session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.round_id == round_.id, ScoreSheet.judge_id.in_(judge_ids)
        )
    )
    return [s for s in rows if (s.entry_id, s.judge_id) in pairs]


def _delete_assignments(round_: Round, pairs: set[tuple[int, int]]) -> int:
    """Delete the round's assignments of ``pairs``; return how many went."""
    removed = 0
    for entry_id, judge_id in sorted(pairs):
        removed += execute_dml(
            delete(Assignment).where(
                Assignment.round_id == round_.id,
                Assignment.entry_id == entry_id,
                Assignment.judge_id == judge_id,
            )
        ).rowcount
    db.session.flush()
    return removed


@dataclass
class RemovalResult:
    """What :func:`remove_judge` did."""

    assignments_removed: int
    drafts_deleted: int
    submitted_kept: int
    submitted_voided: int


def remove_judge(
    panel: Panel, judge: User, actor: User | None, void_submitted: bool = False
) -> RemovalResult:
    """Take ``judge`` off ``panel`` (the judge drops out): their assignments in the panel's
    field and round go with their draft sheets; submitted sheets (and their assignments) stay
    unless ``void_submitted``, when they are deleted too, their points kept in the audit.
    Run :func:`auto_assign` afterwards to reassign. Flushes."""
    entry_ids = set(
        db.session.scalars(
            select(Assignment.entry_id)
            .join(Entry, Entry.id == Assignment.entry_id)
            .where(
                Assignment.round_id == panel.round_id,
                Assignment.judge_id == judge.id,
                Entry.field_id == panel.field_id,
            )
        )
    )
    sheets = db.session.scalars(
        select(ScoreSheet)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(
            ScoreSheet.round_id == panel.round_id,
            ScoreSheet.judge_id == judge.id,
            Entry.field_id == panel.field_id,
        )
    ).all()
    kept, voided, drafts = set(), [], 0
    for sheet in sheets:
        if sheet.status == SheetStatus.SUBMITTED.value and not void_submitted:
            kept.add(sheet.entry_id)
            continue
        if sheet.status == SheetStatus.SUBMITTED.value:
            voided.append(
                {
                    "entry": sheet.entry.code,
                    "points": {s.criterion.code: str(s.points) for s in sheet.scores},
                }
            )
        else:
            drafts += 1
        db.session.delete(sheet)
    removed = _delete_assignments(
        db.session.get_one(Round, panel.round_id), {(e, judge.id) for e in entry_ids - kept}
    )
    db.session.execute(
        delete(PanelMember).where(
            PanelMember.panel_id == panel.id, PanelMember.judge_id == judge.id
        )
    )
    if panel.chair_id == judge.id:
        panel.chair_id = None
    db.session.flush()
    db.session.expire(panel, ["members"])
    record(
        actor,
        "judging.remove_judge",
        "panel",
        panel.id,
        judge=judge.email,
        assignments_removed=removed,
        drafts_deleted=drafts,
        submitted_kept=len(kept),
        voided=voided,
    )
    return RemovalResult(removed, drafts, len(kept), len(voided))
