"""Organizers invite judges and coordinators; the invitee sets a password from the link."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from contest.accounts.models import AuthToken, Role, TokenPurpose, User
from contest.accounts.passwords import verify_password
from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories

from .helpers import is_logged_in, link_from, login_ok

INVITEE_PASSWORD = "Giám khảo mới 2025"


def _invite(client, email="giamkhao.moi@example.vn", role="judge", area="", name="TS. Vũ Thị Lan"):
    return client.post(
        "/invite", data={"email": email, "full_name": name, "role": role, "area": area}
    )


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def test_invite_is_for_organizers_only(app, client, users, login):
    response = client.get("/invite")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("judge", "entrant", "coordinator"):
        other = app.test_client()
        login_ok(other, users[role].email)
        assert other.get("/invite").status_code == 403
        assert _invite(other).status_code == 403
    assert _user("giamkhao.moi@example.vn") is None
    for role in ("organizer", "admin"):
        other = app.test_client()
        login_ok(other, users[role].email)
        assert other.get("/invite").status_code == 200


def test_invitation_flow_end_to_end(app, client, users, login, outbox):
    login(users["organizer"])
    response = _invite(client, email="  GiamKhao.Moi@Example.vn ")
    assert response.status_code == 302

    invitee = _user("giamkhao.moi@example.vn")
    assert invitee.password_hash is None and invitee.role_names == {"judge"}
    assert invitee.full_name == "TS. Vũ Thị Lan"
    (message,) = outbox
    assert message["To"] == "giamkhao.moi@example.vn"
    body = message.get_content()
    assert "Giám khảo" in body and "Người dùng organizer" in body
    link, token = link_from(message)
    assert "/invitation/" in link
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "user.invite")
    ).scalar_one()
    assert audit.actor_id == users["organizer"].id and audit.object_id == str(invitee.id)

    # The organizer sees it pending.
    page = client.get("/invite").get_data(as_text=True)
    assert 'data-testid="pending-invitations"' in page and "giamkhao.moi@example.vn" in page

    # The invitee opens the link in another browser, sets a password, is logged in.
    guest = app.test_client()
    page = guest.get(f"/invitation/{token}")
    assert page.status_code == 200 and "TS. Vũ Thị Lan" in page.get_data(as_text=True)
    response = guest.post(
        f"/invitation/{token}", data={"password": INVITEE_PASSWORD, "confirm": INVITEE_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    assert is_logged_in(guest)
    invitee = _user("giamkhao.moi@example.vn")
    assert verify_password(invitee.password_hash, INVITEE_PASSWORD)
    row = db.session.execute(select(AuthToken)).scalar_one()
    assert row.used_at is not None and row.purpose == TokenPurpose.INVITATION

    # No longer pending; the link cannot be used again.
    page = client.get("/invite").get_data(as_text=True)
    assert "giamkhao.moi@example.vn" not in page
    again = app.test_client().get(f"/invitation/{token}")
    assert again.status_code == 400 and 'name="password"' not in again.get_data(as_text=True)
    login_ok(app.test_client(), "giamkhao.moi@example.vn", INVITEE_PASSWORD)


def test_accept_applies_the_password_policy(app, client, users, login, outbox):
    login(users["organizer"])
    _invite(client)
    _, token = link_from(outbox[0])
    guest = app.test_client()
    response = guest.post(f"/invitation/{token}", data={"password": "ngắn", "confirm": "ngắn"})
    assert "Mật khẩu phải có từ 8 đến 128 ký tự." in response.get_data(as_text=True)
    assert _user("giamkhao.moi@example.vn").password_hash is None
    assert db.session.execute(select(AuthToken)).scalar_one().used_at is None


def test_coordinator_needs_an_area_and_is_bound_to_it(client, users, login, outbox):
    login(users["organizer"])
    response = _invite(client, email="dieuphoi@example.vn", role="coordinator")
    assert response.status_code == 200
    assert "Vui lòng chọn địa bàn cho điều phối viên." in response.get_data(as_text=True)
    assert _user("dieuphoi@example.vn") is None and outbox == []

    district = users["coordinator"].roles[0].area
    response = _invite(
        client, email="dieuphoi@example.vn", role="coordinator", area=str(district.id)
    )
    assert response.status_code == 302
    user = _user("dieuphoi@example.vn")
    assert user.coordinator_area_id() == district.id
    assert "Yên Sơn" in outbox[0].get_content()


def test_existing_user_gets_the_role_once_and_keeps_the_password(client, users, login, outbox):
    entrant = users["entrant"]
    login(users["organizer"])
    assert _invite(client, email=entrant.email).status_code == 302
    user = _user(entrant.email)
    assert sorted(user.role_names) == ["entrant", "judge"]
    assert verify_password(user.password_hash, factories.PASSWORD)
    # No password link for someone who has a password: a note with the login link instead.
    assert db.session.execute(select(AuthToken)).first() is None
    assert "/login" in outbox[0].get_content() and "/invitation/" not in outbox[0].get_content()

    # Inviting again adds nothing and sends nothing.
    assert _invite(client, email=entrant.email).status_code == 302
    user = _user(entrant.email)
    assert [r.role for r in user.roles].count("judge") == 1
    assert len(outbox) == 1


def test_reinviting_a_pending_person_replaces_the_link(app, client, users, login, outbox):
    login(users["organizer"])
    _invite(client)
    _invite(client)
    (_, first), (_, second) = link_from(outbox[0]), link_from(outbox[1])
    assert app.test_client().get(f"/invitation/{first}").status_code == 400
    assert app.test_client().get(f"/invitation/{second}").status_code == 200
    assert [r.role for r in _user("giamkhao.moi@example.vn").roles] == ["judge"]


def test_resend_gives_a_new_link(app, client, users, login, outbox):
    login(users["organizer"])
    _invite(client)
    _, first = link_from(outbox[0])
    token_id = db.session.execute(select(AuthToken.id)).scalar_one()
    response = client.post(f"/invite/{token_id}/resend")
    assert response.status_code == 302
    _, second = link_from(outbox[1])
    assert app.test_client().get(f"/invitation/{first}").status_code == 400
    assert app.test_client().get(f"/invitation/{second}").status_code == 200
    assert client.post(f"/invite/{token_id}/resend").status_code == 302  # old id: refused
    assert len(outbox) == 2


def test_expired_invitation_is_refused(app, client, users, login, outbox):
    with time_machine.travel(utcnow(), tick=True) as traveller:
        login(users["organizer"])
        _invite(client)
        _, token = link_from(outbox[0])
        traveller.shift(timedelta(seconds=app.config["INVITATION_MAX_AGE"] + 1))
        guest = app.test_client()
        assert guest.get(f"/invitation/{token}").status_code == 400
        response = guest.post(
            f"/invitation/{token}", data={"password": INVITEE_PASSWORD, "confirm": INVITEE_PASSWORD}
        )
        assert response.status_code == 400
        assert _user("giamkhao.moi@example.vn").password_hash is None
        # Still listed (expired), so the organizer can resend it.
        assert "Đã hết hạn" in client.get("/invite").get_data(as_text=True)


def test_only_judges_and_coordinators_can_be_invited(client, users, login):
    login(users["organizer"])
    response = _invite(client, email="sep@example.vn", role=Role.ADMIN.value)
    assert response.status_code == 200
    assert "Vai trò không hợp lệ." in response.get_data(as_text=True)
    assert _user("sep@example.vn") is None
