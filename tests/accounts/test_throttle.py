"""Login throttling: 10 failures in 15 minutes lock one (account, address) pair; many
failures from everywhere slow an account down without locking its owner out; one address
failing on many accounts is locked; a password reset clears the account's failures."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from contest.timeutil import utcnow

from .helpers import is_logged_in, link_from, post_login

WRONG = "không phải mật khẩu"


def _refused(response) -> bool:
    html = response.get_data(as_text=True)
    return response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in html


def test_ten_failures_lock_only_the_account_and_address_pair(app, client, users):
    email = users["judge"].email
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    assert app.config["LOGIN_THROTTLE_FAILURES"] == 10 and window == 15 * 60
    with time_machine.travel(utcnow(), tick=True) as traveller:
        for _ in range(9):
            assert post_login(client, email, WRONG, ip="198.51.100.9").status_code == 200
        # Nine failures: the right password still works.
        assert post_login(client, email, ip="198.51.100.9").status_code == 302
        client.post("/logout")
        # The tenth failure (the address spelled in capitals still counts) locks the pair.
        assert post_login(client, email.upper(), WRONG, ip="198.51.100.9").status_code == 200
        response = post_login(client, email, ip="198.51.100.9")
        assert _refused(response)
        assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
        assert not is_logged_in(client)
        # The owner, from the owner's own address, is not locked out.
        assert post_login(client, email, ip="192.0.2.44").status_code == 302
        client.post("/logout")
        # Another account from the locked address is not affected.
        assert post_login(client, users["entrant"].email, ip="198.51.100.9").status_code == 302
        client.post("/logout")
        # Fifteen minutes after the tenth failure the pair may log in again.
        traveller.shift(timedelta(seconds=window + 1))
        assert post_login(client, email, ip="198.51.100.9").status_code == 302
        assert is_logged_in(client)


def test_failures_spread_over_many_addresses_lock_no_address(client, users):
    email = users["judge"].email
    with time_machine.travel(utcnow(), tick=True):
        for i in range(12):
            assert post_login(client, email, WRONG, ip=f"10.0.0.{i + 1}").status_code == 200
        assert post_login(client, email, ip="10.0.1.1").status_code == 302


def test_refused_attempts_during_a_lock_do_not_renew_it(app, client, users):
    email = users["judge"].email
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    with time_machine.travel(utcnow(), tick=True) as traveller:
        for _ in range(10):
            post_login(client, email, WRONG, ip="198.51.100.9")
        # The attacker keeps trying during the lock, ten times a minute before its end.
        traveller.shift(timedelta(seconds=window - 60))
        for _ in range(10):
            assert _refused(post_login(client, email, WRONG, ip="198.51.100.9"))
        traveller.shift(timedelta(seconds=61))
        # The lock ended on time: the refused attempts did not extend it.
        assert post_login(client, email, ip="198.51.100.9").status_code == 302


def test_many_failures_from_everywhere_slow_the_account_down(app, client, users):
    app.config.update(LOGIN_SLOWDOWN_FAILURES=20, LOGIN_SLOWDOWN_SECONDS=5)
    email = users["judge"].email
    with time_machine.travel(utcnow(), tick=False) as traveller:
        # Twenty failures, two from each of ten addresses: no pair is locked.
        for i in range(20):
            assert post_login(client, email, WRONG, ip=f"10.0.0.{i % 10}").status_code == 200
        # Each address now gets one try per five seconds on this account.
        response = post_login(client, email, WRONG, ip="10.0.0.3")
        assert response.status_code == 429 and response.headers["Retry-After"] == "5"
        assert "giây" in response.get_data(as_text=True)
        traveller.shift(timedelta(seconds=5))
        assert post_login(client, email, WRONG, ip="10.0.0.3").status_code == 200
        # The owner's own address, which has not tried lately, logs in at once.
        assert post_login(client, email, ip="192.0.2.44").status_code == 302
        client.post("/logout")
        assert is_logged_in(client) is False
        # Another account is not slowed down.
        assert post_login(client, users["entrant"].email, ip="10.0.0.3").status_code == 302


def test_one_address_spraying_many_accounts_is_locked(app, client, users):
    app.config.update(LOGIN_THROTTLE_IP_FAILURES=30)
    window = app.config["LOGIN_THROTTLE_WINDOW"]
    with time_machine.travel(utcnow(), tick=True) as traveller:
        for i in range(30):
            response = post_login(client, f"doan{i}@example.vn", WRONG, ip="203.0.113.7")
            assert response.status_code == 200
        assert _refused(post_login(client, users["judge"].email, ip="203.0.113.7"))
        # The same account from another address is fine.
        assert post_login(client, users["judge"].email, ip="203.0.113.8").status_code == 302
        client.post("/logout")
        traveller.shift(timedelta(seconds=window + 1))
        assert post_login(client, users["judge"].email, ip="203.0.113.7").status_code == 302


def test_a_password_reset_clears_the_accounts_lock(app, client, users, outbox):
    email = users["judge"].email
    for _ in range(10):
        post_login(client, email, WRONG)
    assert _refused(post_login(client, email))
    client.post("/forgot-password", data={"email": email})
    _link, token = link_from(outbox[-1])
    new = "mật khẩu mới sau khi bị khoá"
    response = client.post(f"/reset/{token}", data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert post_login(client, email, new).status_code == 302
    assert is_logged_in(client)


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
