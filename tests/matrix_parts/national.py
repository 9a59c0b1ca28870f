"""National selection pages (issue 7 point 5): organizers only. The world's edition has no
publication (its page says so); the world's job is not a dossier (its download is 404)."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "national.edition": only(*ORGANIZERS),
        "national.choose": post_only(*ORGANIZERS),
        "national.undo": post_only(*ORGANIZERS),
        "national.dossier": post_only(*ORGANIZERS),
        "national.result": post_only(*ORGANIZERS),
        "national.download": only(*ORGANIZERS, ok=404),
    }
