"""Progress per panel and judge, the discrepancy list, the panel score and reopening."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.judging.models import PanelScore, ScoreSheet
from contest.judging.progress import discrepancies, progress_by_panel
from tests import factories
from tests.judging_ui.org_fixtures import submit_sheet


def _scenario(edition, final, entries, judges):
    """An: 2 due (1 submitted, 1 draft); Bình: 1 submitted; Chi: 1 due, not started."""
    submit_sheet(edition, final, entries[0], judges[0], (30, 30, 40))  # 100
    submit_sheet(edition, final, entries[0], judges[1], (10, 10, 20))  # 40
    submit_sheet(edition, final, entries[1], judges[0], (5,), status="draft")
    factories.make_assignment(entries[1], judges[2], final)


def test_progress_counts_per_panel_and_judge(edition, final, panel, entries, judges):
    _scenario(edition, final, entries, judges)
    cntt = next(p for p in progress_by_panel(edition, final) if p.field.code == "CNTT")
    counts = {j.email: (j.due, j.drafted, j.submitted, j.not_started) for j in cntt.judges}
    assert counts == {
        "gk1@example.vn": (2, 1, 1, 0),
        "gk2@example.vn": (1, 0, 1, 0),
        "gk3@example.vn": (1, 0, 0, 1),
    }
    assert (cntt.due, cntt.drafted, cntt.submitted) == (4, 1, 2)
    ck = next(p for p in progress_by_panel(edition, final) if p.field.code == "CK")
    assert ck.panel is None and ck.judges == []


def test_discrepancy_is_strictly_above_the_threshold(edition, final, panel, entries, judges):
    _scenario(edition, final, entries, judges)
    found = discrepancies(edition, final)
    assert [(d.entry_code, d.spread) for d in found] == [("CNTT-001", Decimal(60))]
    assert sorted(t.total for t in found[0].totals) == [Decimal(40), Decimal(100)]
    edition.discrepancy_threshold = Decimal(60)  # max − min = threshold: not a discrepancy
    db.session.commit()
    assert discrepancies(edition, final) == []


def test_progress_page_shows_counts_and_discrepancies(
    client, login, organizer, edition, final, panel, entries, judges
):
    _scenario(edition, final, entries, judges)
    login(organizer)
    html = client.get(f"/organizer/judging/{edition.slug}/progress").get_data(as_text=True)
    assert 'data-testid="discrepancy-CNTT-001"' in html
    assert "TS. Lê Văn An: 100" in html and "Phạm Thị Bình: 40" in html
    assert "Hoàng Thị Tác Giả" not in html  # no author names needed here


def test_panel_score_with_reason_is_recorded_and_audited(
    client, login, organizer, edition, final, panel, entries, judges
):
    _scenario(edition, final, entries, judges)
    login(organizer)
    url = f"/organizer/judging/{edition.slug}/entries/{entries[0].id}"
    response = client.post(url, data={"score": "72,5", "reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    response = client.post(url, data={"score": "120", "reason": "xem lại"})
    assert response.status_code == 400
    assert "từ 0 đến 100" in response.get_data(as_text=True)
    response = client.post(url, data={"score": "72,5", "reason": "Tiểu ban họp xem lại"})
    assert response.status_code == 302
    stored = db.session.scalars(select(PanelScore)).one()
    assert (stored.score, stored.reason) == (Decimal("72.5"), "Tiểu ban họp xem lại")
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "judging.panel_score"))
        .one()
        .details["new"]
        == "72.5"
    )
    assert "72.50" in client.get(url).get_data(as_text=True)


def test_reopen_needs_a_reason_and_is_audited(
    client, login, organizer, edition, final, panel, entries, judges
):
    sheet = submit_sheet(edition, final, entries[0], judges[0], (30, 30, 40))
    login(organizer)
    url = f"/organizer/judging/{edition.slug}/sheets/reopen"
    response = client.post(url, data={"sheet_id": sheet.id, "reason": ""}, follow_redirects=True)
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).status == "submitted"
    client.post(url, data={"sheet_id": sheet.id, "reason": "Nhầm tiêu chí"})
    db.session.expire_all()
    reopened = db.session.get(ScoreSheet, sheet.id)
    assert (reopened.status, reopened.reopen_reason) == ("draft", "Nhầm tiêu chí")
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "judging.sheet_reopen"))
        .one()
        .details["reason"]
        == "Nhầm tiêu chí"
    )
