"""The 2025 map from the vietnam-provinces package: names as typed, seeding by official code,
the ``contest areas seed|list`` commands."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from contest.areas import operations as ops
from contest.areas.models import Area, AreaLevel
from contest.areas.official import (
    UnknownProvince,
    find_province,
    normalise,
    official_communes,
    official_provinces,
    seed_official_province,
)
from contest.audit.models import AuditEntry
from contest.extensions import db


def test_the_installed_package_carries_the_2025_map():
    provinces = official_provinces()
    assert len(provinces) == 34
    assert len({p.code for p in provinces}) == 34
    tuyen_quang = find_province("Tuyên Quang")
    communes = official_communes(tuyen_quang)
    assert tuyen_quang.code == "08" and tuyen_quang.name == "Tỉnh Tuyên Quang"
    assert len(communes) == 124
    assert len({c.code for c in communes}) == 124
    assert all(len(c.code) == 5 and c.code.isdigit() for c in communes)
    # The new Tuyên Quang joins the former Hà Giang: its wards are in it.
    names = {c.name for c in communes}
    assert {"Phường Hà Giang 1", "Phường Minh Xuân", "Xã Yên Sơn"} <= names


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Tuyên Quang", "08"),
        ("Tỉnh Tuyên Quang", "08"),
        ("tuyen quang", "08"),
        ("  TUYÊN   QUANG ", "08"),
        ("Thành phố Hà Nội", "01"),
        ("Hà Nội", "01"),
        ("Ha Noi", "01"),
        ("TP HCM", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("Thanh Hoá", "38"),  # old-style tone mark
        ("Thanh Hóa", "38"),
        ("Đắk Lắk", "66"),
        ("dak lak", "66"),
        ("8", "08"),
    ],
)
def test_province_names_are_accepted_as_people_type_them(typed, code):
    assert find_province(typed).code == code


def test_an_unknown_name_lists_close_matches():
    with pytest.raises(UnknownProvince) as caught:
        find_province("Tuyen Qang")
    assert "Tỉnh Tuyên Quang" in caught.value.suggestions
    assert "Tỉnh Tuyên Quang" in str(caught.value.message)
    with pytest.raises(UnknownProvince) as caught:
        find_province("Hà Giang")  # merged into Tuyên Quang on 1 July 2025
    assert "Hà Giang" in str(caught.value.message)


def test_normalise_drops_accents_case_and_prefixes():
    assert normalise("Thành phố Đà Nẵng") == "da nang"
    assert normalise("Tỉnh  Bắc   Ninh") == "bac ninh"


@pytest.mark.parametrize("province", [p.short_name for p in official_provinces()])
def test_every_province_seeds_with_its_communes(app, province):
    result = seed_official_province(province)
    db.session.commit()
    official = find_province(province)
    expected = {c.code: c.name for c in official_communes(official)}
    rows = db.session.execute(
        select(Area.code, Area.name, Area.level).where(Area.parent_id == result.province.id)
    ).all()
    assert {code: name for code, name, _ in rows} == expected
    assert {level for _, _, level in rows} == {AreaLevel.COMMUNE.value}
    assert result.province.code == official.code
    assert result.created == len(expected) and result.kept == 0


def test_seeding_is_idempotent_keyed_by_code(app):
    first = seed_official_province("Tuyên Quang")
    db.session.commit()
    commune = db.session.scalar(select(Area).where(Area.code == "02269"))
    commune.name = "Xã Thượng Lâm (đổi tên)"  # an organizer renamed it
    db.session.commit()
    second = seed_official_province("tuyen quang")
    db.session.commit()
    assert (first.created, first.kept, first.province_created) == (124, 0, True)
    assert (second.created, second.kept, second.province_created) == (0, 124, False)
    assert db.session.scalar(select(func.count(Area.id))) == 125
    assert db.session.get(Area, commune.id).name == "Xã Thượng Lâm (đổi tên)"
    seeds = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "area.seed")).all()
    assert len(seeds) == 1 and seeds[0].details["communes_created"] == 124


def test_seeding_over_a_district_tree_keeps_the_districts_and_codes_the_province(app):
    legacy = ops.seed_province()  # "Tỉnh Tuyên Quang" and its 7 districts, no codes
    db.session.commit()
    result = seed_official_province("Tuyên Quang")
    db.session.commit()
    assert result.province.id == legacy.id and result.province.code == "08"
    children = db.session.scalars(select(Area).where(Area.parent_id == legacy.id)).all()
    levels = [c.level for c in children]
    assert levels.count(AreaLevel.DISTRICT.value) == 7
    assert levels.count(AreaLevel.COMMUNE.value) == 124


def test_a_hand_made_commune_with_the_official_name_gets_the_code(app):
    province = ops.create_area("Tỉnh Tuyên Quang", None, None)
    commune = ops.create_area("Xã Yên Sơn", province, None)
    db.session.commit()
    result = seed_official_province("Tuyên Quang")
    db.session.commit()
    assert commune.code and len(commune.code) == 5
    assert (result.created, result.kept) == (123, 1)


def test_two_provinces_on_one_tree(app):
    seed_official_province("Tuyên Quang")
    seed_official_province("Hà Nội")
    db.session.commit()
    roots = db.session.scalars(
        select(Area).where(Area.parent_id.is_(None)).order_by(Area.position)
    ).all()
    assert [(r.name, r.code) for r in roots] == [
        ("Tỉnh Tuyên Quang", "08"),
        ("Thành phố Hà Nội", "01"),
    ]


def test_official_codes_are_unique(app):
    from sqlalchemy.exc import IntegrityError

    seed_official_province("Tuyên Quang")
    db.session.commit()
    db.session.add(Area(name="Tỉnh trùng mã", level="province", code="08"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Areas without a code may be many.
    db.session.add_all(
        [Area(name="Tỉnh A", level="province"), Area(name="Tỉnh B", level="province")]
    )
    db.session.commit()


# --- Command line -------------------------------------------------------------------------


def test_cli_seed_any_province_and_say_what_was_done(runner, app):
    first = runner.invoke(args=["areas", "seed", "--province", "Tỉnh Tuyên Quang"])
    again = runner.invoke(args=["areas", "seed", "--province", "tuyen quang"])
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "Tỉnh Tuyên Quang" in first.output and "124 created, 0 kept" in first.output
    assert "0 created, 124 kept" in again.output
    hanoi = runner.invoke(args=["areas", "seed", "--province", "Ha Noi"])
    assert hanoi.exit_code == 0 and "Thành phố Hà Nội" in hanoi.output
    assert db.session.scalar(select(func.count(Area.id))) == 1 + 124 + 1 + 126


def test_cli_seed_refuses_an_unknown_province_with_close_matches(runner, app):
    result = runner.invoke(args=["areas", "seed", "--province", "Tuyen Qang"])
    assert result.exit_code == 1
    assert "Tuyen Qang" in result.output and "Tỉnh Tuyên Quang" in result.output
    assert db.session.scalar(select(func.count(Area.id))) == 0


def test_cli_list_shows_official_codes_and_json(runner, app):
    runner.invoke(args=["areas", "seed", "--province", "Tuyên Quang"])
    listing = runner.invoke(args=["areas", "list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].startswith("Tỉnh Tuyên Quang  [code 08, province")
    assert len(lines) == 125
    assert any(line.startswith("  Xã Yên Sơn  [code ") for line in lines)
    as_json = json.loads(runner.invoke(args=["areas", "list", "--json"]).output)
    assert [(p["name"], p["code"], p["level"]) for p in as_json] == [
        ("Tỉnh Tuyên Quang", "08", "province")
    ]
    children = as_json[0]["children"]
    assert len(children) == 124 and all(len(c["code"]) == 5 for c in children)


def test_a_former_province_says_where_it_was_merged(runner, app):
    from contest.areas.official import MERGED_INTO

    # 63 provinces became 34: 29 former names point to an existing new province
    assert len(MERGED_INTO) == 29
    names = {normalise(p.short_name) for p in official_provinces()}
    assert all(normalise(target) in names for target in MERGED_INTO.values())
    with pytest.raises(UnknownProvince) as refused:
        find_province("Tỉnh Bà Rịa - Vũng Tàu")
    assert "Thành phố Hồ Chí Minh" in str(refused.value)
    result = runner.invoke(args=["areas", "seed", "--province", "Hà Giang"])
    assert result.exit_code == 1
    assert "hợp nhất vào Tỉnh Tuyên Quang" in result.output
    assert db.session.scalar(select(func.count(Area.id))) == 0  # nothing seeded
