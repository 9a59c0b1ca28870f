"""Coordinators see and help the entries of their area only: a matrix over every entry route
of the entrant, intake and district pages (their area's entry answers, another area's entry
does not exist), and the list, search, export and dashboard never show another area's
entries."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from contest.entries.models import Entry
from contest.extensions import db
from tests.entries_ui.conftest import make_entry, text_of

BLUEPRINTS = ("entries", "intake", "district")


@pytest.fixture()
def entries(people, youth, tree):
    """A submitted entry in a commune of Yên Sơn (the coordinator's district) and one in Hàm
    Yên, plus a draft in each."""
    return {
        "mine": make_entry(
            youth, people["entrant"], tree["my_bang"], title="Ở Mỹ Bằng", submit=True
        ),
        "mine_draft": make_entry(youth, people["entrant"], tree["yen_son"], title="Nháp Yên Sơn"),
        "other": make_entry(
            youth, people["other"], tree["ham_yen"], title="Ở Hàm Yên", submit=True
        ),
        "other_draft": make_entry(youth, people["other"], tree["ham_yen"], title="Nháp Hàm Yên"),
    }


def entry_rules(app):
    """Every route of the entry pages that names an entry."""
    return [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.split(".")[0] in BLUEPRINTS and "entry_id" in r.arguments
    ]


def test_the_matrix_covers_every_entry_route(app):
    """A new route naming an entry must be thought about here (and so lands in the matrix)."""
    assert {r.endpoint for r in entry_rules(app)} == {
        *(f"entries.{n}" for n in ("detail", "edit", "authors", "details", "files", "review")),
        *(f"entries.{n}" for n in ("submit", "receipt", "withdraw", "delete")),
        *(f"intake.{n}" for n in ("detail", "receive", "accept", "reject", "withdraw")),
        "intake.reclassify",
        "district.detail",
    }


@pytest.mark.parametrize("which", ["mine", "other"])
def test_entry_routes_for_a_coordinator(app, client_for, people, entries, which):
    """Their area's entry: the entrant pages and the district page answer, the organizer
    pages refuse (403); another area's entry: 404 on every entrant and district route."""
    client = client_for(people["coord"])
    entry = entries[which]
    version = entry.version
    failures = []
    for rule in entry_rules(app):
        blueprint = rule.endpoint.split(".")[0]
        url = rule.build({"entry_id": entry.id})[1]
        if blueprint == "intake":
            want = 403
        elif which == "other":
            want = 404
        else:
            want = 200 if "GET" in rule.methods else None
        if "GET" in rule.methods:
            got = client.get(url).status_code
        elif want is None:
            continue  # allowed writes are tested with the features
        else:
            got = client.post(url, data={"version": version, "title": "x"}).status_code
        if got != want:
            failures.append(f"{rule.endpoint} {url}: {got}, want {want}")
    assert not failures, "\n".join(failures)
    db.session.expire_all()
    assert db.session.get(Entry, entries["other"].id).title == "Ở Hàm Yên"
    assert db.session.get(Entry, entries["other"].id).status == "submitted"


def test_list_search_export_and_dashboard_stay_in_the_area(
    client_for, people, youth, tree, entries
):
    client = client_for(people["coord"])
    mine = {entries["mine"].id, entries["mine_draft"].id}

    def rows(page: str) -> set[int]:
        return {int(i) for i in re.findall(r'data-testid="entry-row" data-entry-id="(\d+)"', page)}

    page = text_of(client.get("/coordinator/entries/?status=all"))
    assert rows(page) == mine
    for query in (
        f"?q={entries['other'].code}",
        "?q=Hàm Yên",
        f"?area={tree['ham_yen'].id}&status=all",
        f"?area={tree['province'].id}&status=all",
        "?status=all&edition=",
    ):
        assert rows(text_of(client.get(f"/coordinator/entries/{query}"))) <= mine, query
    # The area filter offers the district and its communes only.
    area_select = re.search(r'<select[^>]*id="area".*?</select>', page, re.S).group(0)
    assert "Hàm Yên" not in area_select and "Xã Mỹ Bằng" in area_select
    response = client.get("/coordinator/entries/export.xlsx?status=all")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] and all(r[2] in ("Ở Mỹ Bằng", "Nháp Yên Sơn") for r in rows[1:])
    response = client.get(f"/coordinator/entries/export.xlsx?area={tree['ham_yen'].id}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [entries["mine"].code]
    dashboard = text_of(client.get(f"/coordinator/entries/dashboard?edition={youth.slug}"))
    totals = re.findall(r'data-testid="grand-total">(\d+)<', dashboard)
    assert totals == ["2", "1"]  # field × status: both of the area's; per sub-area: submitted
    assert "Hàm Yên" not in dashboard


def test_coordinator_can_help_an_entrant_of_the_area(client_for, people, entries):
    client = client_for(people["coord"])
    draft = entries["mine_draft"]
    page = text_of(client.get(f"/coordinator/entries/{draft.id}"))
    assert 'data-testid="help-edit"' in page
    response = client.post(
        f"/my/entries/{draft.id}/details",
        data={"version": draft.version, "mentor_name": "Cô Lan"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, draft.id).mentor_name == "Cô Lan"


def test_other_roles_are_refused(client_for, people, entries):
    judge = client_for(people["judge"])
    other_coord = client_for(people["coord_hy"])
    assert judge.get("/coordinator/entries/").status_code == 403
    assert judge.get(f"/my/entries/{entries['mine'].id}").status_code == 404
    assert other_coord.get(f"/coordinator/entries/{entries['mine'].id}").status_code == 404
    assert other_coord.get(f"/coordinator/entries/{entries['other'].id}").status_code == 200
    anonymous = client_for(None)
    assert anonymous.get("/coordinator/entries/").status_code == 302
    assert anonymous.get(f"/my/entries/{entries['mine'].id}").status_code == 302
