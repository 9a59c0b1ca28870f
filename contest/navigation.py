"""The navigation bar (which links each role sees, grouped into menus) and the sub-navigation
of an edition's organizer pages, in the order of the season.

Later features add their pages by appending a :class:`NavItem` to :data:`NAV` (with the
``group`` it belongs to). The organizer's bar has at most six top items so that it fits on one
line on a 1366 px screen: a group of several visible links is one dropdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    """A link of the navigation bar, shown to users holding any of ``roles``; ``also``: other
    path prefixes whose pages belong to this item (for the highlight)."""

    endpoint: str
    label: object
    roles: tuple[str, ...]  # empty: everyone, logged in or not
    testid: str = ""
    group: str = ""
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavGroup:
    """A menu of the bar; ``fold_for``: the roles for whom it is a dropdown (empty: everyone
    who sees two links or more of it); for the others its links stand at the top level."""

    label: object
    testid: str
    fold_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavLink:
    """A navigation link ready for the template."""

    url: str
    label: object
    active: bool
    testid: str


@dataclass(frozen=True)
class NavEntry:
    """A top item of the bar: a single link, or a menu of ``children``."""

    label: object
    active: bool
    testid: str
    url: str = ""
    children: tuple[NavLink, ...] = field(default_factory=tuple)

    @property
    def is_menu(self) -> bool:
        return bool(self.children)


GROUPS: dict[str, NavGroup] = {
    "season": NavGroup(_l("Cuộc thi"), "nav-group-season"),
    "results": NavGroup(_l("Kết quả"), "nav-group-results"),
    "admin": NavGroup(_l("Quản trị"), "nav-group-admin"),
    "public": NavGroup(_l("Trang công khai"), "nav-group-public", (Role.ORGANIZER,)),
}

NAV: tuple[NavItem, ...] = (
    NavItem("main.organizer_home", _l("Trang Ban Tổ chức"), (Role.ORGANIZER,), "nav-organizer"),
    NavItem(
        "editions.index",
        _l("Các lần thi"),
        (Role.ORGANIZER,),
        "nav-editions",
        "season",
        ("/organizer/season/", "/organizer/announcements/"),
    ),
    NavItem("intake.index", _l("Bài dự thi"), (Role.ORGANIZER,), "nav-intake", "season"),
    NavItem("judging.index", _l("Chấm thi"), (Role.ORGANIZER,), "nav-judging"),
    NavItem(
        "results.index",
        _l("Tổng hợp kết quả"),
        (Role.ORGANIZER,),
        "nav-results",
        "results",
        ("/organizer/national/", "/organizer/statistics/"),
    ),
    NavItem("publication.index", _l("Công bố"), (Role.ORGANIZER,), "nav-publication", "results"),
    NavItem(
        "certificates.index",
        _l("Giấy chứng nhận"),
        (Role.ORGANIZER,),
        "nav-certificates",
        "results",
    ),
    NavItem("areas.index", _l("Địa bàn"), (Role.ORGANIZER,), "nav-areas", "admin"),
    NavItem("accounts.invite", _l("Lời mời"), (Role.ORGANIZER,), "nav-invite", "admin"),
    NavItem("jobs.index", _l("Tác vụ nền"), (Role.ORGANIZER,), "nav-jobs", "admin"),
    NavItem("provinces.index", _l("Tỉnh, thành phố"), (Role.ADMIN,), "nav-provinces", "admin"),
    NavItem("two_factor.admin", _l("Xác thực hai bước"), (Role.ADMIN,), "nav-two-factor", "admin"),
    NavItem("main.coordinator_home", _l("Địa bàn của tôi"), (Role.COORDINATOR,), "nav-coordinator"),
    NavItem("district.index", _l("Bài dự thi của địa bàn"), (Role.COORDINATOR,), "nav-district"),
    NavItem("main.judge_home", _l("Chấm thi"), (Role.JUDGE,), "nav-judge"),
    NavItem("main.entrant_home", _l("Bài dự thi của tôi"), (Role.ENTRANT,), "nav-entrant"),
    NavItem("complaints.index", _l("Khiếu nại"), (Role.ENTRANT,), "nav-complaints"),
    NavItem("public.index", _l("Các cuộc thi"), (), "nav-public-editions", "public"),
    NavItem("public_results.index", _l("Kết quả công bố"), (), "nav-public-results", "public"),
)


def visible_items(user) -> list[NavItem]:
    """The items of :data:`NAV` that ``user`` (possibly anonymous) may see."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return [
        item for item in NAV if not item.roles or (authenticated and user.has_role(*item.roles))
    ]


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def active_url(items: list[tuple[NavItem, str]], path: str) -> str | None:
    """The URL of the item the page ``path`` belongs to: the longest matching prefix among
    the items' URLs and their ``also`` prefixes (so /organizer/areas/3 lights up "Địa bàn",
    and /organizer/national/x "Tổng hợp kết quả", not the home page)."""
    best: tuple[int, str] | None = None
    for item, url in items:
        for prefix in (url, *item.also):
            if _under(path, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), url)
    return best[1] if best else None


