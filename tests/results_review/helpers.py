"""A small technical edition for the review tests, built through the real commands."""

from __future__ import annotations

from contest.contests.operations import get_edition
from contest.extensions import db
from contest.jobs.operations import commit
from contest.results import tasks
from tests.results_compile.helpers import (
    create_edition,
    definition,
    import_entries,
    import_scores,
    sheet,
)

SLUG = "stkt-review"


def prizes() -> list[dict]:
    """Special (by hand, 1 over the edition), first ≥85 ×1, second ≥75 ×2, third ≥65 ×2,
    merit ≥55 ×3 per field."""

    def level(code, name, band, quota, scope="field", automatic=True):
        return {
            "code": code,
            "name": name,
            "min_score": band,
            "quota": quota,
            "scope": scope,
            "amount_vnd": None,
            "automatic": automatic,
        }

    return [
        level("special", "Giải Đặc biệt", None, 1, scope="edition", automatic=False),
        level("first", "Giải Nhất", 85, 1),
        level("second", "Giải Nhì", 75, 2),
        level("third", "Giải Ba", 65, 2),
        level("merit", "Giải Khuyến khích", 55, 3),
    ]


SHEETS = {
    "A1": [sheet(40, 50), sheet(40, 50)],  # 90.00 first
    "A2": [sheet(35, 45), sheet(35, 45)],  # 80.00 second, slot 1/2
    "A3": [sheet(30, 46), sheet(30, 46)],  # 76.00 tied with A4 at second's limit → third
    "A4": [sheet(30, 46), sheet(30, 46)],  # 76.00
    "A5": [sheet(30, 40), sheet(10, 20)],  # 50.00, spread 40 > 20: DISCREPANCY, no prize
    "A6": [sheet(20, 30)],  # one sheet of two: INCOMPLETE
    "B1": [sheet(40, 55), sheet(40, 55)],  # 95.00 first in CK
}


def build(runner, tmp_path):
    """Create the edition, its entries and sheets; return the edition."""
    create_edition(runner, tmp_path, definition(SLUG, prizes=prizes()))
    entries = [(code, "CK" if code.startswith("B") else "CNTT", "accepted") for code in SHEETS]
    import_entries(runner, tmp_path, SLUG, entries)
    import_scores(runner, tmp_path, SLUG, SHEETS)
    return get_edition(SLUG)


def compile_now(edition):
    """Run the compile job in-process (tests run tasks eagerly) and return the job id."""
    round_ = edition.rounds[-1]
    job = tasks.create_compile_job(edition, round_)
    job_id = job.id
    commit()
    db.session.expire_all()
    return job_id
