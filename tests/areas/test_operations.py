"""Area tree operations: seeding, tree queries, changes with refusals, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from contest.accounts.models import Role
from contest.areas import operations as ops
from contest.areas.demo import seed_areas
from contest.areas.models import Area, AreaLevel, Unit
from contest.audit.models import AuditEntry
from contest.extensions import db
from tests import factories

DISTRICTS = [
    "Thành phố Tuyên Quang",
    "Lâm Bình",
    "Na Hang",
    "Chiêm Hóa",
    "Hàm Yên",
    "Yên Sơn",
    "Sơn Dương",
]


@pytest.fixture()
def organizer(app):
    return factories.make_user(email="btc@example.vn", roles=(Role.ORGANIZER,))


@pytest.fixture()
def province(app):
    province = ops.seed_province()
    db.session.commit()
    return province


def district(province: Area, name: str) -> Area:
    return ops.find_area(name, province)


def audit_actions(obj_type: str | None = None) -> list[str]:
    stmt = select(AuditEntry.action).order_by(AuditEntry.id)
    if obj_type:
        stmt = stmt.where(AuditEntry.object_type == obj_type)
    return list(db.session.execute(stmt).scalars())


class QueryCounter:
    """Counts SQL statements sent on the engine while active."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


# --- Seeding ------------------------------------------------------------------------------


def test_seed_province_creates_the_exact_districts_in_order(app):
    province = ops.seed_province()
    db.session.commit()
    assert province.name == "Tỉnh Tuyên Quang"
    assert province.level == AreaLevel.PROVINCE
    assert province.parent_id is None
    children = (
        db.session.execute(
            select(Area).where(Area.parent_id == province.id).order_by(Area.position)
        )
        .scalars()
        .all()
    )
    assert [c.name for c in children] == DISTRICTS
    assert {c.level for c in children} == {"district"}


def test_seed_province_is_idempotent(app):
    first = ops.seed_province()
    db.session.commit()
    second = ops.seed_province()
    db.session.commit()
    assert first.id == second.id
    assert db.session.execute(select(func.count(Area.id))).scalar() == 1 + len(DISTRICTS)


def test_seed_province_keeps_a_renamed_province_and_adds_missing_districts(app, organizer):
    province = ops.seed_province(districts=DISTRICTS[:2])
    db.session.commit()
    assert len(ops.children_with_counts(province)) == 2
    ops.seed_province()
    db.session.commit()
    assert [r.area.name for r in ops.children_with_counts(province)] == DISTRICTS


def test_seed_areas_adds_the_demo_units_once(app):
    seed_areas()
    db.session.commit()
    seed_areas()
    db.session.commit()
    units = db.session.execute(select(Unit).order_by(Unit.name)).scalars().all()
    where = {u.name: (u.area.name, u.kind) for u in units}
    # The demo uses the 2025 map: units lie in communes/wards, no longer in districts.
    assert where == {
        "Trường THPT Chuyên Tuyên Quang": ("Phường Minh Xuân", "school"),
        "Trường THCS Yên Sơn": ("Xã Yên Sơn", "school"),
        "Trường Tiểu học Hàm Yên": ("Xã Hàm Yên", "school"),
        "Công ty Cổ phần Xi măng Tân Quang": ("Xã Yên Sơn", "company"),
    }


def test_seed_areas_flushes_without_committing(app):
    seed_areas()
    db.session.rollback()
    assert db.session.execute(select(func.count(Area.id))).scalar() == 0


# --- Reading the tree ---------------------------------------------------------------------


def test_descendant_ids_is_one_query_and_covers_every_level(app, province, organizer):
    yen_son = district(province, "Yên Sơn")
    communes = [ops.create_area(n, yen_son, organizer) for n in ("Trung Môn", "Kim Phú")]
    other = ops.create_area("Xã Bình Xa", district(province, "Hàm Yên"), organizer)
    db.session.commit()
    province_id = province.id  # loaded before counting

    with QueryCounter() as counter:
        ids = ops.descendant_ids(province_id)
    assert counter.count == 1
    assert ids == set(db.session.execute(select(Area.id)).scalars())

    assert ops.descendant_ids(yen_son.id) == {yen_son.id} | {c.id for c in communes}
    assert other.id not in ops.descendant_ids(yen_son.id)
    assert ops.descendant_ids(communes[0].id) == {communes[0].id}


def test_ancestor_ids_nearest_first(app, province, organizer):
    yen_son = district(province, "Yên Sơn")
    commune = ops.create_area("Trung Môn", yen_son, organizer)
    db.session.commit()
    assert ops.ancestor_ids(commune.id) == [yen_son.id, province.id]
    assert ops.ancestor_ids(province.id) == []


