"""Invitations with several provinces on one instance (issue 17 part 2): an organizer bound
to a province gives the organizers and judges they invite that province and cannot invite
into another one (nor invite an administrator); an administrator or an instance-wide organizer
chooses the province, or none ("Toàn hệ thống")."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from contest.accounts import invitations
from contest.accounts.models import Role, User
from contest.accounts.operations import AccountError
from contest.areas.models import Area, AreaLevel
from contest.areas.provinces import Binding, binding_of
from contest.audit.models import AuditEntry
from contest.extensions import db
from tests import factories


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _invite(client, email, role, **extra):
    data = {"email": email, "full_name": "Người được mời", "role": role, "area": "", **extra}
    return client.post("/invite", data=data)


@pytest.fixture()
def provinces(users):
    """Tuyên Quang (of ``users``) and Hà Nội with a commune; the organizer bound to
    Tuyên Quang."""
    tuyen_quang = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    ha_noi = Area(name="Thành phố Hà Nội", level=AreaLevel.PROVINCE.value, code="01")
    commune = Area(name="Phường Ba Đình", level=AreaLevel.COMMUNE.value, parent=ha_noi)
    db.session.add_all([ha_noi, commune])
    users["organizer"].roles[0].area = tuyen_quang
    db.session.commit()
    return {"tq": tuyen_quang, "hn": ha_noi, "hn_commune": commune}


def _row(user: User, role: str):
    return next(r for r in user.roles if r.role == role)


def test_a_bound_organizer_invites_into_their_province(client, login, users, provinces, outbox):
    login(users["organizer"])
    page = unescape(client.get("/invite").get_data(as_text=True))
    assert 'name="province"' not in page  # no choice
    assert "Ban Tổ chức và giám khảo được mời thuộc Tuyên Quang." in page
    # A province posted anyway is ignored: the invitees get the organizer's.
    for email, role in (("gk@example.vn", "judge"), ("btc2@example.vn", "organizer")):
        response = _invite(client, email, role, province=str(provinces["hn"].id))
        assert response.status_code == 302
        invitee = _user(email)
        assert _row(invitee, role).area_id == provinces["tq"].id
    assert binding_of(_user("btc2@example.vn")) == Binding(provinces["tq"].id, strict=True)
    assert binding_of(_user("gk@example.vn")) == Binding(provinces["tq"].id, strict=False)
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.invite").order_by(AuditEntry.id)
    ).all()
    assert [a.details["province_id"] for a in audit] == [provinces["tq"].id] * 2
    assert "Tuyên Quang" in outbox[0].get_content()


def test_a_bound_organizer_cannot_invite_elsewhere_or_an_administrator(
    client, login, users, provinces
):
    organizer = users["organizer"]
    # The operation refuses another province, a coordinator of another province's commune,
    # and an administrator, whatever the page sends.
    with pytest.raises(AccountError, match="tỉnh, thành phố của mình"):
        invitations.invite(organizer, "x@example.vn", "X", "judge", province=provinces["hn"])
    db.session.rollback()
    with pytest.raises(AccountError, match="địa bàn thuộc tỉnh mình"):
        invitations.invite(
            organizer, "x@example.vn", "X", "coordinator", area=provinces["hn_commune"]
        )
    db.session.rollback()
    with pytest.raises(AccountError, match="Chỉ mời được"):
        invitations.invite(organizer, "x@example.vn", "X", "admin")
    db.session.rollback()
    assert _user("x@example.vn") is None
    # The page too: an administrator is not a choice; another province's area neither.
    login(organizer)
    response = _invite(client, "x@example.vn", "admin")
    assert response.status_code == 200 and "Vai trò không hợp lệ." in unescape(
        response.get_data(as_text=True)
    )
    response = _invite(client, "x@example.vn", "coordinator", area=str(provinces["hn_commune"].id))
    assert response.status_code == 200 and _user("x@example.vn") is None


def test_someone_of_another_province_is_not_moved(client, login, users, provinces):
    judge_hn = factories.make_user("gk.hanoi@example.vn", roles=())
    invitations.invite(users["admin"], judge_hn.email, "", "judge", province=provinces["hn"])
    db.session.commit()
    login(users["organizer"])
    response = _invite(client, judge_hn.email, "judge")
    assert response.status_code == 200
    assert "đã có vai trò Giám khảo của Thành phố Hà Nội" in unescape(
        response.get_data(as_text=True)
    )
    assert _row(_user(judge_hn.email), "judge").area_id == provinces["hn"].id


@pytest.mark.parametrize("inviter", ["admin", "organizer"])
def test_instance_wide_staff_choose_the_province(client, login, users, provinces, inviter):
    if inviter == "organizer":
        users["organizer"].roles[0].area = None  # instance-wide again
        db.session.commit()
    login(users[inviter])
    page = unescape(client.get("/invite").get_data(as_text=True))
    assert 'name="province"' in page and ">Toàn hệ thống<" in page
    assert ">Thành phố Hà Nội<" in page
    response = _invite(client, "btc.hn@example.vn", "organizer", province=str(provinces["hn"].id))
    assert response.status_code == 302
    assert binding_of(_user("btc.hn@example.vn")) == Binding(provinces["hn"].id, strict=True)
    response = _invite(client, "gk.quocgia@example.vn", "judge", province="")
    assert response.status_code == 302
    assert _row(_user("gk.quocgia@example.vn"), "judge").area_id is None
    # A commune is not a province.
    response = _invite(client, "sai@example.vn", "judge", province=str(provinces["hn_commune"].id))
    assert response.status_code == 200 and _user("sai@example.vn") is None


def test_a_coordinator_gets_no_province_row(app, users, provinces):
    invitation = invitations.invite(
        users["admin"],
        "dp@example.vn",
        "",
        Role.COORDINATOR.value,
        area=provinces["hn_commune"],
        province=provinces["tq"],
    )
    db.session.commit()
    assert invitation.province is None
    assert _row(invitation.user, "coordinator").area_id == provinces["hn_commune"].id


def test_pending_invitations_of_another_province_are_neither_listed_nor_resent(
    client, login, users, provinces
):
    admin = users["admin"]
    invitations.invite(admin, "gk.hanoi@example.vn", "", "judge", province=provinces["hn"])
    invitations.invite(admin, "gk.tq@example.vn", "", "judge", province=provinces["tq"])
    db.session.commit()
    pending = invitations.pending_invitations(actor=users["organizer"])
    assert [t.user.email for t in pending] == ["gk.tq@example.vn"]
    assert len(invitations.pending_invitations(actor=admin)) == 2
    login(users["organizer"])
    page = client.get("/invite").get_data(as_text=True)
    assert "gk.tq@example.vn" in page and "gk.hanoi@example.vn" not in page
    hanoi_token = next(
        t for t in invitations.pending_invitations(actor=admin) if t.user.email.startswith("gk.h")
    )
    response = client.post(f"/invite/{hanoi_token.id}/resend", follow_redirects=True)
    assert "Lời mời này không còn chờ nhận." in unescape(response.get_data(as_text=True))
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.invite_resend")
    ).all()
