"""An area typed by a person is found the same way everywhere (contest.areas.lookup): a
command's ``--area``, an import's cell, the area of a judge's conflict."""

from __future__ import annotations

import unicodedata

from contest.accounts.operations import find_user
from contest.areas.lookup import AreaNames, areas_named, bare_key, name_key
from contest.areas.models import AreaLevel
from contest.entries.places import PlaceNames
from tests import factories


def test_names_compare_without_case_spacing_composition_or_prefix():
    decomposed = unicodedata.normalize("NFD", "Yên  Sơn ")
    assert name_key(decomposed) == name_key("YÊN SƠN") == "yên sơn"
    assert bare_key("Huyện Yên Sơn") == bare_key("yên sơn") == "yên sơn"
    assert bare_key("Thành phố Tuyên Quang") == "tuyên quang"
    assert name_key(None) == ""


def test_a_full_name_wins_over_a_name_without_its_prefix(app):
    province = factories.make_area("Tuyên Quang")
    commune = factories.make_area("Xã Yên Sơn", AreaLevel.COMMUNE, parent=province)
    district = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    names = AreaNames()
    assert names.named("yên sơn") == [district]
    assert names.area("XÃ YÊN SƠN") == commune
    assert names.area("Nơi Không Có") is None
    # The same rule in the import's place names.
    assert PlaceNames().area("Yên  Sơn") == district


def test_a_path_names_an_area_by_its_parents(app):
    first = factories.make_area("Tuyên Quang")
    second = factories.make_area("Tỉnh Khác")
    here = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=first)
    there = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=second)
    assert sorted(a.id for a in areas_named("yên sơn")) == sorted([here.id, there.id])
    assert areas_named("tuyên quang / YÊN SƠN") == [here]
    assert areas_named("Tỉnh Khác/Huyện Yên Sơn") == [there]
    assert areas_named("Tỉnh Khác / Không Có") == []
    assert areas_named(" / ") == []


def test_the_command_line_finds_an_area_as_typed(runner):
    province = factories.make_area("Tỉnh Tuyên Quang")
    district = factories.make_area("Huyện Yên Sơn", AreaLevel.DISTRICT, parent=province)
    result = runner.invoke(
        args=[
            "user", "create", "--email", "dp@example.vn", "--role", "coordinator",
            "--area", "yên sơn", "--name", "Điều Phối",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert find_user("dp@example.vn").coordinator_area_id() == district.id
