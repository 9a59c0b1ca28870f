"""Password reset by e-mailed single-use, expiring token."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import time_machine
from flask_babel import get_locale
from sqlalchemy import func, select

from contest.accounts.models import AuthToken, TokenPurpose
from contest.accounts.passwords import verify_password
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories

from .helpers import is_logged_in, link_from, login_ok, post_login

NEW_PASSWORD = "mật khẩu mới tinh 2025"


def _request_reset(client, email: str):
    return client.post("/forgot-password", data={"email": email})


def _token_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuthToken))


def test_same_answer_for_known_and_unknown_email_mail_only_for_known(app, users, outbox):
    known = _request_reset(app.test_client(), users["judge"].email)
    unknown = _request_reset(app.test_client(), "khong-ton-tai@example.vn")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert "Nếu địa chỉ này có tài khoản" in known.get_data(as_text=True)
    assert len(outbox) == 1
    assert outbox[0]["To"] == users["judge"].email
    assert outbox[0]["Subject"] == "Đặt lại mật khẩu"
    assert _token_count() == 1


def test_inactive_account_gets_no_mail(client, outbox):
    factories.make_user("locked@example.vn", active=False)
    assert _request_reset(client, "locked@example.vn").status_code == 200
    assert outbox == []


def test_only_the_token_digest_is_stored(client, users, outbox):
    _request_reset(client, "  JUDGE@example.vn ")
    link, token = link_from(outbox[0])
    row = db.session.execute(select(AuthToken)).scalar_one()
    assert row.purpose == TokenPurpose.PASSWORD_RESET
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.digest, str(row.id))
    assert row.user_id == users["judge"].id and row.used_at is None
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
    assert link.startswith("http://localhost/reset/")
    assert "hết hạn lúc" in outbox[0].get_content()


def test_token_works_once_and_ends_every_session(app, client, users, outbox):
    judge = users["judge"]
    other_device = app.test_client()
    login_ok(other_device, judge.email)
    _request_reset(client, judge.email)
    _, token = link_from(outbox[0])

    page = client.get(f"/reset/{token}")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    response = client.post(
        f"/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")

    db.session.expire_all()
    assert verify_password(judge.password_hash, NEW_PASSWORD)
    assert db.session.execute(select(AuthToken)).scalar_one().used_at is not None
    assert not is_logged_in(other_device)
    assert post_login(client, judge.email).status_code == 200  # old password refused
    login_ok(client, judge.email, NEW_PASSWORD)
    client.post("/logout")

    # The second use fails: clear message, no form, password unchanged.
    for method in (client.get, client.post):
        again = method(
            f"/reset/{token}",
            data={"password": "kẻ gian đổi mật khẩu", "confirm": "kẻ gian đổi mật khẩu"},
        )
        html = again.get_data(as_text=True)
        assert again.status_code == 400
        assert 'data-testid="link-invalid"' in html and 'name="password"' not in html
    db.session.expire_all()
    assert verify_password(judge.password_hash, NEW_PASSWORD)


def test_expired_token_is_refused(app, client, users, outbox):
    with time_machine.travel(utcnow(), tick=True) as traveller:
        _request_reset(client, users["judge"].email)
        _, token = link_from(outbox[0])
        traveller.shift(timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"] + 1))
        response = client.get(f"/reset/{token}")
        assert response.status_code == 400
        assert "đã hết hạn" in response.get_data(as_text=True)
        response = client.post(
            f"/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        )
        assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(users["judge"].password_hash, factories.PASSWORD)


def test_made_up_token_is_refused(client):
    assert client.get("/reset/" + "x" * 43).status_code == 400
    assert client.get("/reset/" + "x" * 500).status_code == 400


def test_reset_form_enforces_the_password_policy_and_keeps_the_token(client, users, outbox):
    _request_reset(client, users["judge"].email)
    _, token = link_from(outbox[0])
    response = client.post(f"/reset/{token}", data={"password": "ngắn", "confirm": "ngắn"})
    assert response.status_code == 200
    assert "Mật khẩu phải có từ 8 đến 128 ký tự." in response.get_data(as_text=True)
    response = client.post(
        f"/reset/{token}", data={"password": NEW_PASSWORD, "confirm": "khác hẳn 12345"}
    )
    assert "Mật khẩu nhập lại không khớp." in response.get_data(as_text=True)
    assert db.session.execute(select(AuthToken)).scalar_one().used_at is None


def test_using_one_link_voids_the_others(client, users, outbox):
    _request_reset(client, users["judge"].email)
    _request_reset(client, users["judge"].email)
    (_, first), (_, second) = link_from(outbox[0]), link_from(outbox[1])
    client.post(f"/reset/{second}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get(f"/reset/{first}").status_code == 400


def test_reset_mails_are_rate_limited_per_account(client, users, outbox):
    for _ in range(5):
        assert _request_reset(client, users["judge"].email).status_code == 200
    assert len(outbox) == 3


def test_production_links_use_the_public_base_url_not_the_host_header(make_app, users):
    app = make_app(ENV_NAME="production", PUBLIC_BASE_URL="https://thi.example.vn")
    client = app.test_client()
    response = client.post(
        "/forgot-password",
        data={"email": users["judge"].email},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 200
    outbox = app.extensions["mail_outbox"]
    link, _ = link_from(outbox[0])
    assert link.startswith("https://thi.example.vn/reset/")


def test_reset_mail_is_written_in_the_users_language(client, users, monkeypatch):
    import contest.accounts.emails as emails

    seen = []
    real = emails.render_template

    def spy(template, **ctx):
        seen.append(str(get_locale()))
        return real(template, **ctx)

    monkeypatch.setattr(emails, "render_template", spy)
    users["judge"].locale = "en"
    db.session.commit()
    _request_reset(client, users["judge"].email)
    _request_reset(client, users["entrant"].email)
    assert seen == ["en", "vi"]


def test_known_and_unknown_addresses_do_the_same_work_in_the_request(app, users, outbox):
    """The page only adds the same job for any address (the lookup, the token and the mail
    happen in the worker), so its timing cannot tell whether the address has an account."""
    from contest.accounts.reset_job import KIND
    from contest.jobs.models import Job

    known = _request_reset(app.test_client(), users["judge"].email)
    unknown = _request_reset(app.test_client(), "khong-ton-tai@example.vn")
    assert known.get_data() == unknown.get_data()
    jobs = db.session.execute(select(Job).order_by(Job.id)).scalars().all()
    assert [job.kind for job in jobs] == [KIND, KIND]
    assert [sorted(job.params) for job in jobs] == [["base_url", "email"]] * 2
    assert [job.params["email"] for job in jobs] == ["judge@example.vn", "khong-ton-tai@example.vn"]
    assert jobs[0].result == jobs[1].result  # nothing on the job page tells them apart either
    assert [m["To"] for m in outbox] == ["judge@example.vn"]
