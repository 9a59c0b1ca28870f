"""The organizer's judge-version page (what judges read of an entry's title and summary) in
the role × route matrix: organizers only."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only

    return {"judging.judge_text": only(*ORGANIZERS)}
