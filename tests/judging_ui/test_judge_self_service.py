"""Judges serve themselves: a judge declares a conflict on an assigned entry (a reason from
the list and text; the assignment goes; organizers see it with the entry short of judges and a
proposed replacement, assigned in one click), states their fields of expertise (invitation,
profile; automatic assignment prefers them), reads each criterion's guidance on the sheet, and
goes to the next entry to score after submitting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.accounts import invitations
from contest.accounts.models import Role
from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.judging import assigning, sheets
from contest.judging.conflicts import ConflictRefused
from contest.judging.models import Assignment, Conflict, ScoreSheet
from contest.judging.self_declared import declare_on_entry, self_declared_rows
from tests import factories
from tests.judging.conftest import make_entry
from tests.judging_ui import judge_fixtures

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned

FULL = {"novelty": "25", "applicability": "20", "effect": "30"}


def _judges_of(entry) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(select(Assignment.judge_id).where(Assignment.entry_id == entry.id))
    )


def _post_sheet(client, edition, entry, round_, **points):
    data = {"version": "1", "comment": "", "action": "submit"}
    data.update({f"c{c.id}": points[c.code] for c in edition.active_criteria})
    return client.post(f"/judge/entries/{entry.id}/sheet/{round_.id}", data=data)


# --- The domain -------------------------------------------------------------------------------


def test_same_unit_covers_every_entry_of_the_unit_and_keeps_the_reason(open_edition, final, judges):
    an = judges[0]
    first = make_entry(open_edition, "GK-1", unit_name="Trường THPT Chiêm Hóa")
    second = make_entry(open_edition, "GK-2", unit_name="Trường THPT Chiêm Hóa")
    other = make_entry(open_edition, "GK-3", unit_name="Trường THCS Khác")
    assigning.assign_entries_to_judge(open_edition, final, an, [first, second, other], None)
    draft = sheets.open_sheet(an, first, final)
    sheets.save_draft(draft, an, {"novelty": "5"}, "", 1)
    db.session.commit()

    conflict = declare_on_entry(an, first, "same_unit", "Tôi dạy ở trường này")
    db.session.commit()

    assert (conflict.kind, conflict.origin, conflict.judge_reason) == (
        "unit",
        "declared",
        "same_unit",
    )
    assert conflict.entry_id == first.id and conflict.note == "Tôi dạy ở trường này"
    assert an.id not in _judges_of(first) and an.id not in _judges_of(second)
    assert an.id in _judges_of(other)
    assert db.session.scalars(select(ScoreSheet)).all() == []  # the draft went
    assert len(conflict.dropped.pairs) == 2


@pytest.mark.parametrize(
    ("reason", "text", "message"),
    [
        ("other", "  ", "Hãy ghi rõ lý do xung đột."),
        ("", "", "Hãy chọn lý do xung đột."),
        ("friend", "x", "Hãy chọn lý do xung đột."),
    ],
)
def test_a_declaration_without_a_usable_reason_is_refused(
    open_edition, final, judges, assigned, reason, text, message
):
    with pytest.raises(ConflictRefused) as caught:
        declare_on_entry(judges[0], assigned, reason, text)
    assert str(caught.value.message) == message
    db.session.rollback()
    assert judges[0].id in _judges_of(assigned)


def test_mentored_becomes_a_mentor_conflict_on_the_entry(open_edition, final, judges, assigned):
    conflict = declare_on_entry(judges[1], assigned, "mentored")
    db.session.commit()
    assert (conflict.kind, conflict.entry_id) == ("mentor", assigned.id)
    assert _judges_of(assigned) == {judges[0].id}


# --- The judge's pages ------------------------------------------------------------------------


def test_a_judge_declares_a_conflict_from_the_entry_page(
    client, login, open_edition, final, judges, assigned
):
    an = judges[0]
    login(an)
    page = client.get(f"/judge/entries/{assigned.id}").get_data(as_text=True)
    assert "Khai báo xung đột lợi ích với hồ sơ này" in page
    assert "Người thân của tác giả hoặc người hướng dẫn" in page
    sheet_page = client.get(f"/judge/entries/{assigned.id}/sheet/{final.id}").get_data(as_text=True)
    assert 'data-testid="conflict-form"' in sheet_page

    response = client.post(
        f"/judge/entries/{assigned.id}/conflict",
        data={"reason": "relative", "text": "Tác giả là cháu tôi"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/judge/")
    home = client.get("/judge/").get_data(as_text=True)
    assert "Đã ghi xung đột lợi ích với hồ sơ STKT-CNTT-001" in home
    assert _judges_of(assigned) == {judges[1].id}
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.kind, conflict.origin, conflict.judge_reason) == (
        "entry",
        "declared",
        "relative",
    )
    assert conflict.created_by_id == an.id
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"judging.conflict_declare", "judging.unassign_conflict"} <= actions
    # The entry no longer exists for the judge.
    assert client.get(f"/judge/entries/{assigned.id}").status_code == 404
    assert (
        client.post(
            f"/judge/entries/{assigned.id}/conflict", data={"reason": "other", "text": "x"}
        ).status_code
        == 404
    )


def test_other_without_text_is_refused_and_the_text_kept(
    client, login, open_edition, final, judges, assigned
):
    login(judges[0])
    response = client.post(f"/judge/entries/{assigned.id}/conflict", data={"reason": "other"})
    assert response.status_code == 422
    assert "Hãy ghi rõ lý do xung đột." in response.get_data(as_text=True)
    assert judges[0].id in _judges_of(assigned)
    assert db.session.scalars(select(Conflict)).all() == []


def test_another_judge_cannot_declare_on_an_entry_not_assigned_to_them(
    client, login, open_edition, final, judges, assigned
):
    login(judges[2])
    response = client.post(
        f"/judge/entries/{assigned.id}/conflict", data={"reason": "relative", "text": ""}
    )
    assert response.status_code == 404
    assert db.session.scalars(select(Conflict)).all() == []


# --- The organizer sees it, with a replacement ------------------------------------------------


def test_organizers_see_the_declaration_and_assign_the_proposed_judge_in_one_click(
    client, login, open_edition, final, judges, assigned, panel, organizer
):
    busy = make_entry(open_edition, "STKT-CNTT-009")
    assigning.assign_judges_to_entry(open_edition, final, busy, [judges[1]], None)
    db.session.commit()
    declare_on_entry(judges[0], assigned, "relative", "Cháu ruột")
    db.session.commit()

    [row] = self_declared_rows(open_edition, final)
    assert (row.judges_now, row.missing) == (1, 1)
    assert row.proposal.id == judges[2].id  # on the panel, no conflict, not on the entry

    login(organizer)
    for page in ("progress", "conflicts"):
        html = client.get(f"/organizer/judging/{open_edition.slug}/{page}").get_data(as_text=True)
        assert "Giám khảo tự khai xung đột" in html
        assert "Người thân của tác giả hoặc người hướng dẫn — Cháu ruột" in html
        assert "thiếu 1" in html and "Phân công Đỗ Minh Chi" in html
    # The declared list names the kind and the judge's reason in words.
    assert "Hồ sơ (theo mã) (giám khảo tự khai: Người thân của tác giả" in html

    response = client.post(
        f"/organizer/judging/{open_edition.slug}/assignment/assign",
        data={"round": final.code, "entry_id": assigned.id, "judge_id": judges[2].id,
              "back": "progress"},
    )  # fmt: skip
    assert response.status_code == 302 and "/progress" in response.headers["Location"]
    assert _judges_of(assigned) == {judges[1].id, judges[2].id}
    html = client.get(f"/organizer/judging/{open_edition.slug}/progress").get_data(as_text=True)
    assert "Đã đủ giám khảo" in html


def test_the_proposal_prefers_the_least_loaded_expert_and_never_a_conflicted_judge(
    open_edition, final, judges, assigned, panel
):
    extra = factories.make_user("gk4@example.vn", (Role.JUDGE,), full_name="Vũ Văn Dũng")
    panel.members.append(type(panel.members[0])(judge_id=extra.id))
    db.session.commit()
    declare_on_entry(judges[0], assigned, "other", "Đã góp ý cho tác giả")
    db.session.commit()
    # Chi and Dũng have no assignment: the smaller id wins, unless Dũng is an expert.
    assert assigning.propose_replacement(open_edition, final, assigned).id == judges[2].id
    extra.expertise = ["Công nghệ thông tin"]
    db.session.commit()
    assert assigning.propose_replacement(open_edition, final, assigned).id == extra.id
    # Dũng declares the entry's unit his own: Chi again.
    judges[2].unit_name = "Trường Xa"
    extra.unit_name = assigned.unit_name = "Trường Gần"
    db.session.commit()
    assert assigning.propose_replacement(open_edition, final, assigned).id == judges[2].id


# --- Expertise ----------------------------------------------------------------------------------


def test_an_invited_judge_states_expertise_and_edits_it_on_the_profile(
    client, login, open_edition, organizer
):
    invitation = invitations.invite(organizer, "moi@example.vn", "Hồ Thị Mới", Role.JUDGE.value)
    db.session.commit()
    page = client.get(f"/invitation/{invitation.token}").get_data(as_text=True)
    assert "Lĩnh vực chuyên môn" in page
    assert "Công nghệ thông tin, điện tử, viễn thông" in page  # a field of a current edition
    response = client.post(
        f"/invitation/{invitation.token}",
        data={
            "password": factories.PASSWORD,
            "confirm": factories.PASSWORD,
            "expertise": ["Công nghệ thông tin, điện tử, viễn thông"],
            "expertise_other": "Robot; tự động hoá, robot",
        },
    )
    assert response.status_code == 302
    user = invitation.user
    db.session.expire_all()
    assert user.expertise == ["Công nghệ thông tin, điện tử, viễn thông", "Robot", "tự động hoá"]

    profile = client.get("/profile").get_data(as_text=True)
    assert "Robot, tự động hoá" in profile
    response = client.post(
        "/profile",
        data={"full_name": "Hồ Thị Mới", "expertise_other": "Hóa học"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert user.expertise == ["Hóa học"]


def test_an_entrant_profile_has_no_expertise(client, login, app):
    entrant = factories.make_user("ts@example.vn", (Role.ENTRANT,), full_name="Thí Sinh")
    login(entrant)
    assert "Lĩnh vực chuyên môn" not in client.get("/profile").get_data(as_text=True)


def test_automatic_assignment_prefers_the_expert(open_edition, final, judges, panel, organizer):
    entry = make_entry(open_edition, "STKT-CNTT-005")
    judges[2].expertise = ["công nghệ thông tin"]  # a part of the field's name, any case
    db.session.commit()
    assigning.auto_assign(open_edition, final, organizer)
    db.session.commit()
    assert _judges_of(entry) == {judges[0].id, judges[2].id}  # not An and Bình (ids)


def test_automatic_assignment_never_gives_a_conflicted_expert(
    open_edition, final, judges, panel, organizer
):
    entry = make_entry(open_edition, "STKT-CNTT-006", unit_name="Trường Gần")
    judges[2].expertise = ["CNTT"]
    judges[2].unit_name = "Trường Gần"
    db.session.commit()
    assigning.auto_assign(open_edition, final, organizer)
    db.session.commit()
    assert _judges_of(entry) == {judges[0].id, judges[1].id}


# --- The sheet: guidance, next entry ------------------------------------------------------------


def test_the_sheet_shows_guidance_beside_the_entry(
    client, login, open_edition, final, judges, assigned
):
    criterion = open_edition.active_criteria[0]
    criterion.guidance = "Điểm cao: chưa từng có; điểm thấp: cải tiến nhỏ."
    db.session.commit()
    login(judges[0])
    page = client.get(f"/judge/entries/{assigned.id}/sheet/{final.id}").get_data(as_text=True)
    assert f'data-testid="guidance-{criterion.code}"' in page
    assert "Điểm cao: chưa từng có; điểm thấp: cải tiến nhỏ." in page
    assert 'data-testid="pane-entry"' in page and 'data-testid="judge-entry-summary"' in page
    assert "js/sheet-keys.js" in page and "css/judge_sheet.css" in page


def test_after_submitting_the_judge_goes_to_the_next_entry_then_home_when_done(
    client, login, open_edition, final, judges, assigned
):
    second = make_entry(open_edition, "STKT-CNTT-002")
    third = make_entry(open_edition, "STKT-CNTT-003")
    assigning.assign_entries_to_judge(open_edition, final, judges[0], [second, third], None)
    db.session.commit()
    login(judges[0])
    # Third submitted first: next is the one after it in the list, wrapping to the first.
    response = _post_sheet(client, open_edition, third, final, **FULL)
    assert response.headers["Location"].endswith(f"/judge/entries/{assigned.id}/sheet/{final.id}")
    response = _post_sheet(client, open_edition, assigned, final, **FULL)
    assert response.headers["Location"].endswith(f"/judge/entries/{second.id}/sheet/{final.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tiếp theo: hồ sơ STKT-CNTT-002" in page
    response = _post_sheet(client, open_edition, second, final, **FULL)
    assert response.headers["Location"].endswith("/judge/")
    assert "Bạn đã chấm xong mọi hồ sơ được phân công." in client.get("/judge/").get_data(
        as_text=True
    )
