"""Demo judging for ``contest demo``: in the first round of each demo edition whose judging
has started (the technical one: it is inside its judging window, so every demo judge has real
work), a panel per field that has accepted entries, with the three demo judges (the first one
chairs), the automatic assignment, and sheets: of every five assignments two submitted, one
draft, two not started. Points are deterministic. The sheets are written directly (seed
data, not a judge's write). An edition still taking entries gets no judging. Idempotent (an
edition that has panels is left alone); flushes, the caller commits."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ..accounts.operations import find_user
from ..contests.demo import TECHNICAL_SLUG, YOUTH_SLUG
from ..contests.operations import get_edition
from ..contests.timeline import judging_started
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..timeutil import utcnow
from .assigning import auto_assign
from .models import Assignment, Panel, Score, ScoreSheet, SheetSource, SheetStatus
from .panels import add_judges, ensure_panel, set_chair

DEMO_JUDGES = ("giamkhao1@demo.vn", "giamkhao2@demo.vn", "giamkhao3@demo.vn")
COMMENTS = (
    "Giải pháp có tính thực tiễn, cần bổ sung số liệu đánh giá hiệu quả.",
    "Ý tưởng tốt; phần thuyết minh còn sơ sài.",
    "Sản phẩm hoàn thiện, dễ nhân rộng.",
)


def _points(max_points: Decimal, seed: int) -> Decimal:
    """Deterministic points between 55 % and 95 % of ``max_points``, in steps of 0.5."""
    fraction = Decimal(55 + seed % 41) / 100
    return Decimal(int(max_points * 2 * fraction)) / 2


def seed_judging() -> int:
    """Seed the demo judging (module docstring); return the number of sheets written."""
    judges = [u for u in (find_user(e) for e in DEMO_JUDGES) if u is not None]
    if not judges:
        return 0
    written = 0
    for slug in (YOUTH_SLUG, TECHNICAL_SLUG):
        edition = get_edition(slug)
        if edition is None or not edition.rounds or not judging_started(edition, utcnow()):
            continue
        if db.session.scalar(select(Panel.id).where(Panel.edition_id == edition.id).limit(1)):
            continue
        round_ = edition.rounds[0]
        field_ids = set(
            db.session.scalars(
                select(Entry.field_id).where(
                    Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED.value
                )
            )
        )
        for field in edition.fields:
            if field.id in field_ids:
                panel = ensure_panel(edition, field, round_, None)
                add_judges(panel, judges, None)
                set_chair(panel, judges[0], None)
        auto_assign(edition, round_, None)
        written += _sheets(edition, round_)
    db.session.flush()
    return written


def _sheets(edition, round_) -> int:
    """Write the demo sheets of ``round_``."""
    now = utcnow()
    pairs = db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id)
        .where(Assignment.round_id == round_.id)
        .order_by(Assignment.entry_id, Assignment.judge_id)
    ).all()
    criteria = edition.active_criteria
    written = 0
    for index, (entry_id, judge_id) in enumerate(pairs):
        kind = index % 5
        if kind >= 3:
            continue
        submitted = kind < 2
        chosen = criteria if submitted else criteria[: max(1, len(criteria) // 2)]
        sheet = ScoreSheet(
            edition_id=edition.id,
            round_id=round_.id,
            entry_id=entry_id,
            judge_id=judge_id,
            status=SheetStatus.SUBMITTED.value if submitted else SheetStatus.DRAFT.value,
            source=SheetSource.WEB.value,
            comment=COMMENTS[(entry_id + judge_id) % len(COMMENTS)] if submitted else "",
            created_at=now,
            updated_at=now,
            submitted_at=now if submitted else None,
            scores=[
                Score(
                    criterion_id=c.id,
                    points=_points(c.max_points, entry_id * 7 + judge_id * 13 + c.position * 5),
                )
                for c in chosen
            ],
        )
        db.session.add(sheet)
        written += 1
    db.session.flush()
    return written
