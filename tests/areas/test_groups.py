"""Groups between province and communes (clusters, sectors) and their coordinators: the
operations, what a group coordinator sees, the organizers' pages; and editions keeping the
area names they ran with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.accounts.models import Role, UserRole
from contest.areas import groups as ops
from contest.areas import operations as area_ops
from contest.areas.models import Area, AreaGroup, AreaLevel, Unit
from contest.areas.official import seed_official_province
from contest.audit.models import AuditEntry
from contest.entries import access, queries
from contest.entries.models import Entry
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories
from tests.entries_ui.conftest import make_entry, open_edition


def named(name: str) -> Area:
    return db.session.scalars(select(Area).where(Area.name == name)).one()


@pytest.fixture()
def province(app):
    """Tuyên Quang as seeded from the official list, plus a unit in Xã Hàm Yên."""
    result = seed_official_province("Tuyên Quang")
    db.session.add(Unit(area_id=named("Xã Hàm Yên").id, name="Trường THPT Hàm Yên", kind="school"))
    db.session.commit()
    return result.province


@pytest.fixture()
def other_province(app):
    return seed_official_province("Hà Nội").province


@pytest.fixture()
def organizer(app):
    return factories.make_user("btc@example.vn", (Role.ORGANIZER,))


@pytest.fixture()
def cluster(province, organizer):
    """A cluster of Xã Yên Sơn and Xã Thái Bình."""
    group = ops.create_group(province, "Cụm Yên Sơn cũ", "cluster", organizer)
    ops.set_members(group, [named("Xã Yên Sơn").id, named("Xã Thái Bình").id], [], organizer)
    db.session.commit()
    return group


# --- Operations ---------------------------------------------------------------------------


def test_create_and_set_members_audited(province, organizer, cluster):
    assert {a.name for a in cluster.areas} == {"Xã Yên Sơn", "Xã Thái Bình"}
    unit = db.session.scalars(select(Unit)).one()
    assert ops.set_members(cluster, [named("Xã Yên Sơn").id], [unit.id], organizer) == (1, 1)
    db.session.commit()
    assert [a.name for a in cluster.areas] == ["Xã Yên Sơn"]
    assert [u.name for u in cluster.units] == ["Trường THPT Hàm Yên"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["area_group.create", "area_group.members", "area_group.members"]
    # Setting the same members again changes and records nothing.
    ops.set_members(cluster, [named("Xã Yên Sơn").id], [unit.id], organizer)
    assert db.session.scalars(select(AuditEntry.action)).all().count("area_group.members") == 2


def test_members_must_belong_to_the_province(province, other_province, organizer, cluster):
    hanoi_commune = db.session.scalars(
        select(Area).where(Area.parent_id == other_province.id)
    ).first()
    with pytest.raises(area_ops.AreaError, match="Chỉ chọn được"):
        ops.set_members(cluster, [hanoi_commune.id], [], organizer)
    with pytest.raises(area_ops.AreaError, match="Nhóm chỉ được lập"):
        ops.create_group(named("Xã Yên Sơn"), "Nhóm", "cluster", organizer)


def test_names_are_unique_per_province_and_kinds_checked(province, other_province, cluster):
    with pytest.raises(area_ops.AreaError, match="đã có nhóm"):
        ops.create_group(province, "  cụm yên sơn  CŨ", "cluster", None)
    with pytest.raises(area_ops.AreaError, match="Loại nhóm"):
        ops.create_group(province, "Nhóm khác", "district", None)
    assert ops.create_group(other_province, "Cụm Yên Sơn cũ", "sector", None).id


def test_delete_refused_while_a_coordinator_is_bound(province, organizer, cluster):
    user = factories.make_user("ys@example.vn", (Role.ENTRANT,))
    ops.assign_coordinator(cluster, user, organizer)
    db.session.commit()
    with pytest.raises(area_ops.AreaError, match="còn điều phối viên"):
        ops.delete_group(cluster, organizer)
    ops.remove_coordinator(cluster, user, organizer)
    ops.delete_group(cluster, organizer)
    db.session.commit()
    assert db.session.scalars(select(AreaGroup)).all() == []
    assert user.role_names == {"entrant"}


def test_a_coordinator_moves_from_a_commune_to_a_group(province, organizer, cluster):
    user = factories.make_user("ys@example.vn", (Role.COORDINATOR,), area=named("Xã Hàm Yên"))
    ops.assign_coordinator(cluster, user, organizer)
    db.session.commit()
    role = db.session.scalars(select(UserRole).where(UserRole.user_id == user.id)).one()
    assert (role.area_id, role.group_id) == (province.id, cluster.id)
    assert ops.coordinators_of(cluster) == [user]
    assert ops.member_counts([cluster.id]) == {cluster.id: (2, 0, 1)}


# --- What a group coordinator sees --------------------------------------------------------


@pytest.fixture()
def world(province, organizer, cluster):
    """Entries in Xã Yên Sơn, Xã Thái Bình (in the cluster), Xã Hàm Yên (not), and one in
    Xã Hàm Yên from the sector's school; coordinators of the cluster, of a sector holding the
    school, and of the single commune Xã Hàm Yên."""
    edition = open_edition("youth", "ttn-cum", organizer)
    entrant = factories.make_user("an@example.vn", (Role.ENTRANT,))
    entries = {
        name: make_entry(edition, entrant, named(name), title=f"Ở {name}", submit=True)
        for name in ("Xã Yên Sơn", "Xã Thái Bình", "Xã Hàm Yên")
    }
    school = db.session.scalars(select(Unit)).one()
    entries["school"] = make_entry(
        edition, entrant, named("Xã Hàm Yên"), title="Của trường", submit=True
    )
    entries["school"].unit_id = school.id
    sector = ops.create_group(province, "Khối trường học", "sector", organizer)
    ops.set_members(sector, [], [school.id], organizer)
    people = {
        "cluster": factories.make_user("cum@example.vn", (Role.ENTRANT,)),
        "sector": factories.make_user("nganh@example.vn", (Role.ENTRANT,)),
        "commune": factories.make_user(
            "xa@example.vn", (Role.COORDINATOR,), area=named("Xã Hàm Yên")
        ),
    }
    ops.assign_coordinator(cluster, people["cluster"], organizer)
    ops.assign_coordinator(sector, people["sector"], organizer)
    db.session.commit()
    return edition, entries, people


def visible_titles(user, edition) -> set[str]:
    rows = db.session.scalars(
        access.visible_entries(user).where(Entry.edition_id == edition.id)
    ).all()
    return {e.title for e in rows}


def test_scope_of_a_group_coordinator(world):
    edition, entries, people = world
    assert visible_titles(people["cluster"], edition) == {"Ở Xã Yên Sơn", "Ở Xã Thái Bình"}
    assert visible_titles(people["sector"], edition) == {"Của trường"}
    assert visible_titles(people["commune"], edition) == {"Ở Xã Hàm Yên", "Của trường"}
    assert access.in_coordinator_area(people["cluster"], entries["Xã Thái Bình"])
    assert not access.in_coordinator_area(people["cluster"], entries["Xã Hàm Yên"])
    assert access.in_coordinator_area(people["sector"], entries["school"])
    counts = queries.counts_by_status(people["cluster"], edition.id)
    assert sum(counts.values()) == 2


def test_group_coordinator_pages(world, client, login):
    edition, entries, people = world
    login(people["cluster"])
    page = client.get("/coordinator/entries/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ở Xã Yên Sơn" in html and "Ở Xã Thái Bình" in html
    assert "Ở Xã Hàm Yên" not in html and "Của trường" not in html
    assert client.get(f"/coordinator/entries/{entries['Xã Yên Sơn'].id}").status_code == 200
    assert client.get(f"/coordinator/entries/{entries['Xã Hàm Yên'].id}").status_code == 404
    home = client.get("/coordinator/").get_data(as_text=True)
    assert "Điều phối viên: Cụm Yên Sơn cũ" in home
    assert "Xã Thái Bình" in home and "Xã Hàm Yên" not in home
    dashboard = client.get("/coordinator/entries/dashboard").get_data(as_text=True)
    assert "Thống kê: Cụm Yên Sơn cũ" in dashboard
    # 124 communes under the province: only the rows with entries are listed.
    assert "Xã Yên Sơn" in dashboard and "Xã Bạch Xa" not in dashboard


# --- Organizers' pages --------------------------------------------------------------------


def test_organizer_creates_a_group_picks_communes_and_a_coordinator(
    province, organizer, client, login
):
    login(organizer)
    page = client.get(f"/organizer/areas/{province.id}").get_data(as_text=True)
    assert f"/organizer/areas/{province.id}/groups" in page
    response = client.post(
        f"/organizer/areas/{province.id}/groups",
        data={"group-name": "Cụm Hàm Yên", "group-kind": "cluster", "group-description": ""},
    )
    group = db.session.scalars(select(AreaGroup)).one()
    assert response.status_code == 302 and response.location.endswith(
        f"/organizer/areas/groups/{group.id}#members"
    )
    html = client.get(f"/organizer/areas/groups/{group.id}").get_data(as_text=True)
    # Every commune and ward of the province is offered, each with its label, and a
    # labelled search box filters them.
    assert html.count('name="area"') == 124
    assert '<label for="commune-search"' in html and 'id="commune-search"' in html
    ham_yen = named("Xã Hàm Yên")
    assert f'<label class="form-check-label" for="area-{ham_yen.id}">Xã Hàm Yên</label>' in html
    response = client.post(
        f"/organizer/areas/groups/{group.id}/members",
        data={"area": [str(ham_yen.id), str(named("Xã Bạch Xa").id)]},
        follow_redirects=True,
    )
    assert "nhóm có 2 xã, phường và 0 đơn vị" in response.get_data(as_text=True)
    assert {a.name for a in db.session.get(AreaGroup, group.id).areas} == {
        "Xã Hàm Yên",
        "Xã Bạch Xa",
    }
    # A coordinator by e-mail: unknown address → a message, nothing changed.
    response = client.post(
        f"/organizer/areas/groups/{group.id}/coordinators",
        data={"coordinator-email": "khongco@example.vn"},
    )
    assert response.status_code == 400
    assert "Chưa có tài khoản nào với địa chỉ này" in response.get_data(as_text=True)
    user = factories.make_user("hy@example.vn", (Role.ENTRANT,))
    client.post(
        f"/organizer/areas/groups/{group.id}/coordinators",
        data={"coordinator-email": "HY@example.vn"},
    )
    assert db.session.get(type(user), user.id).coordinator_group_id() == group.id
    listing = client.get(f"/organizer/areas/{province.id}/groups").get_data(as_text=True)
    assert "Cụm Hàm Yên" in listing and "Cụm xã, phường" in listing


def test_a_foreign_commune_posted_is_refused(
    province, other_province, organizer, cluster, client, login
):
    login(organizer)
    foreign = db.session.scalars(select(Area).where(Area.parent_id == other_province.id)).first()
    response = client.post(
        f"/organizer/areas/groups/{cluster.id}/members",
        data={"area": [str(foreign.id)]},
        follow_redirects=True,
    )
    assert "Chỉ chọn được các xã, phường của Tỉnh Tuyên Quang" in response.get_data(as_text=True)
    assert {a.name for a in db.session.get(AreaGroup, cluster.id).areas} == {
        "Xã Yên Sơn",
        "Xã Thái Bình",
    }


# --- Editions keep their area names --------------------------------------------------------


def test_rename_keeps_the_name_on_closed_editions_only(app, organizer):
    province = area_ops.seed_province()  # the former districts
    yen_son = area_ops.find_area("Yên Sơn", province)
    commune = area_ops.create_area("Xã Trung Môn", yen_son, organizer)
    db.session.commit()
    past = open_edition("youth", "ttn-cu", organizer, days=3)
    current = open_edition("youth", "ttn-moi", organizer, days=20)
    entrant = factories.make_user("an@example.vn", (Role.ENTRANT,))
    old_entry = make_entry(past, entrant, commune, title="Cũ", submit=True)
    new_entry = make_entry(current, entrant, commune, title="Mới", submit=True)
    past.submission_deadline = utcnow() - timedelta(days=1)  # it ran
    db.session.commit()

    area_ops.rename_area(commune, "Xã Trung Môn Mới", organizer)
    area_ops.rename_area(yen_son, "Cụm Yên Sơn", organizer)
    db.session.commit()
    assert old_entry.area_label == "Xã Trung Môn"
    assert (old_entry.area_snapshot, old_entry.district_snapshot) == ("Xã Trung Môn", "Yên Sơn")
    assert new_entry.area_label == "Xã Trung Môn Mới"
    assert new_entry.area_snapshot == ""


def test_statistics_of_an_old_edition_show_the_former_district(app, organizer):
    from contest.reports.statistics import edition_statistics

    province = area_ops.seed_province()
    yen_son = area_ops.find_area("Yên Sơn", province)
    commune = area_ops.create_area("Xã Trung Môn", yen_son, organizer)
    db.session.commit()
    past = open_edition("youth", "ttn-cu", organizer, days=3)
    entrant = factories.make_user("an@example.vn", (Role.ENTRANT,))
    make_entry(past, entrant, commune, title="Cũ", submit=True)
    past.submission_deadline = utcnow() - timedelta(days=1)
    db.session.commit()
    area_ops.rename_area(yen_son, "Tên mới của huyện", organizer)
    db.session.commit()
    rows = edition_statistics(past).breakdown("area").rows
    assert [r.label for r in rows if r.counts.submitted] == ["Yên Sơn"]


def test_statistics_of_a_2025_map_edition_list_communes_without_former_districts(app, organizer):
    from contest.reports.statistics import edition_statistics

    legacy = area_ops.seed_province()  # an instance that had districts…
    db.session.commit()
    seed_official_province("Tuyên Quang")  # …then the 2025 map
    db.session.commit()
    edition = open_edition("youth", "ttn-2026", organizer)
    entrant = factories.make_user("an@example.vn", (Role.ENTRANT,))
    make_entry(edition, entrant, named("Xã Yên Sơn"), title="Mới", submit=True)
    labels = [r.label for r in edition_statistics(edition).breakdown("area").rows]
    assert "Xã Yên Sơn" in labels
    assert not {"Hàm Yên", "Na Hang"} & set(labels)
    assert legacy.code == "08"
    assert all(a.level != AreaLevel.DISTRICT.value or a.code == "" for a in legacy.children)
