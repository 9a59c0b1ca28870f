"""The edition's province on its general settings page (issue 17 part 2): administrators and
instance-wide organizers change it (audited); an organizer bound to a province sees it
read-only and cannot change it, even by posting the field."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from contest.areas.models import Area, AreaLevel
from contest.audit.models import AuditEntry
from contest.contests import edition_province
from contest.contests.validation import InvalidEdition
from contest.extensions import db
from tests.editions_ui.test_settings import general_data, url


@pytest.fixture()
def provinces(users, open_edition):
    """Tuyên Quang (of ``users``; the open edition belongs to it) and Hà Nội."""
    tuyen_quang = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    ha_noi = Area(name="Thành phố Hà Nội", level=AreaLevel.PROVINCE.value, code="01")
    db.session.add(ha_noi)
    db.session.commit()
    assert open_edition.province_id == tuyen_quang.id
    return {"tq": tuyen_quang, "hn": ha_noi}


def _moves() -> list[AuditEntry]:
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "edition.province"))
    )


@pytest.mark.parametrize("who", ["admin", "organizer"])  # the organizer is instance-wide here
def test_instance_wide_staff_change_the_province(
    client, login, users, open_edition, provinces, who
):
    login(users[who])
    html = unescape(client.get(url(open_edition, "general")).get_data(as_text=True))
    assert 'name="province_id"' in html and ">Toàn hệ thống<" in html
    assert f'<option selected value="{provinces["tq"].id}">Tuyên Quang</option>' in html
    response = client.post(
        url(open_edition, "general"),
        data={**general_data(open_edition), "province_id": str(provinces["hn"].id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert open_edition.province_id == provinces["hn"].id
    (move,) = _moves()
    assert move.actor_id == users[who].id
    assert (move.details["before"], move.details["after"]) == (
        provinces["tq"].id,
        provinces["hn"].id,
    )
    # "Toàn hệ thống": instance-wide.
    client.post(
        url(open_edition, "general"), data={**general_data(open_edition), "province_id": ""}
    )
    db.session.expire_all()
    assert open_edition.province_id is None and len(_moves()) == 2
    # Not a province: refused, nothing written.
    commune = Area(name="Phường thử", level=AreaLevel.COMMUNE.value, parent=provinces["hn"])
    db.session.add(commune)
    db.session.commit()
    response = client.post(
        url(open_edition, "general"),
        data={**general_data(open_edition), "province_id": str(commune.id)},
    )
    assert response.status_code == 400
    assert "không có tỉnh, thành phố này" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert open_edition.province_id is None and len(_moves()) == 2


def test_a_bound_organizer_sees_it_read_only(client, login, users, open_edition, provinces):
    organizer = users["organizer"]
    organizer.roles[0].area = provinces["tq"]
    db.session.commit()
    login(organizer)
    html = unescape(client.get(url(open_edition, "general")).get_data(as_text=True))
    assert 'name="province_id"' not in html
    assert 'data-testid="edition-province"' in html and 'value="Tuyên Quang"' in html
    # A post without the field saves the rest and leaves the province alone.
    response = client.post(
        url(open_edition, "general"), data=general_data(open_edition, title="Tên mới")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert open_edition.title == "Tên mới" and open_edition.province_id == provinces["tq"].id
    # Posting the field anyway is refused, and nothing is saved.
    response = client.post(
        url(open_edition, "general"),
        data={
            **general_data(open_edition, title="Tên khác"),
            "province_id": str(provinces["hn"].id),
        },
    )
    assert response.status_code == 400
    assert "chỉ quản trị hệ thống hoặc Ban Tổ chức toàn hệ thống" in unescape(
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert open_edition.title == "Tên mới" and open_edition.province_id == provinces["tq"].id
    assert _moves() == []


def test_the_operation_refuses_a_bound_organizer(users, open_edition, provinces):
    organizer = users["organizer"]
    organizer.roles[0].area = provinces["tq"]
    db.session.commit()
    assert not edition_province.may_change_province(organizer)
    assert edition_province.may_change_province(users["admin"])
    assert not edition_province.set_province(open_edition, provinces["tq"].id, organizer)
    with pytest.raises(InvalidEdition):
        edition_province.set_province(open_edition, provinces["hn"].id, organizer)
