"""Area tree pages: organizers only, every change through the pages, refusals shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.accounts.models import Role
from contest.areas import groups as group_ops
from contest.areas import operations as ops
from contest.areas.models import Area, AreaGroup, Unit
from contest.audit.models import AuditEntry
from contest.extensions import db
from tests import factories


@pytest.fixture()
def province(app):
    province = ops.seed_province()
    db.session.commit()
    return province


@pytest.fixture()
def organizer(app, login):
    user = factories.make_user(email="btc@example.vn", roles=(Role.ORGANIZER,))
    login(user)
    return user


def area_named(name: str) -> Area:
    return db.session.execute(select(Area).where(Area.name == name)).scalar_one()


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def endpoints(area_id: int, unit_id: int, province_id: int = 1, group_id: int = 1):
    """Every page of the blueprint (method, path)."""
    base = "/organizer/areas"
    return [
        ("GET", f"{base}/{province_id}/groups"),
        ("POST", f"{base}/{province_id}/groups"),
        ("GET", f"{base}/groups/{group_id}"),
        ("POST", f"{base}/groups/{group_id}"),
        ("POST", f"{base}/groups/{group_id}/members"),
        ("POST", f"{base}/groups/{group_id}/coordinators"),
        ("POST", f"{base}/groups/{group_id}/coordinators/{unit_id}/remove"),
        ("POST", f"{base}/groups/{group_id}/delete"),
        ("GET", f"{base}/"),
        ("POST", f"{base}/provinces"),
        ("GET", f"{base}/{area_id}"),
        ("POST", f"{base}/{area_id}/rename"),
        ("POST", f"{base}/{area_id}/children"),
        ("POST", f"{base}/{area_id}/move/up"),
        ("POST", f"{base}/{area_id}/delete"),
        ("POST", f"{base}/{area_id}/units"),
        ("GET", f"{base}/units/{unit_id}"),
        ("POST", f"{base}/units/{unit_id}"),
        ("POST", f"{base}/units/{unit_id}/delete"),
    ]


def test_every_area_page_is_for_organizers_only(app, client, login, users, province):
    district = area_named("Na Hang")
    unit = ops.create_unit(district, "Trường THCS Na Hang", "school", None)
    group = group_ops.create_group(province, "Cụm Na Hang", "cluster", None)
    db.session.commit()
    pages = endpoints(district.id, unit.id, province.id, group.id)
    covered = {
        app.url_map.bind("localhost").match(path, method=method)[0] for method, path in pages
    }
    # A new page of the blueprint must be added to endpoints() above.
    assert covered == {
        r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("areas.")
    }

    for method, path in pages:
        response = client.open(path, method=method, data={"name": "X"})
        assert response.status_code == 302 and "/login" in response.location, path

    for role in ("coordinator", "judge", "entrant"):
        login(users[role])
        for method, path in pages:
            response = client.open(path, method=method, data={"rename-name": "Đổi"})
            assert response.status_code == 403, (role, path)
        client.post("/logout")
    assert db.session.get(Area, district.id).name == "Na Hang"
    assert db.session.get(AreaGroup, group.id).name == "Cụm Na Hang"
    assert actions() == ["unit.create", "area_group.create"]  # the set-up's own

    login(users["admin"])
    assert client.get("/organizer/areas/").status_code == 200


def test_tree_shows_every_level_with_unit_counts(client, organizer, province):
    yen_son = area_named("Yên Sơn")
    ops.create_area("Xã Trung Môn", yen_son, organizer)
    ops.create_unit(yen_son, "Trường THCS Yên Sơn", "school", organizer)
    ops.create_unit(yen_son, "Công ty Xi măng", "company", organizer)
    db.session.commit()
    html = client.get("/organizer/areas/").get_data(as_text=True)
    for name in ("Tỉnh Tuyên Quang", "Thành phố Tuyên Quang", "Sơn Dương", "Xã Trung Môn"):
        assert name in html
    row = html[html.index(f'id="area-{yen_son.id}"') :]
    row = row[: row.index("</li>")]
    assert "2 đơn vị" in row and "1 địa bàn trực thuộc" in row


def test_add_province_and_commune(client, organizer):
    """Since 1 July 2025 a province's children are communes/wards (no districts)."""
    response = client.post("/organizer/areas/provinces", data={"province-name": "Tỉnh Hà Giang"})
    province = area_named("Tỉnh Hà Giang")
    assert response.location.endswith(f"/organizer/areas/{province.id}")
    response = client.post(
        f"/organizer/areas/{province.id}/children",
        data={"child-name": "Đạo Đức"},
        follow_redirects=True,
    )
    assert "Đã thêm “Đạo Đức”." in response.get_data(as_text=True)
    assert (area_named("Đạo Đức").level, area_named("Đạo Đức").parent_id) == (
        "commune",
        province.id,
    )
    assert actions() == ["area.create"] * 2
    page = client.get(f"/organizer/areas/{area_named('Đạo Đức').id}").get_data(as_text=True)
    assert 'name="child-name"' not in page  # communes have no children


