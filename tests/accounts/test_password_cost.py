"""Password hashing cost: production keeps argon2's defaults; a configuration may lower it
(the test suite does, so thousands of logins stay fast)."""

from __future__ import annotations

from argon2 import extract_parameters

from contest.accounts import passwords


def test_configure_sets_and_keeps_parameters():
    before = passwords._hasher
    try:
        passwords.configure({})
        assert passwords._hasher is before  # nothing set: unchanged
        passwords.configure(
            {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 2048, "ARGON2_PARALLELISM": 1}
        )
        params = extract_parameters(passwords.hash_password("mật khẩu dài"))
        assert (params.time_cost, params.memory_cost, params.parallelism) == (2, 2048, 1)
        assert passwords.verify_password(passwords.hash_password("abcdefgh"), "abcdefgh")
    finally:
        passwords._hasher = before


def test_the_production_profile_is_argon2s_default(app):
    from argon2 import PasswordHasher

    default = PasswordHasher()
    assert (default.time_cost, default.memory_cost) == (3, 65536)
    assert not app.config.get("ARGON2_TIME_COST") or app.config["TESTING"]
