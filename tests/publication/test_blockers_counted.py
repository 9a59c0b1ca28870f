"""The publication gates counted in SQL (issue 15): ``publish.find_blockers`` gives the same
blockers, in the same order, as the row-by-row reading it replaced — every kind at once (an
open judging window, missing sheets, a run older than the sheets, drafts, an entry accepted
after the compile, discrepancies and ties with and without decisions) — and with a limit,
exactly the first of them and the count of all. The publication page names the first
``BLOCKERS_SHOWN`` and counts the others."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func, select

from contest.entries.models import Entry, EntryStatus
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging.models import ScoreSheet, SheetStatus
from contest.judging.totals import round_member_ids
from contest.publication import operations as pub
from contest.publication import status as status_data
from contest.results.decisions import active_decisions
from contest.results.flags import Flag
from contest.results.models import ResultRow
from contest.timeutil import utcnow
from tests import factories
from tests.publication.helpers import SLUG, compiled_edition, entry_id, resolve_flags


def row_by_row(edition, run, now) -> list[pub.Blocker]:
    """The blockers as ``publish.blockers`` computed them before issue 15: every row of the
    run loaded, checked in Python."""
    rows = db.session.scalars(
        select(ResultRow).where(ResultRow.run_id == run.id).order_by(ResultRow.position)
    ).all()
    out = []
    if pub.timeline.phase(edition, now) == pub.timeline.Phase.JUDGING:
        out.append(pub.Blocker(None, "", pub.JUDGING_OPEN, until=edition.judging_ends_at))
    submitted = func.sum(case((ScoreSheet.status == SheetStatus.SUBMITTED.value, 1), else_=0))
    drafts = func.sum(case((ScoreSheet.status == SheetStatus.DRAFT.value, 1), else_=0))
    counts = {
        e: (int(s or 0), int(d or 0))
        for e, s, d in db.session.execute(
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
    for row in rows:
        if row.entry_id not in accepted:
            continue
        n_submitted, n_drafts = counts.get(row.entry_id, (0, 0))
        if n_submitted < needed:
            out.append(
                pub.Blocker(row.entry_id, row.entry_code, pub.INCOMPLETE, needed - n_submitted)
            )
        elif Flag.INCOMPLETE in row.flag_list:
            out.append(pub.Blocker(row.entry_id, row.entry_code, pub.INCOMPLETE, 0))
        if n_drafts:
            out.append(pub.Blocker(row.entry_id, row.entry_code, pub.DRAFT_SHEETS, n_drafts))
    members = round_member_ids(edition, run.round) - {r.entry_id for r in rows}
    for entry_id_, code in db.session.execute(
        select(Entry.id, Entry.code).where(Entry.id.in_(members)).order_by(Entry.code, Entry.id)
    ):
        n_submitted, n_drafts = counts.get(entry_id_, (0, 0))
        code = code or f"#{entry_id_}"
        out.append(pub.Blocker(entry_id_, code, pub.INCOMPLETE, max(needed - n_submitted, 0)))
        if n_drafts:
            out.append(pub.Blocker(entry_id_, code, pub.DRAFT_SHEETS, n_drafts))
    decisions = active_decisions(run.round)
    decided_blocks = {
        (r.group_key, r.score)
        for r in rows
        if Flag.TIE_AT_QUOTA in r.flag_list and r.entry_id in decisions
    }
    for row in rows:
        for flag in pub.BLOCKING_FLAGS:
            if flag not in row.flag_list or row.entry_id in decisions:
                continue
            if flag == Flag.DISCREPANCY and Flag.PANEL_SCORE in row.flag_list:
                continue
            if flag == Flag.TIE_AT_QUOTA and (row.group_key, row.score) in decided_blocks:
                continue
            out.append(pub.Blocker(row.entry_id, row.entry_code, flag))
    return out


def _sheet(edition, entry: int, status: str, email: str) -> None:
    judge = factories.make_user(email, (), password=None, full_name="Giám khảo thêm", commit=False)
    row = db.session.get(Entry, entry)
    factories.make_score_sheet(row, judge, edition.rounds[-1], (), status=status, commit=False)
    commit()


def _late_entry(edition, code: str) -> int:
    a1 = db.session.get(Entry, entry_id("A1"))
    entry = factories.make_entry(
        edition, code, a1.field.code, title="Nhận muộn", source="web", summary="", authors=(),
        commit=False,
    )  # fmt: skip
    commit()
    return entry.id


def assert_same_as_row_by_row(edition) -> list[pub.Blocker]:
    run = pub.last_round_run(edition)
    now = utcnow()
    expected = row_by_row(edition, run, now)
    assert pub.blockers(edition, run, now) == expected
    for limit in range(len(expected) + 2):
        found = pub.find_blockers(edition, run, now, limit=limit)
        assert found.count == len(expected), limit
        assert found.shown == expected[:limit], limit
        assert found.hidden == len(expected) - len(expected[:limit])
    return expected


def test_every_kind_of_blocker_in_the_row_by_row_order(runner, tmp_path, users):
    edition = compiled_edition(runner, tmp_path)
    # Unresolved: A3/A4 tied at the quota, A5's discrepancy, A6 one sheet short.
    first = assert_same_as_row_by_row(edition)
    assert {(b.entry_code, b.flag) for b in first} == {
        ("A3", "TIE_AT_QUOTA"), ("A4", "TIE_AT_QUOTA"), ("A5", "DISCREPANCY"),
        ("A6", "INCOMPLETE"),
    }  # fmt: skip
    # An open window, drafts on listed entries, entries accepted after the compile (one with
    # a draft; "A10" sorts before "A9"), A6's missing sheet handed in after the compile.
    edition.judging_starts_at = utcnow() - timedelta(days=2)
    edition.judging_ends_at = utcnow() + timedelta(days=3)
    commit()
    _sheet(edition, entry_id("A2"), SheetStatus.DRAFT.value, "nhap-a2@example.vn")
    _sheet(edition, entry_id("A5"), SheetStatus.DRAFT.value, "nhap-a5@example.vn")
    late = _late_entry(edition, "A9")
    _sheet(edition, late, SheetStatus.DRAFT.value, "nhap-a9@example.vn")
    _sheet(edition, late, SheetStatus.SUBMITTED.value, "nop-a9@example.vn")
    _late_entry(edition, "A10")
    _sheet(edition, entry_id("A6"), SheetStatus.SUBMITTED.value, "nop-a6@example.vn")
    many = assert_same_as_row_by_row(edition)
    assert [b.flag for b in many][:1] == ["JUDGING_OPEN"]
    assert ("A6", "INCOMPLETE", 0) in {(b.entry_code, b.flag, b.count) for b in many}
    assert ("A9", "DRAFT_SHEETS", 1) in {(b.entry_code, b.flag, b.count) for b in many}
    # A withdrawn entry's sheets no longer block; its flags still do (as before).
    db.session.get(Entry, entry_id("A5")).status = "withdrawn"
    commit()
    assert_same_as_row_by_row(edition)


def test_decisions_and_panel_scores_resolve_the_flags_as_before(runner, tmp_path, users):
    edition = compiled_edition(runner, tmp_path)
    # A5 gets a panel score, A3 a decision (which settles A4's tie too); A6 stays short.
    resolve_flags(edition, users["organizer"], complete=False)
    assert [(b.entry_code, b.flag) for b in assert_same_as_row_by_row(edition)] == [
        ("A6", "INCOMPLETE")
    ]


def test_the_page_names_the_first_blockers_and_counts_the_others(
    client, login, runner, tmp_path, users, monkeypatch
):
    edition = compiled_edition(runner, tmp_path)
    _sheet(edition, entry_id("A2"), SheetStatus.DRAFT.value, "nhap-a2@example.vn")
    every = pub.blockers(edition, pub.last_round_run(edition))
    assert len(every) == 5
    monkeypatch.setattr(status_data, "BLOCKERS_SHOWN", 2)
    login(users["organizer"])
    html = client.get(f"/organizer/publication/{SLUG}").get_data(as_text=True)
    assert "còn 5 vấn đề chưa xử lý" in html
    named = [b for b in every if f'data-testid="blocker-{b.entry_code}-{b.flag}"' in html]
    assert named == every[:2]
    assert 'data-testid="blockers-more"' in html and "… và 3 vấn đề khác." in html
    assert 'name="override_reason"' in html
    monkeypatch.setattr(status_data, "BLOCKERS_SHOWN", 50)
    html = client.get(f"/organizer/publication/{SLUG}").get_data(as_text=True)
    assert 'data-testid="blockers-more"' not in html
    assert all(f'data-testid="blocker-{b.entry_code}-{b.flag}"' in html for b in every)
