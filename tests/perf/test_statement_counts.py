"""Issue 15: the organizer pages, the exports and the autosave send a number of SQL statements
that does not depend on the number of entries — counted at two sizes with a
``before_cursor_execute`` listener (:func:`tests.perf.helpers.counting`), each size built
through the real commands in its own app; and the autosave stays within 12 statements."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import strategies

from contest.accounts.operations import find_user
from contest.extensions import db
from contest.judging import assigning
from tests import factories
from tests.conftest import _empty_tables
from tests.judging.conftest import make_entry
from tests.perf.helpers import SLUG, build, counting, organizer_user
from tests.results_compile.helpers import JUDGES

SMALL, LARGE = 5, 40
# The goal is at most 12; 8 now: the session with its user and roles, the second-factor
# rule, the entry, the assignment, the pair's authors and declared conflicts (the names of
# units and areas when there are some), the sheet, its update.
AUTOSAVE_MAX = 8

PAGES = {
    "assignment": f"/organizer/judging/{SLUG}/assignment",
    "assignment_lacking": f"/organizer/judging/{SLUG}/assignment?lacking=1&field=CK",
    "conflicts": f"/organizer/judging/{SLUG}/conflicts",
    "review": f"/organizer/results/{SLUG}",
    "publication": f"/organizer/publication/{SLUG}",
    "intake": "/organizer/entries/?status=all",
    "entries_xlsx": "/organizer/entries/export.xlsx?status=all",
    "sheets_xlsx": f"/organizer/judging/{SLUG}/export.xlsx",
}


def _autosave(client, edition, judge) -> tuple[int, list]:
    """Two autosaves of a fresh entry's sheet by ``judge``: the statements of the second (an
    update of an existing draft, the steady state) and of the first (creating the draft)."""
    round_ = edition.rounds[-1]
    entry = make_entry(edition, "Z0001", "CNTT", authors=("Lê Thị Hoa",))
    assigning.assign_judges_to_entry(edition, round_, entry, [judge], None)
    db.session.commit()
    fields = {f"c{c.id}": "10" for c in edition.active_criteria}
    url = f"/judge/entries/{entry.id}/sheet/{round_.id}/autosave"
    with counting() as first:
        response = client.post(url, data={**fields, "version": "1", "comment": "Bản nháp"})
    assert response.status_code == 200, response.get_data(as_text=True)
    version = str(response.get_json()["version"])
    with counting() as second:
        response = client.post(url, data={**fields, "version": version, "comment": "Sửa"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return second.count, [first, second]


def _measure(app, size: int, tmp_path) -> dict:
    client = app.test_client()
    runner = app.test_cli_runner()
    edition = build(runner, tmp_path, size, publish=False)  # judging stays open (autosave)
    client.post("/login", data={"email": organizer_user().email, "password": factories.PASSWORD})
    found = {}
    for name, url in PAGES.items():
        client.get(url)  # warm: first-request work (the session's user, cached previews)
        with counting() as counter:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = counter
    client.post("/logout")
    judge = find_user(JUDGES[0])
    client.post("/login", data={"email": judge.email, "password": factories.PASSWORD})
    found["autosave"] = _autosave(client, edition, judge)[1][1]
    return found


@pytest.fixture()
def small_batches(monkeypatch):
    """``selectinload`` loads 500 parents per statement: at 5,000 entries that is 10
    statements, at 40 one. With batches of 30 (more than a list page of 25) the two test
    sizes show the same growth."""
    loader = getattr(strategies, "_SelectInLoader", None) or strategies.SelectInLoader
    monkeypatch.setattr(loader, "_chunksize", 30)


@pytest.fixture(scope="function")
def counts(make_app, tmp_path, small_batches):
    """``{size: {page: StatementCounter}}`` at SMALL and LARGE entries, each in a fresh app
    and database."""
    results = {}
    for size in (SMALL, LARGE):
        app = make_app()
        with app.app_context():
            (tmp_path / str(size)).mkdir()
            results[size] = _measure(app, size, tmp_path / str(size))
            db.session.remove()
        _empty_tables(app)
    return results


def test_statement_counts_do_not_grow_with_the_entries(counts):
    grown = {
        name: (counts[SMALL][name].count, counts[LARGE][name].count)
        for name in counts[SMALL]
        if counts[SMALL][name].count != counts[LARGE][name].count
    }
    details = "\n\n".join(f"{name} at {LARGE}:\n{counts[LARGE][name].report()}" for name in grown)
    assert not grown, f"{grown}\n{details}"
    assert counts[LARGE]["autosave"].count <= AUTOSAVE_MAX, counts[LARGE]["autosave"].report()
