"""The organizer's dashboard: its numbers equal counts made here independently (per area ×
field, per status, per day, authors by gender and age group); the chart data rides in a data
attribute; the page links from the organizer home and the edition overview."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from html import unescape

import pytest

from contest.entries import intake, operations
from contest.extensions import db
from contest.timeutil import LOCAL_TZ
from tests.entries_ui.conftest import make_entry, text_of

A = operations.AuthorData


def table(page: str, testid: str) -> str:
    """The HTML of the table with ``data-testid``."""
    return re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', page, re.S).group(0)


def cells(html: str) -> dict[tuple[str, str], int]:
    """``{(row key, column key): n}`` of a count table."""
    found = re.findall(r'data-row="([^"]*)" data-col="([^"]*)" data-testid="cell">([\d.]+)<', html)
    return {(r, c): int(n.replace(".", "")) for r, c, n in found}


@pytest.fixture()
def world(people, youth, tree):
    """Entries over areas, fields, statuses and days, with authors of both genders."""
    e, o, org = people["entrant"], people["other"], people["organizer"]
    spec = [
        # (owner, area, field, status, authors, submitted days ago)
        (e, "yen_son", "HT", "submitted", [A("An", date(2012, 1, 1), "F", phone="1")], 3),
        (e, "my_bang", "HT", "received", [A("Bình", date(2009, 6, 1), "M", phone="1")], 3),
        (e, "my_bang", "PM", "accepted", [A("Chi", date(2016, 2, 2), "F", phone="1"),
                                         A("Dũng", date(2012, 2, 2), "M")], 1),
        (o, "ham_yen", "HT", "rejected", [A("Én", date(2010, 3, 3), "", phone="1")], 1),
        (o, "ham_yen", "PM", "withdrawn", [A("Giang", date(2011, 3, 3), "M", phone="1")], 0),
        (o, "ham_yen", "HT", "draft", [A("Hà", date(2011, 3, 3), "F", phone="1")], None),
    ]  # fmt: skip
    made = []
    for owner, area, field, status, authors, days_ago in spec:
        entry = make_entry(
            youth, owner, tree[area], field=field, authors=authors, submit=status != "draft"
        )
        if status == "received":
            intake.receive(entry, org)
        elif status == "accepted":
            intake.accept(entry, org)
        elif status == "rejected":
            intake.reject(entry, org, "Không đạt")
        elif status == "withdrawn":
            operations.withdraw(entry, owner)
        if days_ago is not None:
            moment = datetime.now(LOCAL_TZ).replace(hour=10) - timedelta(days=days_ago)
            entry.submitted_at = moment
        db.session.commit()
        made.append((entry, area, field, status, authors))
    return made


COUNTED = {"submitted", "received", "accepted", "rejected"}
DISTRICT = {"yen_son": "yen_son", "my_bang": "yen_son", "ham_yen": "ham_yen"}


def youth_group(dob: date, ref: date) -> str:
    age = ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))
    if age <= 10:
        return "Tiểu học (đến 10 tuổi)"
    if age <= 14:
        return "THCS (11–14 tuổi)"
    return "THPT (từ 15 tuổi)"


def test_dashboard_numbers_equal_independent_counts(client, login, people, youth, tree, world):
    login(people["organizer"])
    page = text_of(client.get(f"/organizer/entries/dashboard?edition={youth.slug}"))

    # Area × field: districts of the only province are the rows; communes count for them.
    expected = Counter()
    for _entry, area, field, status, _authors in world:
        if status in COUNTED:
            expected[(str(tree[DISTRICT[area]].id), str(youth.field_by_code(field).id))] += 1
    shown = {k: n for k, n in cells(table(page, "area-field")).items() if n}
    assert shown == dict(expected)
    assert 'data-testid="grand-total">4<' in table(page, "area-field")

    # Per status (every status, drafts and withdrawals too).
    statuses = Counter(status for *_x, status, _a in world)
    shown = dict(
        re.findall(r'<tr data-status="(\w+)">.*?data-testid="status-count">(\d+)<', page, re.S)
    )
    assert {s: int(n) for s, n in shown.items() if int(n)} == dict(statuses)

    # Per day (local dates) of the counted entries.
    per_day = Counter(
        entry.submitted_at.astimezone(LOCAL_TZ).date().isoformat()
        for entry, _a, _f, status, _au in world
        if status in COUNTED
    )
    shown = re.findall(r'<tr data-day="([\d-]+)">.*?data-testid="day-count">(\d+)<', page, re.S)
    assert {d: int(n) for d, n in shown if int(n)} == dict(per_day)
    chart = re.search(r'data-chart="([^"]*)"[^>]*data-testid="submissions-chart"', page)
    data = json.loads(unescape(chart.group(1)))
    assert sum(data["datasets"][0]["data"]) == 4 and data["datasets"][1]["data"][-1] == 4

    # Authors of the counted entries by gender and age group at the reference date.
    authors = Counter()
    for _entry, _area, _field, status, people_ in world:
        if status in COUNTED:
            for a in people_:
                authors[(youth_group(a.date_of_birth, youth.reference_date), a.gender)] += 1
    shown = {k: n for k, n in cells(table(page, "author-table")).items() if n}
    assert shown == dict(authors)


def test_drill_down_to_a_district(client, login, people, youth, tree, world):
    login(people["organizer"])
    page = text_of(
        client.get(f"/organizer/entries/dashboard?edition={youth.slug}&area={tree['yen_son'].id}")
    )
    shown = {k: n for k, n in cells(table(page, "area-field")).items() if n}
    ht, pm = (str(youth.field_by_code(c).id) for c in ("HT", "PM"))
    my_bang, yen_son = str(tree["my_bang"].id), str(tree["yen_son"].id)
    assert shown == {(my_bang, ht): 1, (my_bang, pm): 1, (yen_son, ht): 1, ("", ht): 1}
    assert client.get("/organizer/entries/dashboard?edition=khong-co").status_code == 404


def test_dashboard_is_linked_and_works_without_entries(client, login, people, youth):
    login(people["organizer"])
    page = text_of(client.get("/organizer/entries/dashboard"))
    assert "Chưa có hồ sơ nào được nộp." in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "<script>" not in page
    assert "/organizer/entries/dashboard" in text_of(client.get("/organizer/"))
    overview = text_of(client.get(f"/organizer/editions/{youth.slug}"))
    assert f"/organizer/entries/dashboard?edition={youth.slug}" in overview
