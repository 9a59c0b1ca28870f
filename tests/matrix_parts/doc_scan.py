"""The organizer's document scan page (contest/judging/views_organizer_scan.py): organizers
only. The world's finding id does not exist (POSTs of allowed personas are tested with the
feature, tests/judging/test_doc_scan_views.py)."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "judging.scan": only(*ORGANIZERS),
        "judging.start_document_scan": post_only(*ORGANIZERS),
        "judging.decide_finding": post_only(*ORGANIZERS),
    }


def extend_world(world: dict, users: dict) -> None:
    world.setdefault("finding_id", 999999)