def test_area_choices_indent_by_depth_and_filter_levels(app, province, organizer):
    ops.create_area("Trung Môn", district(province, "Yên Sơn"), organizer)
    db.session.commit()
    choices = ops.area_choices()
    labels = [label for _id, label in choices]
    assert labels[0] == "Tỉnh Tuyên Quang"
    assert labels[1] == "— Thành phố Tuyên Quang"
    assert labels.index("— — Trung Môn") == labels.index("— Yên Sơn") + 1
    only_lower = ops.area_choices(levels=("district", "commune"))
    assert "Tỉnh Tuyên Quang" not in [label for _id, label in only_lower]
    assert len(only_lower) == len(DISTRICTS) + 1


def test_area_tree_counts_units_in_two_queries(app, province, organizer):
    ops.create_unit(district(province, "Na Hang"), "Trường THCS Na Hang", "school", organizer)
    db.session.commit()
    db.session.expire_all()
    with QueryCounter() as counter:
        roots = ops.area_tree()
        counts = {n.area.name: n.unit_count for n in roots[0].walk()}
    assert counter.count == 2
    assert counts["Na Hang"] == 1 and counts["Lâm Bình"] == 0


# --- Changing areas -----------------------------------------------------------------------


def test_create_area_levels_follow_the_parent(app, organizer):
    """A province's child is a commune (no districts since 1 July 2025); a former district
    may still get a commune."""
    root = ops.create_area("Tỉnh Hà Giang", None, organizer)
    commune = ops.create_area("Xã Đạo Đức", root, organizer)
    assert (root.level, commune.level) == ("province", "commune")
    with pytest.raises(ops.AreaError, match="dưới cấp xã"):
        ops.create_area("Thôn 1", commune, organizer)
    former = ops.seed_province("Tỉnh Cũ", ["Vị Xuyên"])
    under_former = ops.create_area("Xã Cũ", ops.find_area("Vị Xuyên", former), organizer)
    assert under_former.level == "commune"
    assert audit_actions("area") == ["area.create"] * 3


def test_sibling_names_are_unique_but_cousins_may_share(app, province, organizer):
    with pytest.raises(ops.AreaError, match="Đã có địa bàn"):
        ops.create_area("  yên   sơn ", province, organizer)
    ops.create_area("Thị trấn", district(province, "Yên Sơn"), organizer)
    ops.create_area("Thị trấn", district(province, "Na Hang"), organizer)
    with pytest.raises(ops.AreaError, match="Vui lòng nhập tên"):
        ops.create_area("   ", province, organizer)


def test_new_children_go_last(app, province, organizer):
    area = ops.create_area("Huyện mới", province, organizer)
    assert [r.area.name for r in ops.children_with_counts(province)][-1] == area.name


def test_rename_area_is_audited(app, province, organizer):
    na_hang = district(province, "Na Hang")
    ops.rename_area(na_hang, "Huyện Na Hang", organizer)
    db.session.commit()
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "area.rename",
        organizer.id,
        str(na_hang.id),
    )
    assert entry.details == {"before": "Na Hang", "after": "Huyện Na Hang"}
    with pytest.raises(ops.AreaError):
        ops.rename_area(na_hang, "Lâm Bình", organizer)


def test_move_area_swaps_neighbours_and_renumbers(app, province, organizer):
    lam_binh = district(province, "Lâm Bình")
    assert ops.move_area(lam_binh, -1, organizer) is True
    db.session.commit()
    names = [r.area.name for r in ops.children_with_counts(province)]
    assert names[:3] == ["Lâm Bình", "Thành phố Tuyên Quang", "Na Hang"]
    positions = [r.area.position for r in ops.children_with_counts(province)]
    assert positions == list(range(len(DISTRICTS)))
    assert ops.move_area(lam_binh, -1, organizer) is False  # already first
    son_duong = district(province, "Sơn Dương")
    assert ops.move_area(son_duong, 1, organizer) is False  # already last
    assert audit_actions("area") == ["area.move"]


def test_delete_refused_with_children(app, province, organizer):
    with pytest.raises(ops.AreaError, match="7 địa bàn trực thuộc"):
        ops.delete_area(province, organizer)


def test_delete_refused_with_units(app, province, organizer):
    area = district(province, "Lâm Bình")
    ops.create_unit(area, "Trường THCS Lâm Bình", "school", organizer)
    with pytest.raises(ops.AreaError, match="còn 1 đơn vị"):
        ops.delete_area(area, organizer)


