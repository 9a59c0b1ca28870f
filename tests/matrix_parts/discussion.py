"""The panel's discussion routes in the role × route matrix.

The world's entry is submitted, not accepted: its thread exists for no judge, so every
logged-in persona gets 404 on the judge's thread route (only the entry's panel may see it —
``tests/judging_ui/test_discussion_pages.py`` has the matrix with a panel, a conflicted judge
and the judges of another panel). The organizer's thread page serves organizers only; its
hide/show button is an organizer's POST."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, USERS, only, post_only

    nobody = {p: 404 for p in USERS if p != "judge"}
    return {
        "judge.discussion": only("judge", ok=404, **nobody),
        "judging.discussion": only(*ORGANIZERS),
        "judging.comment_visibility": post_only(*ORGANIZERS),
    }


def extend_world(world: dict, users: dict) -> None:
    """A comment id for the hide/show route (refused before it is looked up)."""
    world["comment_id"] = 999999
