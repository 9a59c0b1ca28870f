"""Vietnamese by default, English on request, the choice remembered; locale-aware formats."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from contest.accounts.models import User
from contest.extensions import db
from contest.templating import format_long_date, format_number, format_vnd

VI_PHRASES = (
    "Cuộc thi sáng tạo khoa học và kỹ thuật",
    "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng",
    "Hội thi Sáng tạo Kỹ thuật",
    "Đăng ký tài khoản dự thi",
    "Đăng nhập",
)
EN_PHRASES = (
    "Science and technology creativity contests",
    "Youth and Children’s Creativity Contest",
    "Technical Innovation Contest",
    "Register to take part",
    "Log in",
)


def test_landing_page_is_vietnamese_by_default(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    for phrase in VI_PHRASES:
        assert phrase in html
    assert "Register to take part" not in html


def test_language_switch_to_english_and_back(client):
    response = client.post("/lang/en", data={"next": "/?x=1"})
    assert response.status_code == 302 and response.location == "/?x=1"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    for phrase in EN_PHRASES:
        assert phrase in html
    assert "Đăng ký tài khoản dự thi" not in html

    client.post("/lang/vi")
    html = client.get("/").get_data(as_text=True)
    assert "Đăng ký tài khoản dự thi" in html and "Register to take part" not in html


def test_unknown_language_is_ignored(client):
    client.post("/lang/fr")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    response = client.post("/lang/en", data={"next": "https://evil.example/phish"})
    assert response.location == "/"  # another site's URL is not followed at all
    response = client.post("/lang/en", data={"next": "//evil.example/x"})
    assert "evil.example" not in response.location


def test_switch_offers_the_other_language_as_a_post(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/lang/en"' in html and 'action="/lang/vi"' not in html
    assert 'data-testid="lang-en"' in html and ">English</button>" in html
    client.post("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert 'action="/lang/vi"' in html and 'action="/lang/en"' not in html
    assert ">Tiếng Việt</button>" in html
    assert client.get("/lang/en").status_code == 405


def test_logged_in_choice_is_saved_on_the_user(client, login, users):
    user = users["entrant"]
    login(user)
    client.post("/lang/en")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"

    # A new browser: the saved choice applies as soon as the user logs in.
    fresh = client.application.test_client()
    fresh.post("/login", data={"email": user.email, "password": "mật khẩu đúng 123"})
    assert '<html lang="en">' in fresh.get("/my/").get_data(as_text=True)
    fresh.post("/lang/vi")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "vi"


def test_numbers_and_dates_follow_the_locale(app):
    with app.test_request_context("/"):
        with force_locale("vi"):
            assert format_number(1234567.5) == "1.234.567,5"
            assert format_vnd(30000000).replace("\xa0", " ") == "30.000.000 ₫"
            assert format_long_date(date(2025, 7, 31)) == "31 tháng 7, 2025"
        with force_locale("en"):
            assert format_number(1234567.5) == "1,234,567.5"
            assert format_long_date(date(2025, 7, 31)) == "July 31, 2025"
            # 31 July 20:00 UTC is already 1 August in Vietnam.
            assert format_long_date(datetime(2025, 7, 31, 20, 0, tzinfo=UTC)) == "August 1, 2025"
        assert format_number(None) == ""


def test_number_filter_in_a_page_follows_the_switch(client, login, users):
    for n in range(3):
        from tests import factories

        factories.make_user(email=f"extra{n}@example.vn")
    login(users["organizer"])
    html = client.get("/organizer/").get_data(as_text=True)
    assert "Người dùng theo vai trò" in html
    client.post("/lang/en")
    html = client.get("/organizer/").get_data(as_text=True)
    assert "Users by role" in html and "Người dùng theo vai trò" not in html


def test_language_switch_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.post("/lang/en")  # no token: ignored
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/lang/en", data={"csrf_token": token})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
