"""The administrators' page of the provinces on the instance (issue 17 part 2): listing the
provinces, adding an official one, binding and unbinding organizers — administrators only
(organizers, bound or instance-wide, get 403)."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import only, post_only

    return {
        "provinces.index": only("admin"),
        "provinces.seed": post_only("admin"),
        "provinces.bind_organizer": post_only("admin"),
        "provinces.unbind_organizer": post_only("admin"),
    }


def extend_world(world: dict, users: dict) -> None:
    """The province of the world (its first area, Tuyên Quang)."""
    world.setdefault("province_id", world["area_id"])
