"""Self-registration of entrants, and the password rules it applies."""

from __future__ import annotations

import unicodedata

from sqlalchemy import func, select

from contest.accounts.models import Role, User
from contest.accounts.passwords import hash_password
from contest.areas.models import AreaLevel
from contest.extensions import db
from tests import factories

from .helpers import is_logged_in, login_ok

GOOD = "mật khẩu đủ dài"


def _form(**overrides) -> dict:
    data = {
        "full_name": "Nguyễn Thị Thu Trang",
        "email": "trang@example.vn",
        "password": GOOD,
        "confirm": GOOD,
        "phone": "0912 345 678",
        "unit_name": "Trường THCS Yên Sơn",
        "area": "",
    }
    data.update(overrides)
    return data


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_page_lists_districts_and_communes(client):
    province = factories.make_area("Tỉnh Tuyên Quang")
    factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    html = client.get("/register").get_data(as_text=True)
    assert "Đăng ký tài khoản thí sinh" in html
    assert "Yên Sơn" in html
    assert ">Tỉnh Tuyên Quang<" not in html  # provinces are not offered


def test_register_creates_an_entrant_and_logs_in(client):
    province = factories.make_area("Tỉnh Tuyên Quang")
    district = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    response = client.post(
        "/register", data=_form(email="  Trang@Example.VN ", area=str(district.id))
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "trang@example.vn"
    assert user.role_names == {Role.ENTRANT.value}
    assert (user.full_name, user.phone, user.unit_name, user.area_id) == (
        "Nguyễn Thị Thu Trang",
        "0912 345 678",
        "Trường THCS Yên Sơn",
        district.id,
    )
    assert user.password_hash.startswith("$argon2id$")
    assert is_logged_in(client)


def test_duplicate_email_is_refused_and_nothing_created(client, users):
    before = _user_count()
    response = client.post("/register", data=_form(email="JUDGE@example.vn"))
    assert response.status_code == 200
    assert "Địa chỉ e-mail này đã được dùng cho một tài khoản khác." in response.get_data(
        as_text=True
    )
    assert _user_count() == before
    assert not is_logged_in(client)


def test_mismatched_confirmation_keeps_nothing(client):
    response = client.post("/register", data=_form(confirm="mật khẩu khác hẳn"))
    assert response.status_code == 200
    assert "Mật khẩu nhập lại không khớp." in response.get_data(as_text=True)
    assert _user_count() == 0


def test_missing_and_invalid_fields_have_vietnamese_messages(client):
    response = client.post(
        "/register",
        data=_form(full_name="", email="không-phải-email", phone="gọi tôi", area="99999"),
    )
    html = response.get_data(as_text=True)
    assert "Vui lòng nhập thông tin này." in html
    assert "Địa chỉ e-mail không hợp lệ." in html
    assert "Số điện thoại không hợp lệ." in html
    assert "Địa bàn không hợp lệ." in html
    assert "Not a valid" not in html and "This field is required" not in html
    assert _user_count() == 0


def test_password_length_limits(client):
    cases = {7: False, 8: True, 128: True, 129: False}
    for n, accepted in cases.items():
        password = "ả" * n  # one character each, whatever the byte length
        fresh = client.application.test_client()
        response = fresh.post(
            "/register",
            data=_form(email=f"len{n}@example.vn", password=password, confirm=password),
        )
        created = db.session.execute(
            select(User).where(User.email == f"len{n}@example.vn")
        ).scalar_one_or_none()
        assert (created is not None) is accepted, n
        if not accepted:
            assert "Mật khẩu phải có từ 8 đến 128 ký tự." in response.get_data(as_text=True)


def test_vietnamese_and_emoji_password_works_and_is_normalised(app, client):
    password = "Mật khẩu của tôi 🔐🌾 ngày mới"
    assert (
        client.post("/register", data=_form(password=password, confirm=password)).status_code == 302
    )
    client.post("/logout")
    # The same password typed as decomposed Unicode (another keyboard) still matches.
    decomposed = unicodedata.normalize("NFD", password)
    assert decomposed != password
    login_ok(app.test_client(), "trang@example.vn", decomposed)
    login_ok(app.test_client(), "trang@example.vn", password)


def test_hashes_are_argon2id():
    assert hash_password("bất kỳ mật khẩu nào").startswith("$argon2id$")
    # Same password, different salt.
    assert hash_password("bất kỳ mật khẩu nào") != hash_password("bất kỳ mật khẩu nào")


def test_logged_in_user_is_sent_home(client, users, login):
    login(users["entrant"])
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
