"""The province an edition belongs to, shown and changed on its general settings page.

Anyone instance-wide (an administrator, an organizer bound to no province) may move an edition
to another province of the instance, or make it instance-wide (none); an organizer bound to a
province sees it read-only (:mod:`contest.contests.tenancy`). Changes are audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..areas.models import Area, AreaLevel
from ..areas.provinces import binding_of, instance_provinces
from ..audit.operations import record
from ..extensions import db
from ..timeutil import utcnow
from .models import Edition
from .validation import InvalidEdition, Problem

if TYPE_CHECKING:
    from ..audit.actor import Actor

WHOLE_INSTANCE = _l("Toàn hệ thống")


def may_change_province(user: Actor | None) -> bool:
    """True when ``user`` may choose an edition's province: anyone bound to no province."""
    return binding_of(user) is None


def province_choices() -> list[tuple[str, str]]:
    """``(value, label)`` for the province select: none ("Toàn hệ thống"), then the
    provinces of the instance."""
    return [("", str(WHOLE_INSTANCE))] + [(str(p.id), p.name) for p in instance_provinces()]


def province_label(edition: Edition) -> str:
    """The edition's province as the page shows it."""
    return edition.province.name if edition.province is not None else str(WHOLE_INSTANCE)


def parse_choice(value: str | int | None) -> int | None:
    """The chosen province id (None: the whole instance); a bad value is refused."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidEdition([Problem("province_id", _("lựa chọn không hợp lệ"))]) from None


def set_province(edition: Edition, province_id: int | None, actor: Actor | None) -> bool:
    """Make ``province_id`` (None: the whole instance) the province of ``edition``; audited.
    Refused for an organizer bound to a province, and for an area that is not a province.
    Returns True when it changed."""
    if province_id == edition.province_id:
        return False
    if not may_change_province(actor):
        raise InvalidEdition(
            [
                Problem(
                    "province_id",
                    _(
                        "chỉ quản trị hệ thống hoặc Ban Tổ chức toàn hệ thống đổi được tỉnh, "
                        "thành phố của lần thi"
                    ),
                )
            ]
        )
    area = None
    if province_id is not None:
        area = db.session.get(Area, province_id)
        if area is None or area.parent_id is not None or area.level != AreaLevel.PROVINCE.value:
            raise InvalidEdition([Problem("province_id", _("không có tỉnh, thành phố này"))])
    before = edition.province_id
    edition.province_id = province_id
    edition.province = area
    edition.updated_at = utcnow()
    db.session.flush()
    record(
        actor,
        "edition.province",
        "edition",
        edition.id,
        slug=edition.slug,
        before=before,
        after=province_id,
        name=area.name if area else "",
    )
    return True