def test_empty_name_shows_the_vietnamese_message(client, organizer, province):
    response = client.post(f"/organizer/areas/{province.id}/children", data={"child-name": " "})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    assert actions() == []


def test_duplicate_name_is_refused_with_a_message(client, organizer, province):
    response = client.post(
        f"/organizer/areas/{province.id}/children",
        data={"child-name": "Na Hang"},
        follow_redirects=True,
    )
    assert "Đã có địa bàn tên “Na Hang” ở cấp này." in response.get_data(as_text=True)


def test_rename(client, organizer, province):
    area = area_named("Na Hang")
    response = client.post(
        f"/organizer/areas/{area.id}/rename", data={"rename-name": "Huyện Na Hang"}
    )
    assert response.status_code == 302
    assert db.session.get(Area, area.id).name == "Huyện Na Hang"
    assert actions() == ["area.rename"]


def test_move_up_and_down(client, organizer, province):
    area = area_named("Na Hang")
    client.post(f"/organizer/areas/{area.id}/move/up")
    names = [r.area.name for r in ops.children_with_counts(province)]
    assert names[:3] == ["Thành phố Tuyên Quang", "Na Hang", "Lâm Bình"]
    client.post(f"/organizer/areas/{area.id}/move/down")
    client.post(f"/organizer/areas/{area.id}/move/down")
    names = [r.area.name for r in ops.children_with_counts(province)]
    assert names[:4] == ["Thành phố Tuyên Quang", "Lâm Bình", "Chiêm Hóa", "Na Hang"]
    assert client.post(f"/organizer/areas/{area.id}/move/sideways").status_code == 404


def test_move_returns_to_the_page_of_the_button(client, organizer, province):
    area = area_named("Na Hang")
    response = client.post(
        f"/organizer/areas/{area.id}/move/up", data={"next": "/organizer/areas/"}
    )
    assert response.location == f"/organizer/areas/#area-{area.id}"
    response = client.post(f"/organizer/areas/{area.id}/move/up")
    assert response.location == f"/organizer/areas/{province.id}#area-{area.id}"
    response = client.post(
        f"/organizer/areas/{area.id}/move/up", data={"next": "//evil.example/organizer/areas/"}
    )
    assert response.location == f"/organizer/areas/{province.id}#area-{area.id}"
    html = client.get("/organizer/areas/").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/organizer/areas/">' in html


def test_delete_refusals_are_explained(client, organizer, province, users):
    response = client.post(f"/organizer/areas/{province.id}/delete", follow_redirects=True)
    assert "Không thể xoá “Tỉnh Tuyên Quang”: địa bàn còn 7 địa bàn trực thuộc." in (
        response.get_data(as_text=True)
    )
    coordinator_area = users["coordinator"].coordinator_area_id()
    response = client.post(f"/organizer/areas/{coordinator_area}/delete", follow_redirects=True)
    assert "đây là địa bàn của điều phối viên" in response.get_data(as_text=True)
    assert db.session.get(Area, coordinator_area) is not None
    assert "area.delete" not in actions()


