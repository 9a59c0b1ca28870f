"""Demo publication for ``contest demo``: last year's editions of both contests, judged,
compiled, their flags resolved by the organizers and published.

* the youth contest's 7th edition (2024–2025): published about ten months ago, posting period
  over (final), a Giải Đặc biệt awarded by hand (its certificates and national selection are
  seeded by :mod:`contest.certificates.demo` and :mod:`contest.national.demo`);
* the technical contest's 9th edition (2024–2025): published two days ago, still in its 15-day
  posting period, so the demo entrant (who owns one of its entries) can lodge a complaint.

Everything goes through the real operations (entries, judging panels and automatic
assignment, the compile, panel scores and prize decisions, ``publish.publish``); only the
judges' sheets are written directly, as in ``contest.judging.demo``. Idempotent (an edition
whose slug exists is left alone); flushes, the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.operations import find_user
from ..contests import operations
from ..contests.demo import ORGANIZERS
from ..contests.models import Edition
from ..contests.templates import template_spec
from ..entries.demo import DEMO_ENTRANT, TECHNICAL, YOUTH, _seed_edition
from ..extensions import db
from ..judging.assigning import auto_assign
from ..judging.demo import COMMENTS, DEMO_JUDGES
from ..judging.models import Assignment, Score, ScoreSheet, SheetSource, SheetStatus
from ..judging.panels import add_judges, ensure_panel, set_chair, set_panel_score
from ..results import decisions
from ..results.compile import compile_round, latest_run
from ..results.flags import Flag
from ..results.models import ResultRow
from ..timeutil import LOCAL_TZ, utcnow
from . import operations as publish

YOUTH_PAST_SLUG = "sttn-tuyen-quang-2024"
TECHNICAL_PAST_SLUG = "stkt-tuyen-quang-2024"
DEMO_ORGANIZER = "btc@demo.vn"

PAST = (
    # slug, kind, title, number, rows, seed offset, published days ago, posting days
    (
        YOUTH_PAST_SLUG,
        "youth",
        "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 7 (2024–2025)",
        7,
        YOUTH,
        100,
        300,
        15,
    ),
    (
        TECHNICAL_PAST_SLUG,
        "technical",
        "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang lần thứ IX (2024–2025)",
        9,
        TECHNICAL,
        150,
        2,
        15,
    ),
)


def _points(max_points: Decimal, seed: int) -> Decimal:
    """Deterministic points between 62 % and 98 % of ``max_points``, in steps of 0.5."""
    fraction = Decimal(62 + seed % 37) / 100
    return Decimal(int(max_points * 2 * fraction)) / 2


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def seed_publications(now: datetime | None = None) -> list[Edition]:
    """Create and publish the past demo editions that do not exist yet (module docstring);
    returns the editions created now."""
    now = now or utcnow()
    organizer = find_user(DEMO_ORGANIZER)
    judges = [u for u in (find_user(e) for e in DEMO_JUDGES) if u is not None]
    if organizer is None or len(judges) < 2:
        return []
    entrant = db.session.execute(select(User).where(User.email == DEMO_ENTRANT)).scalar()
    created = []
    for slug, kind, title, number, rows, offset, days_ago, posting in PAST:
        if operations.get_edition(slug) is not None:
            continue
        published_at = now - timedelta(days=days_ago)
        edition = _edition(slug, kind, title, number, published_at)
        # Last year's entries were all accepted; the demo entrant owns the first one.
        accepted = [(f, t, d, u, "accepted", n) for f, t, d, u, _s, n in rows]
        entries = _seed_edition(edition, accepted, None, published_at - timedelta(days=80), offset)
        if entrant is not None and entries:
            entries[0].owner_id = entrant.id
        _judge(edition, judges, offset)
        _compile_and_resolve(edition, organizer)
        publish.publish(edition, organizer, posting_days=posting, now=published_at)
        db.session.flush()
        _continue_with_current(edition)
        created.append(edition)
    return created


def _continue_with_current(past: Edition) -> None:
    """Make ``past`` the predecessor of this year's demo edition of the same contest (the
    statistics compare them), when that edition has none."""
    current = db.session.scalars(
        select(Edition)
        .where(
            Edition.kind == past.kind,
            Edition.id != past.id,
            Edition.predecessor_id.is_(None),
            Edition.submission_deadline > past.submission_deadline,
        )
        .order_by(Edition.submission_deadline.desc())
    ).first()
    if current is not None:
        current.predecessor_id = past.id


def _edition(slug: str, kind: str, title: str, number: int, published_at: datetime) -> Edition:
    local_day = published_at.astimezone(LOCAL_TZ).date()
    spec = template_spec(kind, slug, title, _local(local_day - timedelta(days=75), time(17)))
    spec.opens_at = _local(local_day - timedelta(days=140), time(7, 30))
    spec.judging_starts_at = _local(local_day - timedelta(days=70), time(8))
    spec.judging_ends_at = _local(local_day - timedelta(days=20), time(17))
    spec.number = number
    spec.organizing_units = ORGANIZERS
    spec.national_max = 5 if kind == "youth" else 4
    if kind == "technical":
        spec.applied_since = date(local_day.year - 4, 1, 1)
    return operations.create_edition(spec, None, source="demo")


def _judge(edition: Edition, judges: list[User], offset: int) -> None:
    """Panels per field with the demo judges, the automatic assignment, every sheet submitted."""
    round_ = edition.rounds[-1]
    for field in edition.fields:
        panel = ensure_panel(edition, field, round_, None)
        add_judges(panel, judges, None)
        set_chair(panel, judges[0], None)
    auto_assign(edition, round_, None)
    pairs = db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id)
        .where(Assignment.round_id == round_.id)
        .order_by(Assignment.entry_id, Assignment.judge_id)
    ).all()
    assert edition.judging_ends_at is not None  # the demo edition's timeline is complete
    when = edition.judging_ends_at - timedelta(days=3)
    for entry_id, judge_id in pairs:
        seed = (entry_id + offset) * 7 + judge_id * 13
        db.session.add(
            ScoreSheet(
                edition_id=edition.id,
                round_id=round_.id,
                entry_id=entry_id,
                judge_id=judge_id,
                status=SheetStatus.SUBMITTED.value,
                source=SheetSource.WEB.value,
                comment=COMMENTS[seed % len(COMMENTS)],
                created_at=when,
                updated_at=when,
                submitted_at=when,
                scores=[
                    Score(criterion_id=c.id, points=_points(c.max_points, seed + c.position * 5))
                    for c in edition.active_criteria
                ],
            )
        )
    db.session.flush()


def _compile_and_resolve(edition: Edition, organizer: User) -> None:
    """Compile; give every DISCREPANCY a panel score (the rounded mean) and recompile; resolve
    each TIE_AT_QUOTA block by awarding the straddled level to its first entry."""
    round_ = edition.rounds[-1]
    compile_round(edition, round_, created_by_id=organizer.id)
    run = latest_run(round_)
    assert run is not None  # compiled just above
    rows = db.session.scalars(select(ResultRow).where(ResultRow.run_id == run.id)).all()
    discrepant = [r for r in rows if Flag.DISCREPANCY in r.flag_list and r.score is not None]
    for row in discrepant:
        set_panel_score(
            edition, round_, row.entry, row.score, "Tiểu ban chấm lại, thống nhất", organizer
        )
    if discrepant:
        compile_round(edition, round_, created_by_id=organizer.id)
        run = latest_run(round_)
        assert run is not None  # compiled just above
        rows = db.session.scalars(select(ResultRow).where(ResultRow.run_id == run.id)).all()
    seen = set()
    for row in sorted(rows, key=lambda r: r.position):
        if Flag.TIE_AT_QUOTA not in row.flag_list or (row.group_key, row.score) in seen:
            continue
        seen.add((row.group_key, row.score))
        levels = decisions._tie_levels(row)
        if levels:
            level = sorted(levels)[0]
            decisions.decide(
                edition, round_, run, row.entry_id, level, "Hội đồng bỏ phiếu", organizer
            )
    if edition.kind == "youth":
        # Only complete rows are ranked, and they all have a score.
        firsts = [(r.score, r) for r in rows if r.rank == 1 and r.score is not None]
        best = min(firsts, key=lambda pair: (-pair[0], pair[1].entry_code))[1]
        decisions.decide(
            edition, round_, run, best.entry_id, "special", "Sản phẩm xuất sắc nhất", organizer
        )
    db.session.flush()
