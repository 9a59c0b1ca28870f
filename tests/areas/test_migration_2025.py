"""Migration 0020 on an instance seeded with the former districts: every entry keeps its area,
old editions keep the district names, the 2025 map can then be seeded beside them."""

from __future__ import annotations

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from contest.accounts.models import Role, User
from contest.areas import operations as area_ops
from contest.areas.models import Area
from contest.areas.official import seed_official_province
from contest.entries.models import Entry
from contest.extensions import db
from contest.reports.statistics import edition_statistics
from contest.timeutil import utcnow
from tests import factories
from tests.entries_ui.conftest import make_entry, open_edition

BEFORE = "0019_announcements"


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_upgrade_from_0019_keeps_areas_and_names(app):
    # An instance as it was: Tuyên Quang, its 7 districts, a commune; a coordinator of a
    # district; an edition that ran and one still open, with entries in districts and communes.
    organizer = factories.make_user("btc@example.vn", (Role.ORGANIZER,))
    province = area_ops.seed_province()
    yen_son = area_ops.find_area("Yên Sơn", province)
    ham_yen = area_ops.find_area("Hàm Yên", province)
    trung_mon = area_ops.create_area("Xã Trung Môn", yen_son, organizer)
    db.session.commit()
    coordinator = factories.make_user("ys@example.vn", (Role.COORDINATOR,), area=yen_son)
    past = open_edition("youth", "ttn-2024", organizer, days=3)
    entrant = factories.make_user("an@example.vn", (Role.ENTRANT,))
    placed = {
        "commune": make_entry(past, entrant, trung_mon, title="Ở Trung Môn", submit=True),
        "district": make_entry(past, entrant, ham_yen, title="Ở Hàm Yên", submit=True),
        "province": make_entry(past, entrant, province, title="Cấp tỉnh", submit=True),
    }
    past.opens_at = utcnow() - timedelta(days=230)
    past.submission_deadline = utcnow() - timedelta(days=200)
    db.session.commit()
    areas_before = dict(db.session.execute(select(Entry.id, Entry.area_id)).all())
    tree_before = db.session.execute(
        select(Area.id, Area.name, Area.parent_id, Area.level).order_by(Area.id)
    ).all()
    ids = {k: e.id for k, e in placed.items()}
    coordinator_id, past_id = coordinator.id, past.id
    province_id, yen_son_id, trung_mon_id = province.id, yen_son.id, trung_mon.id
    organizer_id = organizer.id

    db.session.remove()
    downgrade(revision=BEFORE)
    assert "area_snapshot" not in _columns("entries")
    assert "group_id" not in _columns("user_roles")
    upgrade()

    # Nothing lost or moved.
    assert dict(db.session.execute(select(Entry.id, Entry.area_id)).all()) == areas_before
    assert (
        db.session.execute(
            select(Area.id, Area.name, Area.parent_id, Area.level).order_by(Area.id)
        ).all()
        == tree_before
    )
    assert db.session.get(User, coordinator_id).coordinator_area_id() == yen_son_id
    # Every entry has the names it ran with.
    snapshots = {
        e.id: (e.area_snapshot, e.district_snapshot) for e in db.session.scalars(select(Entry))
    }
    assert snapshots[ids["commune"]] == ("Xã Trung Môn", "Yên Sơn")
    assert snapshots[ids["district"]] == ("Hàm Yên", "Hàm Yên")
    assert snapshots[ids["province"]] == ("Tỉnh Tuyên Quang", "")
    assert db.session.scalar(text("SELECT COUNT(*) FROM area_groups")) == 0

    # The 2025 map is seeded beside the former districts; renaming them afterwards does not
    # change what the old edition shows.
    result = seed_official_province("Tuyên Quang")
    db.session.commit()
    assert result.province.id == province_id and result.province.code == "08"
    assert result.created == 124
    organizer = db.session.get(User, organizer_id)
    yen_son = db.session.get(Area, yen_son_id)
    area_ops.rename_area(yen_son, "Cụm Yên Sơn (đổi tên)", organizer)
    area_ops.rename_area(db.session.get(Area, trung_mon_id), "Xã Trung Môn mới", organizer)
    db.session.commit()
    entry = db.session.get(Entry, ids["commune"])
    assert entry.area_label == "Xã Trung Môn" and entry.area_id == trung_mon_id
    from contest.contests.models import Edition

    rows = edition_statistics(db.session.get(Edition, past_id)).breakdown("area").rows
    labels = {r.label for r in rows if r.counts.submitted}
    assert {"Yên Sơn", "Hàm Yên"} <= labels
    assert "Cụm Yên Sơn (đổi tên)" not in labels
