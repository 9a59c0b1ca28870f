"""Visibility and the list/dashboard helpers: organizers see all, coordinators only their
area's subtree (in every helper), entrants their own; filters, search, sort, pages, counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.exceptions import NotFound

from contest.entries import access, intake, operations, queries
from contest.entries.operations import AuthorData
from contest.entries.queries import EntryFilters
from contest.extensions import db
from tests.entries.conftest import BEFORE, CHILD, make_draft


@pytest.fixture()
def spread(youth, people, tree):
    """Entries in the Yên Sơn district, its commune, Hàm Yên, and without a known area."""
    org = people["organizer"]

    def submitted(owner, area, title, field="HT", day=0, authors=None):
        entry = make_draft(youth, owner, area=area, title=title, field=field, authors=authors)
        operations.submit(entry, owner, now=BEFORE + timedelta(days=day))
        return entry

    made = {
        "ys": submitted(people["entrant"], tree["yen_son"], "Máy lọc nước Yên Sơn"),
        "mb": submitted(
            people["other"],
            tree["my_bang"],
            "Đèn học Mỹ Bằng",
            field="PM",
            day=1,
            authors=[
                AuthorData("Hoàng Thị Mai", CHILD, "F", phone="1", is_representative=True),
                AuthorData("Ma Văn Tùng", date(2008, 1, 1), "M"),
            ],
        ),
        "hy": submitted(people["other"], tree["ham_yen"], "Bếp Hàm Yên", day=1),
        "none": submitted(people["entrant"], None, "Ngoài danh sách", field="PM", day=2),
        "draft": make_draft(youth, people["entrant"], area=tree["yen_son"], title="Nháp"),
    }
    intake.accept(made["hy"], org)
    intake.reject(made["none"], org, "Sai địa bàn")
    db.session.commit()
    return made


def titles(entries):
    return sorted(e.title for e in entries)


def test_who_sees_what(spread, people, youth):
    f = EntryFilters(edition_id=youth.id)
    everything = titles(spread.values())
    assert titles(queries.entry_list(people["organizer"], f)) == everything
    assert titles(queries.entry_list(people["coord"], f)) == titles(
        [spread["ys"], spread["mb"], spread["draft"]]
    )
    assert titles(queries.entry_list(people["coord_hy"], f)) == ["Bếp Hàm Yên"]
    assert titles(queries.entry_list(people["entrant"], f)) == titles(
        [spread["ys"], spread["none"], spread["draft"]]
    )
    assert queries.entry_list(people["judge"], f) == []
    assert queries.entry_list(None, f) == []


def test_loader_and_predicates_follow_the_same_rule(spread, people):
    coord = people["coord"]
    assert access.load_entry(spread["mb"].id, coord) is spread["mb"]
    for other in ("hy", "none"):
        with pytest.raises(NotFound):
            access.load_entry(spread[other].id, coord)
        assert not access.can_view(coord, spread[other])
    assert access.can_view(people["organizer"], spread["none"])
    assert not access.can_view(people["other"], spread["ys"])
    assert access.can_edit(coord, spread["mb"], BEFORE)
    assert not access.can_edit(people["coord_hy"], spread["mb"], BEFORE)


def test_coordinator_filters_cannot_reach_outside(spread, people, tree, youth):
    coord = people["coord"]
    outside = EntryFilters(edition_id=youth.id, area_id=tree["ham_yen"].id)
    assert queries.entry_list(coord, outside) == []
    assert queries.entry_page(coord, outside).total == 0
    assert sum(queries.counts_by_status(coord, youth.id, tree["ham_yen"].id).values()) == 0
    whole = EntryFilters(edition_id=youth.id, area_id=tree["province"].id)
    assert titles(queries.entry_list(coord, whole)) == titles(
        [spread["ys"], spread["mb"], spread["draft"]]
    )


def test_every_count_is_scoped(spread, people, tree, youth):
    coord, org = people["coord"], people["organizer"]
    assert queries.counts_by_status(org, youth.id) == {
        "draft": 1,
        "submitted": 2,
        "received": 0,
        "accepted": 1,
        "rejected": 1,
        "withdrawn": 0,
    }
    assert queries.counts_by_status(coord, youth.id)["submitted"] == 2
    assert queries.counts_by_status(coord, youth.id)["accepted"] == 0
    ht, pm = youth.field_by_code("HT").id, youth.field_by_code("PM").id
    assert queries.counts_by_field_and_status(coord, youth.id) == {
        (ht, "submitted"): 1,
        (pm, "submitted"): 1,
        (ht, "draft"): 1,
    }
    province = tree["province"].id
    assert queries.counts_by_area_and_field(org, youth.id, province) == {
        (tree["yen_son"].id, ht): 1,
        (tree["yen_son"].id, pm): 1,  # the commune counts for its district
        (tree["ham_yen"].id, ht): 1,
        (None, pm): 1,  # no known area
    }
    assert queries.counts_by_area_and_field(coord, youth.id, province) == {
        (tree["yen_son"].id, ht): 1,
        (tree["yen_son"].id, pm): 1,
    }
    assert queries.counts_by_area_and_field(coord, youth.id, tree["yen_son"].id) == {
        (tree["yen_son"].id, ht): 1,  # the district's own entry
        (tree["my_bang"].id, pm): 1,
    }
    assert queries.counts_by_area_and_field(org, youth.id) == {
        (province, ht): 2,
        (province, pm): 1,
        (None, pm): 1,
    }
    assert queries.submissions_per_day(org, youth.id) == [
        (date(2026, 6, 1), 1),
        (date(2026, 6, 2), 2),
        (date(2026, 6, 3), 1),
    ]
    assert queries.submissions_per_day(coord, youth.id) == [
        (date(2026, 6, 1), 1),
        (date(2026, 6, 2), 1),
    ]
    stats = queries.authors_by_gender_and_age(org, youth)
    assert stats.total() == 5
    assert stats.total(gender="F") == 4 and stats.total(gender="M") == 1
    assert stats.total(group="THCS (11–14 tuổi)") == 4  # born 4/5/2012: 14 on 31/7/2026
    assert stats.total(group="THPT (từ 15 tuổi)") == 1  # born 1/1/2008: 18
    coord_stats = queries.authors_by_gender_and_age(coord, youth)
    assert coord_stats.total() == 3 and coord_stats.total(gender="M") == 1


def test_submissions_per_day_uses_vietnam_dates(youth, people):
    entry = make_draft(youth, people["entrant"])
    # 23:30 on 1 June in Vietnam is still 1 June (16:30 UTC)
    late = BEFORE.replace(hour=23, minute=30)
    operations.submit(entry, people["entrant"], now=late)
    db.session.commit()
    assert queries.submissions_per_day(people["organizer"], youth.id) == [(date(2026, 6, 1), 1)]


def test_filters_search_sort_and_pages(spread, people, youth, tree):
    org = people["organizer"]

    def find(**kwargs):
        return titles(queries.entry_list(org, EntryFilters(edition_id=youth.id, **kwargs)))

    assert find(field_id=youth.field_by_code("PM").id) == ["Ngoài danh sách", "Đèn học Mỹ Bằng"]
    assert find(statuses=("accepted", "rejected")) == ["Bếp Hàm Yên", "Ngoài danh sách"]
    assert find(area_id=tree["yen_son"].id) == ["Máy lọc nước Yên Sơn", "Nháp", "Đèn học Mỹ Bằng"]
    assert find(q="lọc nước") == ["Máy lọc nước Yên Sơn"]
    assert find(q="STTN26-PM-001") == ["Đèn học Mỹ Bằng"]
    assert find(q="Tùng") == ["Đèn học Mỹ Bằng"]  # an author's name
    assert find(q="THCS Yên") == titles(spread.values())  # the unit
    assert find(q="100%") == []  # LIKE wildcards are literal
    assert find(owner_id=people["other"].id) == ["Bếp Hàm Yên", "Đèn học Mỹ Bằng"]
    codes = [
        e.code
        for e in queries.entry_list(
            org,
            EntryFilters(
                edition_id=youth.id, sort="-code", statuses=("submitted", "accepted", "rejected")
            ),
        )
    ]
    assert codes == sorted(codes, reverse=True)
    page = queries.entry_page(
        org, EntryFilters(edition_id=youth.id, sort="title"), page=2, per_page=2
    )
    assert page.total == 5 and page.pages == 3
    ordered = queries.entry_list(org, EntryFilters(edition_id=youth.id, sort="title"))
    assert page.items == ordered[2:4]  # the database's collation decides where "Đ" goes
    assert [e.title for e in ordered][:1] == ["Bếp Hàm Yên"]
    by_area = queries.entry_list(org, EntryFilters(edition_id=youth.id, sort="area"))
    assert len(by_area) == 5
    by_field = queries.entry_list(org, EntryFilters(edition_id=youth.id, sort="field"))
    assert [e.field.code for e in by_field] == ["HT", "HT", "HT", "PM", "PM"]


def test_list_rows_need_no_query_per_row(spread, people, youth):
    from sqlalchemy import event

    organizer, filters = people["organizer"], EntryFilters(edition_id=youth.id)
    assert organizer.has_role("organizer")  # loaded before counting
    statements = []
    listener = lambda *args, **kwargs: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        rows = queries.entry_list(organizer, filters)
        for entry in rows:
            _ = (entry.field.name, entry.area_label, [a.full_name for a in entry.authors])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(rows) == 5
    assert len(statements) <= 6  # the entries, then authors, fields, boards, areas, units
