"""The navigation bar: which links each role sees.

Later features add their pages by appending a :class:`NavItem` to :data:`NAV`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    """A link of the navigation bar, shown to users holding any of ``roles``."""

    endpoint: str
    label: object
    roles: tuple[str, ...]  # empty: everyone, logged in or not
    testid: str = ""


@dataclass(frozen=True)
class NavLink:
    """A navigation link ready for the template."""

    url: str
    label: object
    active: bool
    testid: str


NAV: tuple[NavItem, ...] = (
    NavItem("main.organizer_home", _l("Trang Ban Tổ chức"), (Role.ORGANIZER,), "nav-organizer"),
    NavItem("editions.index", _l("Cuộc thi"), (Role.ORGANIZER,), "nav-editions"),
    NavItem("intake.index", _l("Bài dự thi"), (Role.ORGANIZER,), "nav-intake"),
    NavItem("areas.index", _l("Địa bàn"), (Role.ORGANIZER,), "nav-areas"),
    NavItem("accounts.invite", _l("Lời mời"), (Role.ORGANIZER,), "nav-invite"),
    NavItem("results.index", _l("Kết quả"), (Role.ORGANIZER,), "nav-results"),
    NavItem("judging.index", _l("Chấm thi"), (Role.ORGANIZER,), "nav-judging"),
    NavItem("publication.index", _l("Công bố"), (Role.ORGANIZER,), "nav-publication"),
    NavItem("certificates.index", _l("Giấy chứng nhận"), (Role.ORGANIZER,), "nav-certificates"),
    NavItem("jobs.index", _l("Tác vụ nền"), (Role.ORGANIZER,), "nav-jobs"),
    NavItem("main.coordinator_home", _l("Địa bàn của tôi"), (Role.COORDINATOR,), "nav-coordinator"),
    NavItem("district.index", _l("Bài dự thi của địa bàn"), (Role.COORDINATOR,), "nav-district"),
    NavItem("main.judge_home", _l("Chấm thi"), (Role.JUDGE,), "nav-judge"),
    NavItem("main.entrant_home", _l("Bài dự thi của tôi"), (Role.ENTRANT,), "nav-entrant"),
    NavItem("complaints.index", _l("Khiếu nại"), (Role.ENTRANT,), "nav-complaints"),
    NavItem("public.index", _l("Các cuộc thi"), (), "nav-public-editions"),
    NavItem("public_results.index", _l("Kết quả công bố"), (), "nav-public-results"),
)


def visible_items(user) -> list[NavItem]:
    """The items of :data:`NAV` that ``user`` (possibly anonymous) may see."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return [
        item for item in NAV if not item.roles or (authenticated and user.has_role(*item.roles))
    ]


def nav_items() -> list[NavLink]:
    """The links for the current user; the one whose URL is the longest prefix of the current
    path is marked active (so /organizer/areas/3 lights up "Địa bàn", not the home page)."""
    items = [(item, url_for(item.endpoint)) for item in visible_items(current_user)]
    path = request.path
    matching = [
        url for _item, url in items if path == url or path.startswith(url.rstrip("/") + "/")
    ]
    active = max(matching, key=len, default=None)
    return [NavLink(url, item.label, url == active, item.testid) for item, url in items]