def test_delete_an_unused_area(client, organizer, province):
    area = area_named("Sơn Dương")
    response = client.post(f"/organizer/areas/{area.id}/delete")
    assert response.location.endswith(f"/organizer/areas/{province.id}")
    assert db.session.get(Area, area.id) is None
    assert actions() == ["area.delete"]


def test_delete_button_asks_for_confirmation(client, organizer, province):
    html = client.get(f"/organizer/areas/{area_named('Lâm Bình').id}").get_data(as_text=True)
    assert 'data-confirm="Xoá hẳn địa bàn “Lâm Bình”? Không thể hoàn tác."' in html


def test_units_add_edit_kind_and_delete(client, organizer, province):
    area = area_named("Hàm Yên")
    response = client.post(
        f"/organizer/areas/{area.id}/units",
        data={"unit-name": "Trường Tiểu học Hàm Yên", "unit-kind": "school"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Trường Tiểu học Hàm Yên" in html and "Trường học" in html
    unit = db.session.execute(select(Unit)).scalar_one()

    page = client.get(f"/organizer/areas/units/{unit.id}").get_data(as_text=True)
    for label in ("Trường học", "Doanh nghiệp", "Cơ quan", "Khác"):
        assert f">{label}</option>" in page
    client.post(
        f"/organizer/areas/units/{unit.id}", data={"name": "Trường TH Hàm Yên", "kind": "agency"}
    )
    db.session.expire_all()
    assert (unit.name, unit.kind) == ("Trường TH Hàm Yên", "agency")

    response = client.post(
        f"/organizer/areas/units/{unit.id}",
        data={"name": "Trường X", "kind": "castle"},
        follow_redirects=True,
    )
    assert "Loại đơn vị không hợp lệ." in response.get_data(as_text=True)

    user = factories.make_user()
    user.unit_id = unit.id
    db.session.commit()
    response = client.post(f"/organizer/areas/units/{unit.id}/delete", follow_redirects=True)
    assert "có 1 người dùng thuộc đơn vị này" in response.get_data(as_text=True)
    user.unit_id = None
    db.session.commit()
    client.post(f"/organizer/areas/units/{unit.id}/delete")
    assert db.session.get(Unit, unit.id) is None
    assert actions() == ["unit.create", "unit.update", "unit.delete"]


def test_english_labels_for_unit_kinds(client, organizer, province):
    client.post("/lang/en")
    area = area_named("Hàm Yên")
    html = client.get(f"/organizer/areas/{area.id}").get_data(as_text=True)
    for label in ("School", "Company", "Agency", "Other", "Add unit", "Sub-areas"):
        assert label in html
    assert "Thêm đơn vị" not in html


def test_csrf_is_required_for_changes(make_app, province):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = factories.make_user(email="btc2@example.vn", roles=(Role.ORGANIZER,))
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    area = area_named("Lâm Bình")
    response = client.post(f"/organizer/areas/{area.id}/delete")
    assert response.status_code == 400
    assert db.session.get(Area, area.id) is not None


def test_cli_seed_is_idempotent_and_list_prints_the_tree(runner, app):
    """Without --province: Tuyên Quang as it is since 1 July 2025 (124 communes and wards)."""
    first = runner.invoke(args=["areas", "seed"])
    second = runner.invoke(args=["areas", "seed"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "Tỉnh Tuyên Quang (code 08, kept): 124 communes/wards" in second.output
    assert db.session.execute(select(Area)).scalars().all().__len__() == 125
    listing = runner.invoke(args=["areas", "list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].startswith("Tỉnh Tuyên Quang  [code 08")
    assert all(line.startswith("  Phường ") or line.startswith("  Xã ") for line in lines[1:])
