"""National intake (issue 17 part 3): organizers only. The world's edition is not national
(its arrivals page is 404)."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "national_intake.edition": only(*ORGANIZERS, ok=404),
        "national_intake.send": post_only(*ORGANIZERS),
    }
