"""``contest demo`` gives every demo login something real to do now: the technical edition is
inside its judging window (every demo judge has assigned entries not yet scored, and can score
one through the real operations and pages), while the youth edition stays open for entrants
(the demo entrant can still edit a draft there)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.accounts.operations import find_user
from contest.contests.demo import TECHNICAL_SLUG, YOUTH_SLUG
from contest.contests.operations import edition_phase, get_edition
from contest.contests.timeline import Phase
from contest.demo import DEMO_PASSWORD, seed_demo
from contest.entries import access
from contest.entries.models import Entry
from contest.extensions import db
from contest.judging import sheets
from contest.judging.demo import DEMO_JUDGES
from contest.judging.models import Assignment, Panel, ScoreSheet


def _unscored(edition, judge) -> list[Assignment]:
    """The judge's assignments in ``edition`` without a submitted sheet."""
    submitted = set(
        db.session.scalars(
            select(ScoreSheet.entry_id).where(
                ScoreSheet.edition_id == edition.id,
                ScoreSheet.judge_id == judge.id,
                ScoreSheet.status == "submitted",
            )
        )
    )
    mine = db.session.scalars(
        select(Assignment).where(
            Assignment.edition_id == edition.id, Assignment.judge_id == judge.id
        )
    )
    return [a for a in mine if a.entry_id not in submitted]


@pytest.mark.slow
def test_one_edition_is_being_judged_and_one_is_open(app, client):
    seed_demo()
    db.session.commit()
    youth, technical = get_edition(YOUTH_SLUG), get_edition(TECHNICAL_SLUG)
    assert edition_phase(youth) == Phase.OPEN
    assert edition_phase(technical) == Phase.JUDGING
    # Nothing waits outside judging in the edition being judged; the open one has no judging.
    statuses = set(db.session.scalars(select(Entry.status).where(Entry.edition == technical)))
    assert not statuses & {"submitted", "received"} and "accepted" in statuses
    assert db.session.scalar(select(Panel.id).where(Panel.edition_id == youth.id)) is None

    for email in DEMO_JUDGES:
        judge = find_user(email)
        waiting = _unscored(technical, judge)
        assert waiting, f"{email} has nothing to score"
        # A real write inside the window: open, fill every criterion, submit.
        entry = db.session.get(Entry, waiting[0].entry_id)
        round_ = technical.rounds[0]
        sheet = sheets.open_sheet(judge, entry, round_)
        points = {c.code: str(c.max_points) for c in sheets.questions(sheet)}
        sheets.save_draft(sheet, judge, points, "Tốt.", sheet.version)
        assert sheets.submit(sheet, judge, sheet.version).sheet.status == "submitted"
    db.session.rollback()

    entrant = find_user("thisinh@demo.vn")
    mine = db.session.scalars(
        select(Entry).where(Entry.edition == youth, Entry.owner == entrant)
    ).all()
    assert {e.status for e in mine} == {"draft", "submitted"}
    assert all(access.can_edit(entrant, e) for e in mine)

    # The judge's sheet page is writable (inside the window), not read-only.
    response = client.post("/login", data={"email": DEMO_JUDGES[0], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    judge = find_user(DEMO_JUDGES[0])
    waiting = _unscored(get_edition(TECHNICAL_SLUG), judge)
    entry = db.session.get(Entry, waiting[0].entry_id)
    page = client.get(f"/judge/entries/{entry.id}/sheet/{entry.edition.rounds[0].id}")
    assert page.status_code == 200
    assert "<fieldset disabled" not in page.get_data(as_text=True)
