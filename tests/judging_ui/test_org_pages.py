"""The organizer's judging pages: every page renders for organizers, others get 403; panels
(add, invite, chair, remove with void), conflicts, automatic and manual assignment."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.accounts.models import Role
from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.judging.models import Assignment, Conflict, PanelMember, ScoreSheet
from tests import factories
from tests.judging_ui.org_fixtures import submit_sheet

PAGES = ("", "conflicts", "assignment", "progress", "import", "export.xlsx", "paper.pdf")


def _url(edition, page: str) -> str:
    return f"/organizer/judging/{edition.slug}/{page}"


def test_every_page_renders_for_organizers(client, login, organizer, edition, panel, entries):
    login(organizer)
    assert client.get("/organizer/judging/").status_code == 200
    for page in PAGES:
        response = client.get(_url(edition, page))
        assert response.status_code == 200, page
    response = client.get(_url(edition, f"entries/{entries[0].id}"))
    assert response.status_code == 200
    assert "Chấm thi" in client.get("/organizer/judging/").get_data(as_text=True)


def test_non_organizers_are_refused(client, login, edition, judges):
    judge = factories.make_user("gk-login@example.vn", (Role.JUDGE,))
    login(judge)
    for page in PAGES:
        assert client.get(_url(edition, page)).status_code == 403, page
    assert client.post(_url(edition, "assignment/auto")).status_code == 403


def test_unknown_edition_or_round_is_404(client, login, organizer, edition):
    login(organizer)
    assert client.get("/organizer/judging/khong-co/").status_code == 404
    assert client.get(_url(edition, "?round=khong-co")).status_code == 404


def test_add_existing_judges_and_name_a_chair(client, login, organizer, edition, judges):
    login(organizer)
    field = edition.field_by_code("CNTT")
    response = client.post(
        _url(edition, "panels/add"),
        data={"field_id": field.id, "emails": "gk1@example.vn\ngk2@example.vn"},
    )
    assert response.status_code == 302
    members = db.session.scalars(select(PanelMember.judge_id)).all()
    assert sorted(members) == [judges[0].id, judges[1].id]
    panel_id = db.session.scalar(select(PanelMember.panel_id))
    client.post(
        _url(edition, "panels/chair"), data={"panel_id": panel_id, "judge_id": judges[1].id}
    )
    page = client.get(_url(edition, "")).get_data(as_text=True)
    assert "Chủ tịch" in page and "Phạm Thị Bình" in page
    # a non-judge account is refused with the domain's message
    response = client.post(
        _url(edition, "panels/add"),
        data={"field_id": field.id, "emails": organizer.email},
        follow_redirects=True,
    )
    assert "không phải tài khoản giám khảo" in response.get_data(as_text=True)


def test_invite_a_new_judge_by_email(client, login, organizer, edition, outbox):
    login(organizer)
    field = edition.field_by_code("CK")
    response = client.post(
        _url(edition, "panels/invite"),
        data={"field_id": field.id, "email": "moi@example.vn", "full_name": "Ngô Thị Mới"},
        follow_redirects=True,
    )
    assert "Đã mời moi@example.vn" in response.get_data(as_text=True)
    assert [m["To"] for m in outbox] == ["moi@example.vn"]
    assert db.session.scalar(select(func.count(PanelMember.id))) == 1


def test_invalid_invitation_shows_vietnamese_error(client, login, organizer, edition):
    login(organizer)
    field = edition.field_by_code("CK")
    response = client.post(
        _url(edition, "panels/invite"),
        data={"field_id": field.id, "email": "khong-hop-le"},
        follow_redirects=True,
    )
    assert "Địa chỉ e-mail không hợp lệ." in response.get_data(as_text=True)


@pytest.mark.parametrize("void", [False, True])
def test_remove_judge_keeps_or_voids_submitted(
    client, login, organizer, edition, final, panel, entries, judges, void
):
    submit_sheet(edition, final, entries[0], judges[0], (20, 20, 30))
    submit_sheet(edition, final, entries[1], judges[0], (10, 10), status="draft")
    login(organizer)
    data = {"panel_id": panel.id, "judge_id": judges[0].id}
    if void:
        data["void"] = "y"
    client.post(_url(edition, "panels/remove"), data=data)
    statuses = db.session.scalars(select(ScoreSheet.status)).all()
    assert statuses == ([] if void else ["submitted"])
    assert judges[0].id not in db.session.scalars(select(PanelMember.judge_id)).all()
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.remove_judge")
    ).one()
    assert audit.details["drafts_deleted"] == 1
    assert len(audit.details["voided"]) == (1 if void else 0)


def test_conflicts_listed_and_declared(client, login, organizer, edition, panel, entries, judges):
    login(organizer)
    response = client.post(
        _url(edition, "conflicts/add"),
        data={"judge_id": judges[2].id, "kind": "entry", "target": "CNTT-002", "note": "họ hàng"},
    )
    assert response.status_code == 302
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.kind, conflict.origin, conflict.entry_id) == (
        "entry",
        "organizer",
        entries[1].id,
    )
    page = client.get(_url(edition, "conflicts")).get_data(as_text=True)
    assert "đã khai xung đột với hồ sơ này" in page and "Đỗ Minh Chi" in page
    response = client.post(
        _url(edition, "conflicts/add"),
        data={"judge_id": judges[2].id, "kind": "entry", "target": "XX-999"},
        follow_redirects=True,
    )
    assert "Không có hồ sơ mã “XX-999”" in response.get_data(as_text=True)


def test_auto_assign_shows_shortfalls(client, login, organizer, edition, panel, entries, judges):
    make = __import__("tests.judging.conftest", fromlist=["make_entry"]).make_entry
    make(edition, "CK-001", field="CK")  # CK has no panel
    login(organizer)
    response = client.post(_url(edition, "assignment/auto"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Assignment.id))) == 4
    assert "CK-001" in page and "lĩnh vực chưa có tiểu ban" in page


def test_manual_assign_refuses_conflict_and_unassigns(
    client, login, organizer, edition, panel, entries, judges
):
    login(organizer)
    client.post(
        _url(edition, "conflicts/add"),
        data={"judge_id": judges[0].id, "kind": "entry", "target": "CNTT-001"},
    )
    response = client.post(
        _url(edition, "assignment/assign"),
        data={"entry_id": entries[0].id, "judge_id": judges[0].id},
        follow_redirects=True,
    )
    assert "không được chấm hồ sơ CNTT-001" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    client.post(
        _url(edition, "assignment/assign"),
        data={"entry_id": entries[0].id, "judge_id": judges[1].id},
    )
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
    client.post(
        _url(edition, "assignment/unassign"),
        data={"entry_id": entries[0].id, "judge_id": judges[1].id},
    )
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
