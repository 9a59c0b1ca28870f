"""Two-factor login (issue 19): the second step and the forced enrolment answer only a
visitor half-logged-in (others go to the login page, or home when logged in); staff manage
their own factor; administrators alone set the required roles and reset another's factor."""

from __future__ import annotations

STAFF = ("admin", "organizer", "coordinator", "judge")


def matrix() -> dict:
    from tests.test_access_matrix import USERS, Spec, only, post_only

    after_password = Spec((), override={p: 302 for p in USERS})
    return {
        "two_factor.challenge": after_password,
        "two_factor.recovery": after_password,
        "two_factor.setup": after_password,
        "two_factor.manage": only(*STAFF),
        "two_factor.enrol": only(*STAFF),
        "two_factor.regenerate": post_only(*STAFF),
        "two_factor.turn_off": post_only(*STAFF),
        "two_factor.forget_devices": post_only(*STAFF),
        "two_factor.admin": only("admin"),
        "two_factor.admin_reset": post_only("admin"),
    }


def extend_world(world: dict, users: dict) -> None:
    """The account whose factor an administrator would reset: the judge's."""
    world["user_id"] = users["judge"].id
