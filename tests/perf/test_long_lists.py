"""Issue 15: the organizer's long lists (assignment, conflicts, results review, intake) are
read a page at a time and filtered in SQL by field and flag."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from contest.entries.models import Entry
from contest.extensions import db
from contest.judging import organizer_lists, views_organizer_review
from contest.judging.models import Assignment
from contest.results import views as results_views
from tests.perf.helpers import SLUG, build, organizer_user

SIZE = 40


@pytest.fixture()
def edition(app, runner, tmp_path, login, monkeypatch):
    monkeypatch.setattr(organizer_lists, "PER_PAGE", 10)
    monkeypatch.setattr(views_organizer_review, "CONFLICTS_PER_PAGE", 10)
    monkeypatch.setattr(results_views, "REVIEW_PER_PAGE", 10)
    edition = build(runner, tmp_path, SIZE, publish=False)
    login(organizer_user())
    return edition


def _codes(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}-(E\d+)"', html)


def test_assignment_is_paginated_and_filtered_by_field_and_lack(client, edition):
    url = f"/organizer/judging/{SLUG}/assignment"
    first = client.get(url).get_data(as_text=True)
    assert _codes(first, "entry") == [f"E{i:05d}" for i in range(1, 11)]
    assert 'data-testid="pagination"' in first
    last = client.get(url + "?page=4").get_data(as_text=True)
    assert _codes(last, "entry") == [f"E{i:05d}" for i in range(31, 41)]
    assert _codes(client.get(url + "?page=999").get_data(as_text=True), "entry") == _codes(
        last, "entry"
    )
    ck = client.get(url + "?field=CK").get_data(as_text=True)
    assert _codes(ck, "entry") == [f"E{i:05d}" for i in range(1, 20, 2)]  # CK: odd numbers
    assert "20 hồ sơ" in ck
    # An entry that lost its judges is the only one "still lacking judges".
    lost = db.session.scalar(select(Entry.id).where(Entry.code == "E00017"))
    db.session.execute(delete(Assignment).where(Assignment.entry_id == lost))
    db.session.commit()
    lacking = client.get(url + "?lacking=1").get_data(as_text=True)
    assert _codes(lacking, "entry") == ["E00017"]
    assert _codes(client.get(url + "?lacking=1&field=CK").get_data(as_text=True), "entry") == [
        "E00017"
    ]
    assert _codes(client.get(url + "?lacking=1&field=CNTT").get_data(as_text=True), "entry") == []


def test_conflicts_are_paginated_and_filtered_by_field(client, edition):
    url = f"/organizer/judging/{SLUG}/conflicts"
    html = client.get(url).get_data(as_text=True)
    table = html[html.index('data-testid="conflict-rows"') : html.index("</table>")]
    assert table.count("<tr>") == 1 + 10  # header + one page
    assert "40 dòng" in html  # the third judge is conflicted with every entry
    ck = client.get(url + "?field=CK").get_data(as_text=True)
    assert "20 dòng" in ck
    table = ck[ck.index('data-testid="conflict-rows"') : ck.index("</table>")]
    assert "CNTT" not in table


def test_the_review_is_paginated_and_filtered_by_group(client, edition):
    url = f"/organizer/results/{SLUG}"
    html = client.get(url).get_data(as_text=True)
    rows = re.findall(r'data-testid="row-(E\d+)"', html)
    assert len(rows) == 10 and "40 hồ sơ khớp bộ lọc" in html
    group = client.get(url + "?group=CK").get_data(as_text=True)
    assert "20 hồ sơ khớp bộ lọc" in group
    assert all(int(code) % 2 == 1 for code in re.findall(r'data-testid="row-E(\d+)"', group))
    pages = set()
    for page in (1, 2, 3, 4):
        pages |= set(
            re.findall(
                r'data-testid="row-(E\d+)"', client.get(f"{url}?page={page}").get_data(as_text=True)
            )
        )
    assert len(pages) == SIZE
