"""The official administrative map since 1 July 2025 (RULES §7), from the ``vietnam-provinces``
package: 34 provinces and their communes, wards and special zones, with their official codes
(province ``08``, commune ``02269``: the General Statistics Office's codes, zero-padded).

:func:`find_province` accepts a name as people type it ("Tuyên Quang", "Tỉnh Tuyên Quang",
"tuyen quang", "Thành phố Hà Nội", "Ha Noi", "TP HCM"); :func:`seed_official_province` creates
the province and its communes/wards where absent, keyed by code (idempotent).
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.operations import record
from ..errors import UserError
from ..extensions import db
from .models import Area, AreaLevel
from .tree import find_area

if TYPE_CHECKING:
    from ..audit.actor import Actor

# Words people put before a province's name that are not part of it.
PREFIXES = ("tinh ", "thanh pho ", "tp. ", "tp ", "tp.")
# Other names people use for a province (normalised) → its code.
ALIASES = {"hcm": "79", "tphcm": "79", "sai gon": "79", "saigon": "79", "hn": "01"}


@dataclass(frozen=True)
class OfficialProvince:
    """A province of the 2025 map: its code, the name as the area tree holds it ("Tỉnh Tuyên
    Quang", "Thành phố Hà Nội") and the bare name ("Tuyên Quang")."""

    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class OfficialCommune:
    """A commune, ward or special zone: code, name ("Xã Thượng Lâm") and kind ("xã")."""

    code: str
    name: str
    kind: str


#: Provinces merged into another on 1 July 2025 (Resolution 202/2025/QH15): the former
#: province's name (normalised) → the new province's name as the package spells it. Only
#: used to tell a user who types a former name where it went; the data comes from the
#: package.
MERGED_INTO = {
    "ha giang": "Tuyên Quang", "yen bai": "Lào Cai", "bac kan": "Thái Nguyên",
    "vinh phuc": "Phú Thọ", "hoa binh": "Phú Thọ", "bac giang": "Bắc Ninh",
    "thai binh": "Hưng Yên", "hai duong": "Hải Phòng", "ha nam": "Ninh Bình",
    "nam dinh": "Ninh Bình", "quang binh": "Quảng Trị", "quang nam": "Đà Nẵng",
    "kon tum": "Quảng Ngãi", "binh dinh": "Gia Lai", "ninh thuan": "Khánh Hòa",
    "dak nong": "Lâm Đồng", "binh thuan": "Lâm Đồng", "phu yen": "Đắk Lắk",
    "binh duong": "Hồ Chí Minh", "ba ria vung tau": "Hồ Chí Minh", "binh phuoc": "Đồng Nai",
    "long an": "Tây Ninh", "soc trang": "Cần Thơ", "hau giang": "Cần Thơ",
    "ben tre": "Vĩnh Long", "tra vinh": "Vĩnh Long", "tien giang": "Đồng Tháp",
    "bac lieu": "Cà Mau", "kien giang": "An Giang",
}  # fmt: skip


class UnknownProvince(UserError, LookupError):
    """No province of the 2025 map has that name; ``suggestions`` are close names, or the
    one province a former province was merged into (``merged_into``)."""

    def __init__(self, name: str, suggestions: list[str], merged_into: str | None = None) -> None:
        self.name = name
        self.suggestions = suggestions
        if merged_into:
            message = _l(
                "Từ ngày 1/7/2025, “%(name)s” đã hợp nhất vào %(province)s: hãy dùng tên "
                "“%(province)s”.",
                name=name,
                province=merged_into,
            )
        elif suggestions:
            message = _l(
                "Không có tỉnh, thành phố nào tên “%(name)s”. Có phải: %(names)s?",
                name=name,
                names=", ".join(suggestions),
            )
        else:
            message = _l(
                "Không có tỉnh, thành phố nào tên “%(name)s” trong 34 tỉnh, thành phố từ 1/7/2025.",
                name=name,
            )
        super().__init__(message)


def normalise(text: str) -> str:
    """``text`` without accents, case, extra spaces or a leading "Tỉnh"/"Thành phố"/"TP"."""
    text = unicodedata.normalize("NFD", (text or "").replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.casefold().replace("-", " ").split())
    for prefix in PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    return text


@cache
def official_provinces() -> tuple[OfficialProvince, ...]:
    """The 34 provinces, by code."""
    from vietnam_provinces import Province, VietNamDivisionType

    out = []
    for province in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        name = province.name
        if province.division_type == VietNamDivisionType.TINH and not name.startswith("Tỉnh "):
            name = f"Tỉnh {name}"
        short = name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
        out.append(OfficialProvince(f"{int(province.code):02d}", name, short))
    return tuple(out)


def official_communes(province: OfficialProvince) -> list[OfficialCommune]:
    """The communes, wards and special zones of ``province``, by code."""
    from vietnam_provinces import ProvinceCode, Ward

    code = ProvinceCode(int(province.code))
    wards = sorted(Ward.iter_by_province(code), key=lambda w: int(w.code))
    return [OfficialCommune(f"{int(w.code):05d}", w.name, w.division_type.value) for w in wards]


def find_province(name: str) -> OfficialProvince:
    """The province called ``name`` (accents, case and "Tỉnh"/"Thành phố" optional);
    :class:`UnknownProvince` with close matches otherwise."""
    provinces = official_provinces()
    wanted = normalise(name)
    by_name = {normalise(p.short_name): p for p in provinces}
    by_code = {p.code: p for p in provinces}
    if wanted in by_name:
        return by_name[wanted]
    if wanted.replace(" ", "") in ALIASES:
        return by_code[ALIASES[wanted.replace(" ", "")]]
    if wanted in ALIASES:
        return by_code[ALIASES[wanted]]
    if wanted.isdigit() and f"{int(wanted):02d}" in by_code:
        return by_code[f"{int(wanted):02d}"]
    merged = MERGED_INTO.get(wanted) or MERGED_INTO.get(wanted.replace("-", " "))
    if merged is not None and normalise(merged) in by_name:
        raise UnknownProvince(name, [], merged_into=by_name[normalise(merged)].name)
    close = difflib.get_close_matches(wanted, list(by_name), n=3, cutoff=0.6)
    if not close:
        close = [key for key in by_name if wanted and (wanted in key or key in wanted)][:3]
    raise UnknownProvince(name, [by_name[key].name for key in close])


@dataclass
class SeedResult:
    """What :func:`seed_official_province` did."""

    province: Area
    province_created: bool
    created: int
    kept: int

    @property
    def total(self) -> int:
        return self.created + self.kept


def _attach_code(area: Area, code: str) -> None:
    if not area.code:
        area.code = code


def seed_official_province(name: str, actor: Actor | None = None) -> SeedResult:
    """Create the province called ``name`` and its communes/wards where absent, keyed by
    official code (idempotent); flush, no commit.

    An area of the tree without a code that has the official name (a province seeded by
    hand, "Tỉnh Tuyên Quang"; a commune directly under it) receives the code instead of a
    twin. Areas that exist keep the name the organizers gave them. Former districts and
    their communes are left alone (old editions refer to them).
    """
    official = find_province(name)
    coded = {
        area.code: area for area in db.session.scalars(select(Area).where(Area.code != "")).all()
    }
    province = coded.get(official.code)
    province_created = False
    if province is None:
        province = find_area(official.name) or find_area(official.short_name)
        if province is not None and province.code:
            province = None  # that name is taken by another coded area: make our own
    if province is None:
        positions = db.session.scalars(select(Area.position).where(Area.parent_id.is_(None)))
        province = Area(
            name=official.name,
            level=AreaLevel.PROVINCE.value,
            code=official.code,
            position=max(positions, default=-1) + 1,
        )
        db.session.add(province)
        db.session.flush()
        province_created = True
    _attach_code(province, official.code)

    children = {
        area.name.casefold(): area
        for area in db.session.scalars(select(Area).where(Area.parent_id == province.id))
    }
    created = kept = 0
    start = max((a.position for a in children.values()), default=-1) + 1
    for index, commune in enumerate(official_communes(official)):
        area = coded.get(commune.code)
        if area is None:
            area = children.get(commune.name.casefold())
            if area is not None and area.code:
                area = None
        if area is not None:
            _attach_code(area, commune.code)
            kept += 1
            continue
        db.session.add(
            Area(
                name=commune.name,
                level=AreaLevel.COMMUNE.value,
                code=commune.code,
                parent_id=province.id,
                position=start + index,
            )
        )
        created += 1
    db.session.flush()
    db.session.expire(province, ["children"])
    if created or province_created:
        record(
            actor,
            "area.seed",
            "area",
            province.id,
            code=official.code,
            communes_created=created,
            communes_kept=kept,
        )
    return SeedResult(province, province_created, created, kept)