def test_delete_refused_with_users(app, province, organizer):
    area = district(province, "Lâm Bình")
    user = factories.make_user()
    user.area_id = area.id
    db.session.commit()
    with pytest.raises(ops.AreaError, match="1 người dùng"):
        ops.delete_area(area, organizer)


def test_delete_refused_for_a_coordinators_area(app, province, organizer):
    area = district(province, "Chiêm Hóa")
    factories.make_user(roles=(Role.COORDINATOR,), area=area)
    with pytest.raises(ops.AreaError, match="điều phối viên"):
        ops.delete_area(area, organizer)
    assert db.session.get(Area, area.id) is not None


def test_delete_refusal_from_a_foreign_key_keeps_the_transaction_usable(
    app, province, organizer, monkeypatch
):
    """A table added by a later feature may point at an area: the database refuses and the
    organizer gets the generic message, with the session still usable."""
    area = district(province, "Lâm Bình")
    db.session.add(Unit(area_id=area.id, name="Trường X", kind="school"))
    db.session.commit()
    monkeypatch.setattr(
        ops,
        "area_usage",
        lambda a: dict.fromkeys(("children", "units", "users", "coordinators"), 0),
    )
    with pytest.raises(ops.AreaError, match="đang được sử dụng"):
        ops.delete_area(area, organizer)
    ops.rename_area(area, "Huyện Lâm Bình", organizer)
    db.session.commit()
    assert db.session.get(Area, area.id).name == "Huyện Lâm Bình"
    assert "area.delete" not in audit_actions()


def test_delete_unused_area_is_audited(app, province, organizer):
    area = district(province, "Sơn Dương")
    area_id = area.id
    ops.delete_area(area, organizer)
    db.session.commit()
    assert db.session.get(Area, area_id) is None
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "area.delete")
    ).scalar_one()
    assert entry.object_id == str(area_id)
    assert entry.details["name"] == "Sơn Dương"


# --- Units --------------------------------------------------------------------------------


def test_unit_create_update_delete_audited(app, province, organizer):
    area = district(province, "Hàm Yên")
    unit = ops.create_unit(area, "Trường Tiểu học Hàm Yên", "school", organizer)
    ops.update_unit(unit, "Trường TH Hàm Yên", "agency", organizer)
    ops.update_unit(unit, "Trường TH Hàm Yên", "agency", organizer)  # no change, no entry
    unit_id = unit.id
    ops.delete_unit(unit, organizer)
    db.session.commit()
    assert db.session.get(Unit, unit_id) is None
    assert audit_actions("unit") == ["unit.create", "unit.update", "unit.delete"]
    update = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "unit.update")
    ).scalar_one()
    assert update.details == {
        "name": ["Trường Tiểu học Hàm Yên", "Trường TH Hàm Yên"],
        "kind": ["school", "agency"],
    }


def test_unit_kind_and_name_are_checked(app, province, organizer):
    area = district(province, "Hàm Yên")
    with pytest.raises(ops.AreaError, match="Loại đơn vị"):
        ops.create_unit(area, "Trường A", "university", organizer)
    ops.create_unit(area, "Trường A", "school", organizer)
    with pytest.raises(ops.AreaError, match="đã có đơn vị"):
        ops.create_unit(area, "trường a", "school", organizer)
    ops.create_unit(district(province, "Na Hang"), "Trường A", "school", organizer)


def test_unit_delete_refused_when_users_belong_to_it(app, province, organizer):
    unit = ops.create_unit(district(province, "Na Hang"), "Trường B", "school", organizer)
    db.session.commit()
    user = factories.make_user()
    user.unit_id = unit.id
    db.session.commit()
    with pytest.raises(ops.AreaError, match="1 người dùng"):
        ops.delete_unit(unit, organizer)
    assert db.session.get(Unit, unit.id) is not None


def test_units_under_an_area_include_its_communes(app, province, organizer):
    yen_son = district(province, "Yên Sơn")
    commune = ops.create_area("Trung Môn", yen_son, organizer)
    ops.create_unit(yen_son, "Trường THCS Yên Sơn", "school", organizer)
    ops.create_unit(commune, "Trường TH Trung Môn", "school", organizer)
    ops.create_unit(district(province, "Na Hang"), "Trường Na Hang", "school", organizer)
    names = {u.name for u in ops.units_under(yen_son.id)}
    assert names == {"Trường THCS Yên Sơn", "Trường TH Trung Môn"}
