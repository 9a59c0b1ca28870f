"""``contest edition create … --province NAME`` (issue 17 part 2): the edition belongs to that
province of the instance (both the --file and the --template forms); a province that is not on
the instance exits 1 and writes nothing; without --province the default applies."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.areas.models import Area, AreaLevel
from contest.audit.models import AuditEntry
from contest.contests import operations
from contest.contests.models import Edition
from contest.extensions import db
from tests.contests.conftest import EXAMPLE_TEXT


def _template(runner, slug: str, *extra: str):
    return runner.invoke(
        args=[
            "edition", "create", "--template", "youth", "--slug", slug,
            "--title", "Lần thi thử", "--deadline", "2027-05-01", *extra,
        ]
    )  # fmt: skip


def _province(name: str, code: str) -> Area:
    area = Area(name=name, level=AreaLevel.PROVINCE.value, code=code)
    db.session.add(area)
    db.session.commit()
    return area


@pytest.fixture()
def two_provinces(app):
    return {"tq": _province("Tỉnh Tuyên Quang", "08"), "hn": _province("Thành phố Hà Nội", "01")}


def _editions() -> int:
    return db.session.scalar(select(func.count()).select_from(Edition))


def test_template_form_takes_the_province_as_typed(runner, two_provinces):
    result = _template(runner, "hn-2027", "--province", "thanh pho ha noi")
    assert result.exit_code == 0, result.output
    assert "Tỉnh, thành phố: Thành phố Hà Nội." in result.output
    assert operations.get_edition("hn-2027").province_id == two_provinces["hn"].id


def test_file_form_takes_the_province(runner, two_provinces, tmp_path):
    path = tmp_path / "edition.json"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    result = runner.invoke(
        args=["edition", "create", "--file", str(path), "--province", "Tuyên Quang"]
    )
    assert result.exit_code == 0, result.output
    assert operations.get_edition("stkt-2025").province_id == two_provinces["tq"].id


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Đà Nẵng", "Thành phố Đà Nẵng chưa có trên hệ thống"),
        ("Xứ Sở Thần Tiên", "Không có tỉnh, thành phố nào tên “Xứ Sở Thần Tiên”"),
    ],
)
def test_a_province_not_on_the_instance_exits_1(runner, two_provinces, tmp_path, typed, message):
    result = _template(runner, "x-2027", "--province", typed)
    assert result.exit_code == 1
    assert message in result.output and "Không có gì được ghi." in result.output
    path = tmp_path / "edition.json"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    result = runner.invoke(args=["edition", "create", "--file", str(path), "--province", typed])
    assert result.exit_code == 1 and message in result.output
    assert _editions() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_without_province_the_default_applies(runner, app):
    only = _province("Tỉnh Tuyên Quang", "08")
    assert _template(runner, "mot-tinh").exit_code == 0
    assert operations.get_edition("mot-tinh").province_id == only.id
    _province("Thành phố Hà Nội", "01")
    result = _template(runner, "hai-tinh")
    assert result.exit_code == 0 and "Tỉnh, thành phố" not in result.output
    assert operations.get_edition("hai-tinh").province_id is None  # several: instance-wide


def test_the_actor_is_kept_with_a_province(runner, users, two_provinces):
    result = _template(runner, "hn-actor", "--province", "Hà Nội", "--actor", users["admin"].email)
    assert result.exit_code == 0, result.output
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "edition.create").order_by(AuditEntry.id)
    )
    assert entry.actor_id == users["admin"].id
    assert operations.get_edition("hn-actor").province_id == two_provinces["hn"].id
