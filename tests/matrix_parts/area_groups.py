"""The organizers' pages of coordinator groups (``areas.group*``, issue 17): organizers only.

``extend_world`` adds a group of the world's province (``group_id``) and ``user_id`` (the
coordinator account, for the remove-a-coordinator route)."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "areas.groups": only(*ORGANIZERS),
        "areas.group": only(*ORGANIZERS),
        "areas.update_group": post_only(*ORGANIZERS),
        "areas.group_members": post_only(*ORGANIZERS),
        "areas.group_coordinator": post_only(*ORGANIZERS),
        "areas.group_coordinator_remove": post_only(*ORGANIZERS),
        "areas.group_delete": post_only(*ORGANIZERS),
    }


def extend_world(world: dict, users: dict) -> None:
    """A group of the world's province (module docstring)."""
    from contest.areas.groups import create_group
    from contest.areas.models import Area
    from contest.extensions import db

    province = db.session.get(Area, world["area_id"])
    while province.parent_id is not None:
        province = province.parent
    group = create_group(province, "Cụm thử", "cluster", None)
    db.session.commit()
    world["group_id"] = group.id
    world["user_id"] = users["coordinator"].id
