"""Manual prize decisions: a special prize, resolving TIE_AT_QUOTA, removing a prize and
withdrawing a decision; refusals; audit; the effective prize; the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.entries.models import Entry
from contest.extensions import db
from contest.results import decisions
from contest.results.compile import latest_run
from contest.results.models import ResultRow
from contest.results.models_decisions import PrizeDecision
from tests import factories
from tests.results_review.helpers import SLUG, build, compile_now

URL = f"/organizer/results/{SLUG}"


def _entry_id(code: str) -> int:
    return db.session.scalar(select(Entry.id).where(Entry.code == code))


def _effective(round_) -> dict[str, str | None]:
    """Entry code → effective prize, from the latest run and the active decisions."""
    run = latest_run(round_)
    active = decisions.active_decisions(round_)
    rows = db.session.scalars(select(ResultRow).where(ResultRow.run_id == run.id))
    return {r.entry_code: decisions.effective(r, active.get(r.entry_id)).prize for r in rows}


@pytest.fixture()
def compiled(runner, tmp_path):
    edition = build(runner, tmp_path)
    compile_now(edition)
    round_ = edition.rounds[-1]
    return edition, round_, latest_run(round_)


def test_decisions_change_the_effective_prize_and_are_audited(compiled, users):
    edition, round_, run = compiled
    organizer = users["organizer"]
    proposal = _effective(round_)
    assert proposal == {
        "A1": "first", "A2": "second", "A3": "third", "A4": "third", "A5": None, "A6": None,
        "B1": "first",
    }  # fmt: skip

    def decide(code, prize, reason="Ban Tổ chức họp ngày 20/7"):
        d = decisions.decide(edition, round_, run, _entry_id(code), prize, reason, organizer)
        db.session.commit()
        return d

    decide("A1", "special")  # a level awarded by hand only
    decide("A3", "second", "Bốc thăm giữa A3 và A4")  # resolves the tie at second's quota
    decide("A4", None, "Vi phạm thể lệ")  # removes a prize
    eff = _effective(round_)
    assert (eff["A1"], eff["A3"], eff["A4"]) == ("special", "second", None)
    assert {k: v for k, v in eff.items() if k not in ("A1", "A3", "A4")} == {
        k: v for k, v in proposal.items() if k not in ("A1", "A3", "A4")
    }
    # the proposal itself (the run) is untouched
    assert db.session.scalar(select(ResultRow.prize_code).where(
        ResultRow.run_id == run.id, ResultRow.entry_code == "A1")) == "first"  # fmt: skip

    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "results.decide").order_by(AuditEntry.id)
    ).all()
    assert [(a.object_id, a.details["proposed"], a.details["prize"]) for a in audit] == [
        (str(_entry_id("A1")), "first", "special"),
        (str(_entry_id("A3")), "third", "second"),
        (str(_entry_id("A4")), "third", None),
    ]
    assert audit[1].details["reason"] == "Bốc thăm giữa A3 và A4"
    assert all(a.actor_id == organizer.id for a in audit)


def test_refusals(compiled, users):
    edition, round_, run = compiled
    organizer = users["organizer"]

    def refused(code, prize, reason="lý do", match=""):
        with pytest.raises(decisions.DecisionError, match=match):
            decisions.decide(edition, round_, run, _entry_id(code), prize, reason, organizer)
        db.session.rollback()

    refused("A2", "special", reason="   ", match="lý do")
    refused("A6", "special", match="chưa được xếp hạng")  # INCOMPLETE
    refused("A5", "first", match="xét tự động")  # an automatic level, no tie
    refused("A2", "second", match="không thay đổi")
    refused("A2", "nope", match="Không có giải")
    decisions.decide(edition, round_, run, _entry_id("A3"), "second", "bốc thăm", organizer)
    db.session.commit()
    refused("A4", "second", match="đã đủ 2 suất")  # quota of second in CNTT: A2 + A3
    decisions.decide(edition, round_, run, _entry_id("A1"), "special", "xuất sắc", organizer)
    db.session.commit()
    refused("B1", "special", match="đã đủ 1 suất")  # special: 1 over the whole edition
    assert db.session.scalar(select(db.func.count(PrizeDecision.id))) == 2


def test_the_pages_record_show_and_withdraw_decisions(compiled, client, login, users):
    edition, round_, run = compiled
    login(users["organizer"])
    a3 = _entry_id("A3")
    response = client.post(
        URL + "/decide",
        data={"round": "final", "entry_id": a3, "prize": "second", "reason": "Bốc thăm"},
    )
    assert response.status_code == 302
    html = client.get(URL).get_data(as_text=True)
    row = re.search(r'<tr data-testid="row-A3">(.*?)</tr>', html, re.S).group(1)
    assert "Đề xuất: Giải Ba" in row
    assert re.search(r'data-testid="decided">Quyết định của BTC: Giải Nhì', row)
    decision = db.session.scalars(select(PrizeDecision)).one()
    assert decision.prize_code == "second" and decision.proposed_code == "third"
    assert decision.run_id == run.id and decision.decided_by_id == users["organizer"].id

    # no reason: refused with the form's Vietnamese message, nothing recorded
    client.post(URL + "/decide", data={"round": "final", "entry_id": a3, "prize": ""})
    html = client.get(URL).get_data(as_text=True)
    assert "Vui lòng nhập thông tin này." in html
    assert db.session.scalar(select(db.func.count(PrizeDecision.id))) == 1

    # remove the prize (supersedes), then withdraw: back to the proposal
    client.post(
        URL + "/decide", data={"round": "final", "entry_id": a3, "prize": "", "reason": "Rút"}
    )
    db.session.expire_all()
    active = decisions.active_decisions(round_)[a3]
    assert active.prize_code is None and decision.superseded_at is not None
    assert "Đã thay bằng quyết định sau" in client.get(URL).get_data(as_text=True)
    client.post(
        URL + "/withdraw", data={"round": "final", "decision_id": active.id, "reason": "Nhầm"}
    )
    db.session.expire_all()
    assert a3 not in decisions.active_decisions(round_)
    assert _effective(round_)["A3"] == "third"
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("results.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["results.decide", "results.decide", "results.withdraw"]
    html = client.get(URL).get_data(as_text=True)
    assert "Đã hủy" in html and "Nhầm" in html
    assert 'data-testid="decided"' not in re.search(
        r'<tr data-testid="row-A3">(.*?)</tr>', html, re.S
    ).group(1)


def test_decisions_outlive_a_recompile(compiled, users):
    edition, round_, run = compiled
    decisions.decide(edition, round_, run, _entry_id("A1"), "special", "xuất sắc", users["admin"])
    db.session.commit()
    a5 = db.session.get(Entry, _entry_id("A5"))
    factories.make_panel_score(a5, round_, 60, "xem lại")
    compile_now(edition)
    assert latest_run(round_).number == 2
    assert _effective(round_)["A1"] == "special"
