"""Login throttling: 10 failures in 15 minutes per account or per address → refused."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from contest.timeutil import utcnow

from .helpers import is_logged_in, post_login

WRONG = "không phải mật khẩu"


def _refused(response) -> bool:
    html = response.get_data(as_text=True)
    return response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in html


def test_ten_failures_for_one_account_refuse_the_eleventh_even_with_the_right_password(
    app, client, users
):
    email = users["judge"].email
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    assert app.config["LOGIN_THROTTLE_FAILURES"] == 10 and window == 15 * 60
    with time_machine.travel(utcnow(), tick=True) as traveller:
        # From ten different addresses, so only the per-account counter can trip.
        for i in range(9):
            response = post_login(client, email, WRONG, ip=f"10.0.0.{i + 1}")
            assert response.status_code == 200
        # Nine failures: the right password still works.
        assert post_login(client, email, ip="10.0.1.1").status_code == 302
        client.post("/logout")
        assert post_login(client, email, WRONG, ip="10.0.0.10").status_code == 200
        response = post_login(client, email, ip="10.0.0.11")
        assert _refused(response)
        assert int(response.headers["Retry-After"]) > 0
        assert not is_logged_in(client)
        # Another account from the same addresses is not affected.
        assert post_login(client, users["entrant"].email, ip="10.0.0.11").status_code == 302
        client.post("/logout")
        # Once the window has passed, the account can log in again.
        traveller.shift(timedelta(seconds=window + 1))
        assert post_login(client, email, ip="10.0.0.12").status_code == 302
        assert is_logged_in(client)


def test_ten_failures_from_one_address_refuse_the_eleventh(app, client, users):
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    with time_machine.travel(utcnow(), tick=True) as traveller:
        # Ten different (mostly unknown) accounts, one address.
        for i in range(10):
            response = post_login(client, f"doan{i}@example.vn", WRONG, ip="203.0.113.7")
            assert response.status_code == 200
        response = post_login(client, users["judge"].email, ip="203.0.113.7")
        assert _refused(response)
        assert not is_logged_in(client)
        # The same account from another address is fine.
        assert post_login(client, users["judge"].email, ip="203.0.113.8").status_code == 302
        client.post("/logout")
        traveller.shift(timedelta(seconds=window + 1))
        assert post_login(client, users["judge"].email, ip="203.0.113.7").status_code == 302


def test_wrong_current_password_on_password_change_counts_too(app, client, users, login):
    login(users["judge"])
    for _ in range(10):
        response = client.post(
            "/account/password",
            data={
                "current_password": WRONG,
                "password": "mật khẩu mới 1",
                "confirm": "mật khẩu mới 1",
            },
        )
        assert response.status_code == 200
    response = client.post(
        "/account/password",
        data={
            "current_password": "mật khẩu đúng 123",
            "password": "mật khẩu mới 1",
            "confirm": "mật khẩu mới 1",
        },
    )
    assert _refused(response)
