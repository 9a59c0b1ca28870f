"""Publishing: gating by each blocking flag and how it is resolved (decision, panel score,
override with a reason), versions and corrections, immutability, and the posting period's
state machine (time-frozen)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging.panels import set_panel_score
from contest.publication import operations as pub
from contest.publication.models import PublishedEntry
from contest.publication.tasks import finalize_postings
from contest.results import decisions
from contest.results.compile import latest_run
from tests.publication.flow import T0, correct, published, ready_edition, version
from tests.publication.helpers import compiled_edition, entry_id, score_a6_late
from tests.results_review.helpers import compile_now


def complete_edition(runner, tmp_path):
    """The compiled edition once A6's missing sheet is in (only the flags block)."""
    edition = compiled_edition(runner, tmp_path)
    score_a6_late(edition)
    compile_now(edition)
    return edition


def _blockers(edition) -> set[tuple[str, str]]:
    return {(b.entry_code, b.flag) for b in pub.blockers(edition, pub.last_round_run(edition))}


def _refusal(edition, organizer, **kwargs) -> str:
    with pytest.raises(pub.PublishError) as refused:
        pub.publish(edition, organizer, **kwargs)
    db.session.rollback()
    return refused.value.message


def test_a_tie_at_quota_blocks_until_a_decision_for_any_entry_of_the_block(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = complete_edition(runner, tmp_path)
    assert _blockers(edition) == {
        ("A3", "TIE_AT_QUOTA"),
        ("A4", "TIE_AT_QUOTA"),
        ("A5", "DISCREPANCY"),
    }
    round_ = edition.rounds[-1]
    decisions.decide(
        edition, round_, latest_run(round_), entry_id("A4"), "second", "Bốc thăm", organizer
    )
    commit()
    # A4's decision resolves the whole tied block (A3 too); the discrepancy still blocks.
    assert _blockers(edition) == {("A5", "DISCREPANCY")}
    message = _refusal(edition, organizer)
    assert "A5" in message and "A3" not in message and "1 vấn đề" in message
    assert pub.latest_publication(edition) is None


def test_a_discrepancy_is_resolved_by_a_panel_score_or_by_a_decision(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = complete_edition(runner, tmp_path)
    round_ = edition.rounds[-1]
    a5 = db.session.get(Entry, entry_id("A5"))
    set_panel_score(edition, round_, a5, "56", "Hội đồng chấm lại", organizer)
    commit()
    assert ("A5", "DISCREPANCY") in _blockers(edition)  # not until the next compile
    compile_now(edition)
    assert _blockers(edition) == {("A3", "TIE_AT_QUOTA"), ("A4", "TIE_AT_QUOTA")}
    # The other way for a discrepancy: a decision on the entry (here: the special prize).
    set_panel_score(edition, round_, a5, None, "Bỏ điểm hội đồng", organizer)
    commit()
    compile_now(edition)
    assert ("A5", "DISCREPANCY") in _blockers(edition)
    run = latest_run(round_)
    decisions.decide(edition, round_, run, entry_id("A5"), "special", "Sáng tạo nổi bật", organizer)
    decisions.decide(edition, round_, run, entry_id("A3"), "second", "Bốc thăm", organizer)
    commit()
    assert _blockers(edition) == set()
    v1 = pub.publish(edition, organizer)
    commit()
    a5_published = next(e for e in v1.entries if e.entry_code == "A5")
    assert (a5_published.prize_code, a5_published.decided) == ("special", True)
    assert v1.override_reason == ""


def test_an_override_needs_a_reason_and_is_recorded_and_audited(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = complete_edition(runner, tmp_path)
    assert "lý do" in _refusal(edition, organizer, override_reason="   ")
    v1 = pub.publish(edition, organizer, override_reason="  Quyết định của Trưởng ban  ")
    commit()
    assert v1.override_reason == "Quyết định của Trưởng ban"
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publication.publish"))
    assert audit.actor_id == organizer.id
    assert audit.details["override_reason"] == "Quyết định của Trưởng ban"
    assert set(audit.details["overridden"]) == {
        "A3 TIE_AT_QUOTA",
        "A4 TIE_AT_QUOTA",
        "A5 DISCREPANCY",
    }
    # Without open flags a reason is not an override: nothing is recorded.
    resolve = latest_run(edition.rounds[-1])
    decisions.decide(
        edition, edition.rounds[-1], resolve, entry_id("A3"), "second", "Bốc thăm", organizer
    )
    decisions.decide(
        edition, edition.rounds[-1], resolve, entry_id("A5"), "special", "Nổi bật", organizer
    )
    commit()
    v2 = pub.publish(edition, organizer, note="Xử lý cờ", override_reason="Không cần")
    commit()
    assert v2.override_reason == ""


def test_versions_a_correction_needs_a_note_and_a_change_and_keeps_the_old_one(
    runner, tmp_path, users
):
    organizer = users["organizer"]
    edition, v1 = published(runner, tmp_path, organizer)
    assert "đính chính" in _refusal(edition, organizer)
    assert "không thay đổi" in _refusal(edition, organizer, note="Không đổi gì")
    correct(edition, organizer)
    v2 = pub.publish(edition, organizer, note="Bốc thăm lại giải Nhì")
    commit()
    v1 = version(edition, 1)
    assert (v2.version, v2.note) == (2, "Bốc thăm lại giải Nhì")
    assert v1.superseded_at == v2.published_at and v2.superseded_at is None
    assert pub.state(v1) == pub.State.SUPERSEDED and pub.state(v2) == pub.State.POSTING
    assert pub.latest_publication(edition).id == v2.id
    assert [p.version for p in pub.publications(edition)] == [2, 1]
    # The old version is still readable as it was published.
    prizes_v1 = {e.entry_code: e.prize_code for e in v1.entries}
    prizes_v2 = {e.entry_code: e.prize_code for e in v2.entries}
    assert (prizes_v1["A3"], prizes_v1["A4"]) == ("second", "third")
    assert (prizes_v2["A3"], prizes_v2["A4"]) == ("third", "second")
    changes = {d.entry_code: d for d in pub.differences(v1, v2)}
    assert set(changes) == {"A3", "A4"}
    assert changes["A4"].changes == ("prize_name",)
    assert (changes["A4"].before.prize_name, changes["A4"].after.prize_name) == (
        "Giải Ba",
        "Giải Nhì",
    )


def test_a_published_entry_cannot_be_updated(runner, tmp_path, users):
    edition, v1 = published(runner, tmp_path, users["organizer"])
    row = db.session.scalar(
        select(PublishedEntry).where(
            PublishedEntry.publication_id == v1.id, PublishedEntry.entry_code == "A4"
        )
    )
    row_id, before = row.id, row.prize_name
    row.prize_name = "Giải Nhất"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(PublishedEntry, row_id).prize_name == before == "Giải Ba"


def test_the_posting_period_ends_exactly_at_posting_ends_at(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = ready_edition(runner, tmp_path, organizer)
    with time_machine.travel(T0, tick=False):
        v1 = pub.publish(edition, organizer, posting_days=15)
        commit()
        assert v1.posting_ends_at == T0 + timedelta(days=15)
        assert pub.state(v1) == pub.State.POSTING
        assert pub.finalize_due() == 0
    with time_machine.travel(T0 + timedelta(days=15) - timedelta(microseconds=1), tick=False):
        assert pub.state(v1) == pub.State.POSTING
        assert pub.finalize_due() == 0
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        assert pub.state(v1) == pub.State.FINAL
        assert finalize_postings.delay().get() == 1  # the beat task, run in-process
        assert finalize_postings.delay().get() == 0  # finalized once
    db.session.expire_all()
    assert version(edition, 1).finalized_at == T0 + timedelta(days=15)


def test_zero_posting_days_is_final_at_once_and_a_superseded_version_is_never_final(
    runner, tmp_path, users
):
    organizer = users["organizer"]
    with time_machine.travel(T0, tick=False):
        edition, v1 = published(runner, tmp_path, organizer, posting_days=0)
        assert v1.posting_ends_at is None and v1.finalized_at == T0
        assert pub.state(v1) == pub.State.FINAL
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        correct(edition, organizer)
        v2 = pub.publish(edition, organizer, posting_days=10, note="Đính chính")
        commit()
        assert pub.state(version(edition, 1)) == pub.State.SUPERSEDED
        assert pub.state(v2) == pub.State.POSTING
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        assert pub.state(version(edition, 1)) == pub.State.SUPERSEDED
        assert pub.state(v2) == pub.State.FINAL
        assert pub.finalize_due() == 1
    assert pub.state(version(edition, 1), T0) == pub.State.SUPERSEDED


def test_posting_days_are_bounded(runner, tmp_path, users):
    edition = ready_edition(runner, tmp_path, users["organizer"])
    for days in (-1, 91):
        assert "0 đến 90" in _refusal(edition, users["organizer"], posting_days=days)
    v1 = pub.publish(edition, users["organizer"], posting_days=90)
    assert v1.posting_ends_at - v1.published_at == timedelta(days=90)


def test_finalize_is_on_the_beat_schedule(app):
    schedule = app.extensions["celery"].conf.beat_schedule["publication-finalize"]
    assert schedule["task"] == "publication.finalize" == finalize_postings.name
