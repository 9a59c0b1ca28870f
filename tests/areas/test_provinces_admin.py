"""The administrators' page "Tỉnh, thành phố" (issue 17 part 2): the provinces of the
instance with their code, communes/wards, organizers and editions; adding an official
province with its communes/wards; binding and unbinding organizers. Administrators only."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from contest.accounts.models import Role, UserRole
from contest.areas import provinces_admin as ops
from contest.areas.models import Area, AreaLevel
from contest.areas.operations import AreaError
from contest.areas.provinces import Binding, binding_of
from contest.audit.models import AuditEntry
from contest.extensions import db
from tests import factories


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _organizer_rows(user) -> list[UserRole]:
    db.session.expire_all()
    return [r for r in user.roles if r.role == Role.ORGANIZER.value]


def _ha_noi() -> Area:
    province = Area(name="Thành phố Hà Nội", level=AreaLevel.PROVINCE.value, code="01")
    db.session.add(province)
    db.session.add_all(
        Area(name=f"Phường thử {n}", level=AreaLevel.COMMUNE.value, parent=province)
        for n in range(3)
    )
    db.session.commit()
    return province


# --- Operations -------------------------------------------------------------------------------


def test_seeding_an_official_province_is_idempotent_and_audited(app, users):
    first = ops.seed_province("12", users["admin"])
    db.session.commit()
    assert first.province.name == "Tỉnh Lai Châu" and first.province.code == "12"
    assert first.province_created and first.created == 38
    again = ops.seed_province("12", users["admin"])
    db.session.commit()
    assert again.province.id == first.province.id
    assert not again.province_created and again.created == 0 and again.kept == 38
    assert _actions().count("area.seed") == 1
    # A province made by hand ("Tuyên Quang" of the fixture) gets the code and the communes.
    hand_made = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    result = ops.seed_province("08", users["admin"])
    assert result.province.id == hand_made.id and hand_made.code == "08"
    assert not result.province_created and result.created == 124
    with pytest.raises(AreaError, match="Không có tỉnh, thành phố nào"):
        ops.seed_province("Xứ Sở Thần Tiên", users["admin"])


def test_rows_count_communes_organizers_and_editions(app, users):
    from contest.contests.operations import create_from_template
    from contest.timeutil import utcnow

    ha_noi = _ha_noi()
    organizer = factories.make_user("btc.hanoi@example.vn", roles=())
    ops.bind_organizer(ha_noi, organizer, users["admin"])
    create_from_template("youth", "hn-1", "Lần thi Hà Nội", utcnow(), province_id=ha_noi.id)
    db.session.commit()
    rows = {row.area.name: row for row in ops.province_rows()}
    assert set(rows) == {"Tuyên Quang", "Thành phố Hà Nội"}
    row = rows["Thành phố Hà Nội"]
    assert (row.communes, row.editions) == (3, 1)
    assert [u.email for u in row.organizers] == ["btc.hanoi@example.vn"]
    assert rows["Tuyên Quang"].organizers == [] and rows["Tuyên Quang"].editions == 0
    # The fixture's organizer holds no province: instance-wide.
    assert [u.email for u in ops.instance_wide_organizers()] == [users["organizer"].email]


def test_binding_an_organizer(app, users):
    ha_noi = _ha_noi()
    tuyen_quang = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    admin = users["admin"]
    # A new organizer role naming the province.
    newcomer = factories.make_user("moi@example.vn", roles=(Role.JUDGE,))
    ops.bind_organizer(ha_noi, newcomer, admin)
    db.session.commit()
    assert binding_of(newcomer) == Binding(ha_noi.id, strict=True)
    # An instance-wide organizer is narrowed to the province.
    organizer = users["organizer"]
    ops.bind_organizer(tuyen_quang, organizer, admin)
    db.session.commit()
    assert [r.area_id for r in _organizer_rows(organizer)] == [tuyen_quang.id]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "province.organizer_bind")
    ).all()[-1]
    assert entry.actor_id == admin.id and entry.details["before"] == {"area_id": None}
    # Refused: already there, another province, an administrator, nobody.
    for user, province, message in (
        (organizer, tuyen_quang, "đã thuộc Ban Tổ chức"),
        (organizer, ha_noi, "Hãy gỡ khỏi tỉnh đó trước"),
        (admin, ha_noi, "quản trị hệ thống"),
        (None, ha_noi, "Không có tài khoản"),
    ):
        with pytest.raises(AreaError, match=message):
            ops.bind_organizer(province, user, admin)
        db.session.rollback()
    assert [r.area_id for r in _organizer_rows(organizer)] == [tuyen_quang.id]
    # Only a province can be bound to.
    commune = ha_noi.children[0]
    with pytest.raises(AreaError, match="Không có tỉnh, thành phố này"):
        ops.bind_organizer(commune, newcomer, admin)


def test_unbinding_removes_the_role_and_never_widens(app, users):
    ha_noi = _ha_noi()
    user = factories.make_user("btc.hanoi@example.vn", roles=(Role.JUDGE,))
    ops.bind_organizer(ha_noi, user, users["admin"])
    db.session.commit()
    ops.unbind_organizer(ha_noi, user, users["admin"])
    db.session.commit()
    db.session.expire_all()
    assert user.role_names == {"judge"}  # not an instance-wide organizer
    assert "province.organizer_unbind" in _actions()
    with pytest.raises(AreaError, match="không thuộc Ban Tổ chức"):
        ops.unbind_organizer(ha_noi, users["organizer"], users["admin"])  # instance-wide


def test_a_province_is_found_as_people_type_it(app, users):
    hand_made = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    for typed in ("Tuyên Quang", "tinh tuyen quang", "TỈNH TUYÊN QUANG", "08"):
        assert ops.instance_province(typed) == hand_made  # made by hand: no code, same name
    seeded = ops.seed_province("Hà Nội", users["admin"]).province
    db.session.commit()
    for typed in ("Hà Nội", "thanh pho ha noi", "HN", "01"):
        assert ops.instance_province(typed) == seeded
    with pytest.raises(AreaError, match="Thành phố Hải Phòng chưa có trên hệ thống"):
        ops.instance_province("Hải Phòng")
    with pytest.raises(AreaError, match="Không có tỉnh, thành phố nào"):
        ops.instance_province("Xứ Sở Thần Tiên")
    with pytest.raises(AreaError, match="Hưng Yên"):
        ops.instance_province("Thái Bình")  # merged on 1 July 2025


# --- Pages ------------------------------------------------------------------------------------


def test_the_page_lists_the_provinces_for_administrators(app, client, login, users):
    from contest.contests.operations import create_from_template
    from contest.timeutil import utcnow

    ha_noi = _ha_noi()
    ops.bind_organizer(ha_noi, factories.make_user("btc.hanoi@example.vn", roles=()), None)
    create_from_template("youth", "hn-1", "Lần thi Hà Nội", utcnow(), province_id=ha_noi.id)
    db.session.commit()
    login(users["admin"])
    home = client.get("/organizer/").get_data(as_text=True)
    assert 'data-testid="nav-provinces"' in home and "/admin/provinces/" in home
    response = client.get("/admin/provinces/")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    section = html[html.index(f'id="province-{ha_noi.id}"') :]
    section = section[: section.index("</section>")]
    assert "Thành phố Hà Nội" in section
    assert 'data-testid="province-code">01<' in section
    assert 'data-testid="province-communes">3<' in section
    assert 'data-testid="province-editions">1<' in section
    assert "btc.hanoi@example.vn" in section
    assert "data-confirm=" in section  # unbinding asks first
    # The select offers the 34 provinces by name (not by code), Tuyên Quang already there.
    select_html = html[
        html.index('name="code"') : html.index("</select>", html.index('name="code"'))
    ]
    assert select_html.count("<option") == 34
    assert ">Tỉnh Tuyên Quang (đã có)<" in select_html and ">Tỉnh Lào Cai<" in select_html
    assert users["organizer"].email in html  # instance-wide organizers are listed apart


@pytest.mark.parametrize("role", ["organizer", "coordinator", "judge", "entrant"])
def test_only_administrators_reach_the_page(app, client, login, users, role):
    ha_noi = _ha_noi()
    if role == "organizer":  # bound to a province, or not: the same
        users["organizer"].roles[0].area_id = ha_noi.id
        db.session.commit()
    login(users[role])
    assert client.get("/admin/provinces/").status_code == 403
    target = users["entrant"]
    for path, data in (
        ("/admin/provinces/seed", {"code": "08"}),
        (f"/admin/provinces/{ha_noi.id}/organizers", {f"p{ha_noi.id}-email": target.email}),
        (f"/admin/provinces/{ha_noi.id}/organizers/{target.id}/remove", {}),
    ):
        assert client.post(path, data=data).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Area).where(Area.code == "08")) == 0
    assert "organizer" not in {r.role for r in target.roles}
    login_page = app.test_client().get("/admin/provinces/")
    assert login_page.status_code == 302 and "/login" in login_page.headers["Location"]


def test_administrators_add_a_province_with_its_communes(client, login, users):
    login(users["admin"])
    response = client.post("/admin/provinces/seed", data={"code": "12"}, follow_redirects=True)
    html = unescape(response.get_data(as_text=True))
    assert "Đã thêm Tỉnh Lai Châu với 38 xã, phường, đặc khu." in html
    province = db.session.scalars(select(Area).where(Area.code == "12")).one()
    assert (
        db.session.scalar(
            select(func.count()).select_from(Area).where(Area.parent_id == province.id)
        )
        == 38
    )
    assert 'data-testid="province-communes">38<' in html
    again = client.post("/admin/provinces/seed", data={"code": "12"}, follow_redirects=True)
    assert "Tỉnh Lai Châu đã có trên hệ thống với đủ 38 xã, phường: không có gì thay đổi." in (
        unescape(again.get_data(as_text=True))
    )
    assert _actions().count("area.seed") == 1
    # The fixture's Tuyên Quang, made by hand, gets its code and its communes added.
    response = client.post("/admin/provinces/seed", data={"code": "08"}, follow_redirects=True)
    assert "Tuyên Quang đã có trên hệ thống: đã thêm 124 xã, phường còn thiếu" in unescape(
        response.get_data(as_text=True)
    )
    bad = client.post("/admin/provinces/seed", data={"code": "99"})
    assert bad.status_code == 400
    assert "Vui lòng chọn một tỉnh, thành phố trong danh sách." in unescape(
        bad.get_data(as_text=True)
    )


def test_administrators_bind_and_unbind_organizers(client, login, users):
    ha_noi = _ha_noi()
    person = factories.make_user("btc.hanoi@example.vn", roles=(Role.ENTRANT,))
    login(users["admin"])
    response = client.post(
        f"/admin/provinces/{ha_noi.id}/organizers",
        data={f"p{ha_noi.id}-email": "  BTC.HaNoi@Example.vn "},
        follow_redirects=True,
    )
    assert "btc.hanoi@example.vn đã thuộc Ban Tổ chức của Thành phố Hà Nội." in unescape(
        response.get_data(as_text=True)
    )
    assert binding_of(person) == Binding(ha_noi.id, strict=True)
    unknown = client.post(
        f"/admin/provinces/{ha_noi.id}/organizers",
        data={f"p{ha_noi.id}-email": "khong-co@example.vn"},
        follow_redirects=True,
    )
    assert "Không có tài khoản với địa chỉ e-mail này." in unescape(unknown.get_data(as_text=True))
    response = client.post(
        f"/admin/provinces/{ha_noi.id}/organizers/{person.id}/remove", follow_redirects=True
    )
    assert "Đã gỡ btc.hanoi@example.vn khỏi Ban Tổ chức của Thành phố Hà Nội." in unescape(
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert person.role_names == {"entrant"}
    bind, unbind = (
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("province.%")).order_by(AuditEntry.id)
        )
    ).all()
    assert (bind.action, unbind.action) == ("province.organizer_bind", "province.organizer_unbind")
    assert bind.actor_id == unbind.actor_id == users["admin"].id
    from contest.display import audit_phrase

    assert audit_phrase(unbind.action, unbind.details) == (
        "gỡ btc.hanoi@example.vn khỏi Ban Tổ chức của Thành phố Hà Nội"
    )