def _folds(group: NavGroup, user, count: int) -> bool:
    if count < 2:
        return False
    if not group.fold_for:
        return True
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*group.fold_for)


def nav_entries(user, path: str) -> list[NavEntry]:
    """The top items of the bar for ``user`` on the page ``path``, in :data:`NAV` order; a
    group is placed where its first visible link is."""
    items = [(item, url_for(item.endpoint)) for item in visible_items(user)]
    active = active_url(items, path)
    links = {id(item): NavLink(url, item.label, url == active, item.testid) for item, url in items}
    by_group: dict[str, list[NavItem]] = {}
    for item, _url in items:
        by_group.setdefault(item.group, []).append(item)
    entries: list[NavEntry] = []
    placed: set[str] = set()
    for item, _url in items:
        group = GROUPS.get(item.group)
        members = by_group.get(item.group, [])
        if group is not None and _folds(group, user, len(members)):
            if item.group in placed:
                continue
            placed.add(item.group)
            children = tuple(links[id(m)] for m in members)
            entries.append(
                NavEntry(group.label, any(c.active for c in children), group.testid, "", children)
            )
        else:
            link = links[id(item)]
            entries.append(NavEntry(link.label, link.active, link.testid, link.url))
    return entries


def nav_items() -> list[NavEntry]:
    """The top items of the bar for the current user and page (for the templates)."""
    return nav_entries(current_user, request.path)


@dataclass(frozen=True)
class Section:
    """A part of an edition's organizer pages, in the order of the season."""

    key: str
    endpoint: str
    label: object
    prefix: str  # path prefix (before the slug) of the section's pages


#: An edition's organizer pages in the order of the season: the cockpit first, then the
#: settings, the entries, judging, results, publication, certificates, the national
#: selection and the statistics.
SECTIONS: tuple[Section, ...] = (
    Section("season", "season.edition", _l("Tình hình mùa thi"), "/organizer/season/"),
    Section("settings", "editions.show", _l("Thiết lập"), "/organizer/editions/"),
    Section("entries", "intake.index", _l("Hồ sơ dự thi"), "/organizer/entries/"),
    Section("judging", "judging.panels", _l("Chấm thi"), "/organizer/judging/"),
    Section("results", "results.review", _l("Kết quả"), "/organizer/results/"),
    Section("publication", "publication.edition", _l("Công bố"), "/organizer/publication/"),
    Section(
        "certificates", "certificates.edition", _l("Giấy chứng nhận"), "/organizer/certificates/"
    ),
    Section("national", "national.edition", _l("Tuyển chọn toàn quốc"), "/organizer/national/"),
    Section("statistics", "statistics.edition", _l("Thống kê"), "/organizer/statistics/"),
)


def section_url(section: Section, edition) -> str:
    """The first page of ``section`` for ``edition``."""
    if section.key == "entries":
        return url_for(section.endpoint, edition=edition.id)
    return url_for(section.endpoint, slug=edition.slug)


def current_section(path: str) -> str | None:
    """The key of the section the page ``path`` belongs to (None: none of them)."""
    for section in SECTIONS:
        if path.startswith(section.prefix):
            return section.key
    return None


def edition_sections(edition, current: str | None = None) -> list[NavLink]:
    """The sub-navigation of ``edition``'s organizer pages; the section of the current page
    (or ``current``) is active."""
    active = current or current_section(request.path)
    return [
        NavLink(section_url(s, edition), s.label, s.key == active, f"section-{s.key}")
        for s in SECTIONS
    ]
