"""What the cockpit needs to know about an edition, read in a few grouped queries (no query
per entry): entries by status, the judging round's panels, assignments and sheets, the results
run and its blockers, the publication, certificates, the national selection, the report and the
next edition."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select

from ..certificates import operations as certificates
from ..contests import timeline
from ..contests.models import Edition, Round
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..jobs.models import Job, JobStatus
from ..judging.conflicts import ConflictIndex
from ..judging.models import Assignment, ScoreSheet, SheetStatus
from ..judging.panels import current_round, panels_of_round, round_entry_ids
from ..national import dossier as national_dossier
from ..national import selection as national
from ..publication import operations as pub
from ..publication.models import Publication
from ..publication.status import open_complaints
from ..reports import report
from ..results.models import ResultsRun


@dataclass
class JudgingFacts:
    """The judging round: who judges what, and how far the sheets are."""

    round: Round
    entry_ids: set[int]
    codes: dict[int, str]
    fields_without_judges: list[str]
    short_of_judges: list[str]  # entry codes with fewer judges (assigned or scoring) than needed
    sheets_needed: int
    sheets_submitted: int
    sheets_draft: int
    incomplete: list[tuple[str, int]]  # (entry code, sheets missing)
    with_drafts: list[tuple[str, int]]  # (entry code, draft sheets)
    sheets_any: bool  # any sheet exists in the round


@dataclass
class Facts:
    """Everything the stages are computed from."""

    edition: Edition
    now: datetime
    phase: timeline.Phase
    by_status: dict[str, int]
    judging: JudgingFacts | None
    run: ResultsRun | None
    blockers: list[pub.Blocker]
    publication: Publication | None
    publication_state: pub.State | None
    open_complaints: int
    certificate_slots: int
    certificates_valid: int
    selection: national.Selection | None
    dossier_done: bool
    report_done: bool
    successors: list[Edition] = field(default_factory=list)

    def count(self, *statuses: EntryStatus) -> int:
        """Entries in any of ``statuses``."""
        return sum(self.by_status.get(s.value, 0) for s in statuses)


def gather(edition: Edition, now: datetime) -> Facts:
    """Read the facts of ``edition`` at ``now``."""
    publication = pub.latest_publication(edition)
    run = pub.last_round_run(edition)
    selection = national.selection(edition) if publication is not None else None
    slots = certificates.slots(publication) if publication is not None else []
    valid = certificates.certificates_of(publication) if publication is not None else []
    by_status = _by_status(edition)
    judging = _judging(edition) if edition.rounds else None
    return Facts(
        edition=edition,
        now=now,
        phase=_effective_phase(edition, now, by_status, judging, run, publication),
        by_status=by_status,
        judging=judging,
        run=run,
        blockers=pub.blockers(edition, run, now) if run is not None else [],
        publication=publication,
        publication_state=pub.state(publication, now) if publication is not None else None,
        open_complaints=open_complaints(edition) if publication is not None else 0,
        certificate_slots=len(slots),
        certificates_valid=len(valid),
        selection=selection,
        dossier_done=_job_done(national_dossier.KIND, edition),
        report_done=_job_done(report.KIND, edition),
        successors=list(
            db.session.scalars(
                select(Edition).where(Edition.predecessor_id == edition.id).order_by(Edition.id)
            )
        ),
    )


def _effective_phase(edition, now, by_status, judging, run, publication) -> timeline.Phase:
    """Where the edition stands: its timeline's phase, or further when its data shows that
    the season went further (a season run from files may never set its dates): entries
    submitted → open (closed once the deadline has passed), sheets → judging, a results
    run → review, a publication → published."""
    phase = timeline.phase(edition, now)
    reached = timeline.Phase.DRAFT
    if publication is not None:
        reached = timeline.Phase.PUBLISHED
    elif run is not None:
        reached = timeline.Phase.REVIEW
    elif judging is not None and judging.sheets_any:
        reached = timeline.Phase.JUDGING
    elif any(n for status, n in by_status.items() if status != EntryStatus.DRAFT.value):
        deadline = timeline.effective_deadline(edition)
        closed = deadline is not None and now >= deadline
        reached = timeline.Phase.CLOSED if closed else timeline.Phase.OPEN
    return reached if reached.order > phase.order else phase


def _by_status(edition: Edition) -> dict[str, int]:
    rows = db.session.execute(
        select(Entry.status, func.count(Entry.id))
        .where(Entry.edition_id == edition.id)
        .group_by(Entry.status)
    )
    return {status: int(n) for status, n in rows}


def _judging(edition: Edition) -> JudgingFacts:
    round_ = current_round(edition)
    entry_ids = round_entry_ids(edition, round_)
    needed = edition.judges_per_entry or 0
    entries = db.session.execute(
        select(Entry.id, Entry.code, Entry.field_id).where(Entry.id.in_(entry_ids))
    ).all()
    codes = {entry_id: code or f"#{entry_id}" for entry_id, code, _field in entries}
    panels = panels_of_round(edition, round_)
    fields_used = {field_id for _id, _code, field_id in entries}
    without = [f.name for f in edition.fields if f.id in fields_used and not panels.get(f.id)]
    assigned = _judge_counts(edition, round_)
    submitted = func.sum(case((ScoreSheet.status == SheetStatus.SUBMITTED.value, 1), else_=0))
    drafts = func.sum(case((ScoreSheet.status == SheetStatus.DRAFT.value, 1), else_=0))
    sheets = {
        entry_id: (int(n_sub or 0), int(n_draft or 0))
        for entry_id, n_sub, n_draft in db.session.execute(
            select(ScoreSheet.entry_id, submitted, drafts)
            .where(ScoreSheet.round_id == round_.id)
            .group_by(ScoreSheet.entry_id)
        )
    }
    ordered = sorted(entry_ids, key=lambda i: codes.get(i, ""))
    return JudgingFacts(
        round=round_,
        entry_ids=entry_ids,
        codes=codes,
        fields_without_judges=without,
        short_of_judges=[codes[i] for i in ordered if assigned.get(i, 0) < needed],
        sheets_needed=needed * len(entry_ids),
        sheets_submitted=sum(min(sheets.get(i, (0, 0))[0], needed) for i in entry_ids),
        sheets_draft=sum(sheets.get(i, (0, 0))[1] for i in entry_ids),
        incomplete=[
            (codes[i], needed - sheets.get(i, (0, 0))[0])
            for i in ordered
            if sheets.get(i, (0, 0))[0] < needed
        ],
        with_drafts=[(codes[i], sheets[i][1]) for i in ordered if sheets.get(i, (0, 0))[1]],
        sheets_any=bool(sheets),
    )


def _judge_counts(edition: Edition, round_: Round) -> dict[int, int]:
    """Usable judges per entry of ``round_``: those assigned, and those who handed in a sheet
    without an assignment (paper sheets need none) unless the pair is conflicted — a
    conflict removes the assignment, and the sheet it kept does not make the entry whole
    (``judging assign`` counts it the same way)."""
    pairs = {
        tuple(p)
        for p in db.session.execute(
            select(Assignment.entry_id, Assignment.judge_id).where(Assignment.round_id == round_.id)
        ).all()
    }
    unassigned = {
        tuple(p)
        for p in db.session.execute(
            select(ScoreSheet.entry_id, ScoreSheet.judge_id).where(ScoreSheet.round_id == round_.id)
        ).all()
    } - pairs
    if unassigned:
        index = ConflictIndex(
            edition.id, {judge for _e, judge in unassigned}, {entry for entry, _j in unassigned}
        )
        pairs |= {(entry, judge) for entry, judge in unassigned if not index.of(judge, entry)}
    return dict(Counter(entry for entry, _judge in pairs))


def _job_done(kind: str, edition: Edition) -> bool:
    """True when a job of ``kind`` for ``edition`` has succeeded (jobs keep the edition in
    their parameters)."""
    params = db.session.scalars(
        select(Job.params).where(Job.kind == kind, Job.status == JobStatus.SUCCEEDED.value)
    )
    return any((p or {}).get("edition_id") == edition.id for p in params)
