"""Self-registration of entrants (confirmed by e-mail, the same answer for a taken address,
throttled), and the password rules it applies."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select

from contest.accounts.models import Role, User
from contest.accounts.passwords import hash_password
from contest.areas.models import AreaLevel
from contest.extensions import db
from tests import factories

from .helpers import is_logged_in, login_ok, post_login

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


CONFIRM_RE = re.compile(r"https?://\S+/confirm/(\S+)")


def _confirm_link(message) -> str:
    match = CONFIRM_RE.search(message.get_content())
    assert match, message.get_content()
    return "/confirm/" + match.group(1)


def test_register_creates_an_entrant_who_confirms_by_email_then_logs_in(app, client, outbox):
    province = factories.make_area("Tỉnh Tuyên Quang")
    district = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    response = client.post(
        "/register", data=_form(email="  Trang@Example.VN ", area=str(district.id))
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/sent")
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
    assert not user.email_confirmed and not is_logged_in(client)
    (message,) = outbox
    assert message["To"] == "trang@example.vn"
    assert message["Subject"] == "Xác nhận đăng ký tài khoản"
    # Before the link is followed the account cannot log in (the usual answer).
    response = post_login(client, "trang@example.vn", GOOD)
    assert response.status_code == 200
    assert "E-mail hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    response = client.get(_confirm_link(message))
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed
    login_ok(client, "trang@example.vn", GOOD)
    assert is_logged_in(client)


def test_a_forged_confirmation_link_is_refused(client, outbox):
    client.post("/register", data=_form())
    link = _confirm_link(outbox[0])
    assert client.get(link[:-3] + "abc").status_code == 400
    assert client.get("/confirm/khong-phai-ma").status_code == 400
    assert not db.session.execute(select(User)).scalar_one().email_confirmed


def test_an_existing_address_gets_the_same_answer_and_its_owner_a_mail(app, users, outbox):
    judge = users["judge"]
    old_hash = judge.password_hash
    before = _user_count()
    new = app.test_client().post("/register", data=_form(email="moi.tinh@example.vn"))
    taken = app.test_client().post("/register", data=_form(email="JUDGE@example.vn"))
    assert new.status_code == taken.status_code == 302
    assert new.headers["Location"] == taken.headers["Location"]
    assert new.get_data() == taken.get_data()
    sent = app.test_client().get(new.headers["Location"])
    assert sent.status_code == 200 and "Kiểm tra hộp thư" in sent.get_data(as_text=True)
    assert "đã được dùng" not in sent.get_data(as_text=True)
    # One new account; the existing one is unchanged and its owner is told by e-mail.
    assert _user_count() == before + 1
    db.session.expire_all()
    assert db.session.get(User, judge.id).password_hash == old_hash
    to_owner = [m for m in outbox if m["To"] == "judge@example.vn"]
    assert len(to_owner) == 1 and len(outbox) == 2
    body = to_owner[0].get_content()
    assert "thử đăng ký" in body
    assert "/login" in body and "/forgot-password" in body


def test_registration_is_throttled_per_address_and_per_client_address(app, users):
    app.config.update(REGISTER_THROTTLE_PER_EMAIL=3, REGISTER_THROTTLE_PER_IP=5)
    client = app.test_client()

    def post(email, ip):
        return client.post("/register", data=_form(email=email), environ_base={"REMOTE_ADDR": ip})

    # Per address (an existing one here): the fourth try in the hour is refused.
    for i in range(3):
        assert post("judge@example.vn", f"10.1.0.{i}").status_code == 302
    refused = post("judge@example.vn", "10.1.0.9")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Có quá nhiều lượt đăng ký" in refused.get_data(as_text=True)
    # Per client address: five sign-ups, then refused, for any address.
    for i in range(5):
        assert post(f"rac{i}@example.vn", "203.0.113.50").status_code == 302
    refused = post("rac9@example.vn", "203.0.113.50")
    assert refused.status_code == 429
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.email == "rac9@example.vn")) == 0
    )
    # Another client address is not affected.
    assert post("rac9@example.vn", "203.0.113.51").status_code == 302


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


def test_vietnamese_and_emoji_password_works_and_is_normalised(app, client, outbox):
    password = "Mật khẩu của tôi 🔐🌾 ngày mới"
    assert (
        client.post("/register", data=_form(password=password, confirm=password)).status_code == 302
    )
    client.get(_confirm_link(outbox[0]))
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
