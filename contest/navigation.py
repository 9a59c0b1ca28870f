"""The navigation bar: which links each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...]  # empty: everyone, logged in or not


NAV: tuple[NavItem, ...] = (
    NavItem("main.organizer_home", _l("Ban Tổ chức"), (Role.ORGANIZER,)),
    NavItem("areas.index", _l("Địa bàn"), (Role.ORGANIZER,)),
    NavItem("accounts.invite", _l("Mời giám khảo, điều phối viên"), (Role.ORGANIZER,)),
    NavItem("main.coordinator_home", _l("Địa bàn của tôi"), (Role.COORDINATOR,)),
    NavItem("main.judge_home", _l("Chấm thi"), (Role.JUDGE,)),
    NavItem("main.entrant_home", _l("Bài dự thi của tôi"), (Role.ENTRANT,)),
)


def nav_items() -> list[tuple[str, object]]:
    """(url, label) pairs for the current user."""
    items = []
    for item in NAV:
        if item.roles:
            if not current_user.is_authenticated or not current_user.has_role(*item.roles):
                continue
        items.append((url_for(item.endpoint), item.label))
    return items
