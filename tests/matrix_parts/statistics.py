"""Statistics and the summary report (issue 7 point 7): organizers only. The world's job is
a self-check, not a report of the world's edition: its PDF download is 404 for organizers
(a real download is tested in tests/publication/test_statistics_page.py)."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "statistics.edition": only(*ORGANIZERS),
        "statistics.report": post_only(*ORGANIZERS),
        "statistics.download": only(*ORGANIZERS, ok=404),
        "statistics.xlsx": only(*ORGANIZERS),
    }
