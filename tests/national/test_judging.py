"""Entries received from a province are ordinary entries of the national edition: organizers
accept them with the existing intake, judges' sheets are imported and the ranking runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.entries import intake as entry_intake
from contest.extensions import db
from contest.results.compile import latest_run
from contest.results.models import ResultRow
from tests.national.helpers import (
    KEY,
    NATIONAL,
    national_edition,
    national_entries,
    province,
    provincial,
)
from tests.publication.helpers import SLUG
from tests.results_compile.helpers import import_scores, invoke_ok, sheet
from tests.results_review.helpers import compile_now


@pytest.fixture()
def app(make_app, tmp_path):
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"), NATIONAL_PACKAGE_KEY=KEY)
    with app.app_context():
        yield app
        db.session.remove()


def test_received_entries_are_judged_and_ranked(runner, tmp_path, users):
    organizer = users["organizer"]
    province()
    provincial(runner, tmp_path, organizer)
    target = national_edition(runner, tmp_path)
    path = tmp_path / "goi.zip"
    invoke_ok(runner, "national", "export", SLUG, str(path))
    invoke_ok(runner, "national", "import", str(path), "--into", NATIONAL)

    entries = national_entries(target)
    for entry in entries:
        entry_intake.accept(entry, organizer)
    db.session.commit()
    sheets = {
        "08-A1": [sheet(30, 50), sheet(30, 50)],
        "08-A2": [sheet(35, 55), sheet(35, 55)],
        "08-A3": [sheet(20, 40), sheet(20, 40)],
        "08-B1": [sheet(38, 57), sheet(38, 57)],
    }
    import_scores(runner, tmp_path, NATIONAL, sheets)
    compile_now(target)
    db.session.expire_all()
    run = latest_run(target.rounds[-1])
    rows = {
        r.entry_code: r
        for r in db.session.scalars(select(ResultRow).where(ResultRow.run_id == run.id))
    }
    assert set(rows) == set(sheets)
    assert rows["08-A2"].rank == 1 and rows["08-A1"].rank == 2  # CNTT: 90 before 80
