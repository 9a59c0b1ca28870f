"""The profile page: view and edit one's details; roles in Vietnamese."""

from __future__ import annotations

from contest.accounts.models import Role, UserRole
from contest.extensions import db
from tests import factories


def test_profile_requires_login(client):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_profile_shows_role_labels_and_coordinator_area(client, users, login):
    coordinator = users["coordinator"]
    coordinator.roles.append(UserRole(role=Role.JUDGE.value))
    db.session.commit()
    login(coordinator)
    html = client.get("/profile").get_data(as_text=True)
    assert "Điều phối viên địa bàn" in html and "Giám khảo" in html
    assert "Địa bàn phụ trách: Yên Sơn" in html
    assert coordinator.email in html


def test_every_role_has_a_vietnamese_label(client):
    user = factories.make_user(
        "all@example.vn",
        roles=(Role.ADMIN, Role.ORGANIZER, Role.COORDINATOR, Role.JUDGE, Role.ENTRANT),
    )
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    html = client.get("/profile").get_data(as_text=True)
    for label in (
        "Quản trị hệ thống",
        "Ban Tổ chức",
        "Điều phối viên địa bàn",
        "Giám khảo",
        "Thí sinh / tác giả",
    ):
        assert label in html


def test_profile_edit_saves_fields(client, users, login):
    entrant = users["entrant"]
    district = users["coordinator"].roles[0].area
    login(entrant)
    response = client.post(
        "/profile",
        data={
            "full_name": "  Lò Văn Bình ",
            "phone": "+84 912 000 111",
            "unit_name": "Trường THPT Chuyên Tuyên Quang",
            "area": str(district.id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (entrant.full_name, entrant.phone, entrant.unit_name, entrant.area_id) == (
        "Lò Văn Bình",
        "+84 912 000 111",
        "Trường THPT Chuyên Tuyên Quang",
        district.id,
    )
    html = client.get("/profile").get_data(as_text=True)
    assert "Lò Văn Bình" in html and "Đã lưu hồ sơ." in html


def test_profile_edit_rejects_empty_name(client, users, login):
    login(users["entrant"])
    response = client.post("/profile", data={"full_name": "", "phone": "", "unit_name": ""})
    assert response.status_code == 200
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    db.session.expire_all()
    assert users["entrant"].full_name == "Người dùng entrant"
