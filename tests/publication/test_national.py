"""National selection, the domain: the default rule's proposal (order and cap), the
organizers' overrides (include / exclude / undo, reasons, audit, re-inclusion), warnings, and
the national results (only for selected entries, audited before → after)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.national import selection as national
from contest.national.models import NationalChoice, NationalResult
from contest.publication import operations as pub
from contest.publication.models import PublishedEntry
from tests.publication.national_helpers import (
    RULE_ORDER,
    entry_id,
    published_edition,
    tied_edition,
)


def _codes(entries) -> list[str]:
    return [getattr(e, "entry_code", None) or e.entry.entry_code for e in entries]


def _audits(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


@pytest.fixture()
def organizer(users):
    return users["organizer"]


@pytest.fixture()
def edition(runner, tmp_path, organizer):
    return published_edition(runner, tmp_path, organizer)


def _pe(code, position, score) -> PublishedEntry:
    return PublishedEntry(
        entry_code=code, prize_position=position, score=None if score is None else Decimal(score)
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a higher prize beats a higher score
        ([("X", 2, "99"), ("Y", 1, "60")], ["Y", "X"]),
        # same prize: score descending
        ([("X", 1, "80.50"), ("Y", 1, "80.75")], ["Y", "X"]),
        # same prize and score: entry code
        ([("B-2", 1, "80"), ("B-10", 1, "80"), ("A-9", 1, "80")], ["A-9", "B-10", "B-2"]),
        # no score comes after every score of the same prize, before a lower prize
        ([("N", 1, None), ("S", 1, "10"), ("L", 2, "99")], ["S", "N", "L"]),
    ],
)
def test_default_rule_order(rows, expected):
    entries = [_pe(*r) for r in rows]
    assert [e.entry_code for e in sorted(entries, key=national.order_key)] == expected


def test_proposal_takes_highest_prizes_first_up_to_national_max(edition):
    assert edition.national_max == 4
    assert _codes(national.proposal(edition)) == RULE_ORDER[:4]
    edition.national_max = 5
    assert _codes(national.proposal(edition)) == RULE_ORDER[:5]
    edition.national_max = 50
    assert _codes(national.proposal(edition)) == RULE_ORDER
    edition.national_max = 0
    assert national.proposal(edition) == []


def test_no_national_max_proposes_none(edition):
    edition.national_max = None
    assert national.proposal(edition) == []
    chosen = national.selection(edition)
    assert chosen.items == [] and _codes(chosen.others) == RULE_ORDER
    assert not chosen.over_limit


def test_no_publication_no_proposal(runner, tmp_path):
    from tests.publication.helpers import compiled_edition

    edition = compiled_edition(runner, tmp_path)
    assert national.proposal(edition) == []
    chosen = national.selection(edition)
    assert chosen.publication is None and chosen.items == [] and chosen.others == []


def test_same_prize_and_score_at_the_cut_goes_by_code_with_a_warning(runner, tmp_path, organizer):
    edition = tied_edition(runner, tmp_path, organizer)
    assert _codes(national.proposal(edition)) == ["C1", "C2"]
    chosen = national.selection(edition)
    assert chosen.tie_at_cut == ("C2", "C3")
    edition.national_max = 3
    assert national.selection(edition).tie_at_cut is None


def test_selection_numbers_items_and_says_why(edition):
    chosen = national.selection(edition)
    assert _codes(chosen.items) == RULE_ORDER[:4]
    assert [i.number for i in chosen.items] == [1, 2, 3, 4]
    assert [i.proposed for i in chosen.items] == [1, 2, 3, 4]
    assert chosen.items[0].why() == "Đề xuất theo quy tắc (thứ 1)"
    assert _codes(chosen.others) == ["A4", "A5"] and chosen.removed == []


def test_include_exclude_undo_with_reasons_audited(edition, organizer, users):
    admin = users["admin"]
    national.include(edition, entry_id("A5"), "  Sản phẩm có tính ứng dụng cao  ", organizer)
    db.session.commit()
    chosen = national.selection(edition)
    assert _codes(chosen.items) == ["B1", "A1", "A2", "A3", "A5"]  # rule order, then A5
    a5 = chosen.items[-1]
    assert a5.added and a5.proposed is None and a5.number == 5
    assert a5.why() == "Người dùng organizer bổ sung: Sản phẩm có tính ứng dụng cao"
    assert chosen.over_limit  # 5 > 4: allowed, with a warning

    national.exclude(edition, entry_id("A2"), "Tác giả xin rút", admin)
    db.session.commit()
    chosen = national.selection(edition)
    assert _codes(chosen.items) == ["B1", "A1", "A3", "A5"]  # no automatic replacement
    assert not chosen.over_limit
    assert _codes(chosen.removed) == ["A2"]
    assert chosen.removed[0].proposed == 3
    assert chosen.removed[0].why() == "Người dùng admin loại khỏi danh sách: Tác giả xin rút"

    # the removed entry may come back: by undoing the removal ...
    removal = chosen.removed[0].choice
    national.undo(edition, removal.id, "Tác giả đồng ý tham gia", organizer)
    db.session.commit()
    assert _codes(national.selection(edition).items) == ["B1", "A1", "A2", "A3", "A5"]
    # ... or by a new include after another removal
    national.exclude(edition, entry_id("A2"), "Rút lần hai", organizer)
    national.include(edition, entry_id("A2"), "Đưa lại theo công văn", organizer)
    db.session.commit()
    chosen = national.selection(edition)
    assert "A2" in _codes(chosen.items) and chosen.removed == []

    choices = db.session.scalars(select(NationalChoice).order_by(NationalChoice.id)).all()
    assert [(c.include, c.active) for c in choices] == [
        (True, True), (False, False), (False, False), (True, True),
    ]  # fmt: skip
    assert choices[1].undo_reason == "Tác giả đồng ý tham gia"
    assert choices[2].undo_reason == "" and choices[2].superseded_by_id == organizer.id
    assert choices[0].reason == "Sản phẩm có tính ứng dụng cao"  # trimmed
    includes = _audits("national.include")
    assert [a.details["entry"] for a in includes] == ["A5", "A2"]
    assert includes[0].details["reason"] == "Sản phẩm có tính ứng dụng cao"
    assert includes[0].details["before"] == "not selected" and includes[0].actor_id == organizer.id
    excludes = _audits("national.exclude")
    assert [(a.details["entry"], a.actor_id) for a in excludes] == [
        ("A2", admin.id), ("A2", organizer.id),
    ]  # fmt: skip
    undos = _audits("national.undo")
    assert len(undos) == 1 and undos[0].details["reason"] == "Tác giả đồng ý tham gia"


def test_reasons_are_required(edition, organizer):
    for reason in ("", "   ", None):
        with pytest.raises(national.NationalError, match="lý do"):
            national.include(edition, entry_id("A5"), reason, organizer)
        with pytest.raises(national.NationalError, match="lý do"):
            national.exclude(edition, entry_id("B1"), reason, organizer)
        choice = national.exclude(edition, entry_id("B1"), "Lý do thật", organizer)
        with pytest.raises(national.NationalError, match="lý do"):
            national.undo(edition, choice.id, reason, organizer)
        db.session.rollback()
    with pytest.raises(national.NationalError, match="Tối đa|tối đa"):
        national.include(edition, entry_id("A5"), "x" * 2001, organizer)
    db.session.rollback()
    assert db.session.scalar(select(NationalChoice.id)) is None
    assert _audits("national.include") == [] and _audits("national.exclude") == []


def test_refusals(edition, organizer):
    with pytest.raises(national.NationalError, match="đã có trong danh sách"):
        national.include(edition, entry_id("B1"), "Lý do", organizer)
    with pytest.raises(national.NationalError, match="đạt giải"):
        national.include(edition, entry_id("A6"), "Không đạt giải", organizer)  # not a winner
    with pytest.raises(national.NationalError, match="không có trong danh sách"):
        national.exclude(edition, entry_id("A5"), "Lý do", organizer)  # not selected
    with pytest.raises(national.NationalError, match="không còn hiệu lực"):
        national.undo(edition, 999999, "Lý do", organizer)
    choice = national.include(edition, entry_id("A5"), "Lý do", organizer)
    national.undo(edition, choice.id, "Nhầm", organizer)
    with pytest.raises(national.NationalError, match="không còn hiệu lực"):
        national.undo(edition, choice.id, "Lần nữa", organizer)  # undone already


def test_one_active_choice_per_entry_is_enforced_by_the_database(edition, organizer):
    national.include(edition, entry_id("A5"), "Lần một", organizer)
    db.session.commit()
    db.session.add(
        NationalChoice(edition_id=edition.id, entry_id=entry_id("A5"), include=True,
                       reason="Cùng lúc", decided_by_id=organizer.id)
    )  # fmt: skip
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.session.flush()
    db.session.rollback()


def test_a_concurrent_override_is_refused_with_a_message(edition, organizer, monkeypatch):
    """Two organizers add the same entry at the same moment: the second one's view of the
    overrides is stale (it saw none); the unique active choice refuses its write."""
    national.include(edition, entry_id("A5"), "Người thứ nhất", organizer)
    db.session.commit()
    monkeypatch.setattr(national, "active_choices", lambda edition: {})
    with pytest.raises(national.NationalError, match="người khác"):
        national.include(edition, entry_id("A5"), "Người thứ hai", organizer)
    db.session.rollback()
    monkeypatch.undo()
    assert [c.reason for c in national.active_choices(edition).values()] == ["Người thứ nhất"]


def test_include_of_an_entry_no_longer_winning_is_shown_as_a_warning(edition, organizer):
    national.include(edition, entry_id("A5"), "Ứng dụng tốt", organizer)
    db.session.commit()
    # a correction: A5 loses its prize (the panel score decision removes it) → version 2
    from contest.results import decisions
    from contest.results.compile import latest_run

    round_ = edition.rounds[-1]
    decisions.decide(
        edition, round_, latest_run(round_), entry_id("A5"), None, "Vi phạm", organizer
    )
    pub.publish(edition, organizer, note="Đính chính: A5 không đạt giải")
    db.session.commit()
    chosen = national.selection(edition)
    assert "A5" not in _codes(chosen.items + chosen.others + chosen.removed)
    assert [c.entry_id for c in chosen.stale_choices] == [entry_id("A5")]


def test_national_results_only_for_selected_and_audited(edition, organizer, users):
    with pytest.raises(national.NationalError, match="Chỉ ghi kết quả"):
        national.record_result(edition, entry_id("A5"), "Giải Ba", "", organizer)
    with pytest.raises(national.NationalError, match="Hãy ghi kết quả"):
        national.record_result(edition, entry_id("B1"), "   ", "", organizer)
    row = national.record_result(
        edition, entry_id("B1"), "  Giải   Ba ", "Quyết định số 12/QĐ", organizer
    )
    db.session.commit()
    assert (row.result, row.note, row.recorded_by_id) == (
        "Giải Ba", "Quyết định số 12/QĐ", organizer.id,
    )  # fmt: skip
    with pytest.raises(national.NationalError, match="không thay đổi"):
        national.record_result(edition, entry_id("B1"), "Giải Ba", "Quyết định số 12/QĐ", organizer)
    national.record_result(edition, entry_id("B1"), "Giải Nhì", "Đính chính", users["admin"])
    db.session.commit()
    rows = db.session.scalars(select(NationalResult)).all()
    assert [(r.entry_id, r.result) for r in rows] == [(entry_id("B1"), "Giải Nhì")]
    audits = _audits("national.result")
    assert [(a.details["before"], a.details["after"]) for a in audits] == [
        (None, {"result": "Giải Ba", "note": "Quyết định số 12/QĐ"}),
        (
            {"result": "Giải Ba", "note": "Quyết định số 12/QĐ"},
            {"result": "Giải Nhì", "note": "Đính chính"},
        ),
    ]
    assert audits[1].actor_id == users["admin"].id
    assert national.selection(edition).items[0].result.result == "Giải Nhì"
    # removed later: the result stays, flagged as belonging to an entry out of the list
    national.exclude(edition, entry_id("B1"), "Rút", organizer)
    db.session.commit()
    chosen = national.selection(edition)
    assert [r.entry_id for r in chosen.orphan_results] == [entry_id("B1")]
    with pytest.raises(national.NationalError, match="Chỉ ghi kết quả"):
        national.record_result(edition, entry_id("B1"), "Giải Nhất", "", organizer)
