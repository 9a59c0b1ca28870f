"""Announcements (list, new, one announcement, resume): organizers only."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "announcements.index": only(*ORGANIZERS),
        "announcements.new": only(*ORGANIZERS),
        "announcements.show": only(*ORGANIZERS),
        "announcements.resume": post_only(*ORGANIZERS),
    }


def extend_world(world: dict, users: dict) -> None:
    """An announcement of the world's edition (not sent: its job is never run here)."""
    from contest.announcements.models import Announcement
    from contest.contests.operations import get_edition
    from contest.extensions import db

    edition = get_edition(world["slug"])
    announcement = Announcement(
        edition_id=edition.id, audience="judges", subject="Thư thử", body="Nội dung thử",
        created_by_id=users["organizer"].id,
    )  # fmt: skip
    db.session.add(announcement)
    db.session.commit()
    world["announcement_id"] = announcement.id
