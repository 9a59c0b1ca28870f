"""The edition cockpit (page and JSON): organizers only."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only

    return {
        "season.edition": only(*ORGANIZERS),
        "season.edition_json": only(*ORGANIZERS),
    }
