"""Who is told what when results are published: the e-mails of one
publication, rendered, with their at-most-once keys. Reads only; the sending is
``notify.send_notifications``.

* Version 1 — every author with an e-mail address of every entry of the published run
  (``ResultRow`` of ``publication.run``, ranked or not): winners are congratulated with their
  prize (the published snapshot's), the others thanked; both get the link to the public
  results page and, while the version is posted (niêm yết), the end of the posting period and
  where the entrant lodges a complaint. One e-mail per entry and address: an address that is
  an author of two entries gets two e-mails, one about each entry; authors of ONE entry
  sharing an address get one, greeting them all. Every judge of the edition (assigned to an
  entry in any round, or sitting on a panel) gets a thank-you with the link. An entry's owner
  (the entrant account) whose address is none of that entry's authors' gets one e-mail
  listing those entries.
* Version n ≥ 2 (a correction) — only the entries whose RESULT changed (``differences``:
  added, removed, prize changed; a corrected title or unit alone tells nobody): their
  authors, and their owners by the same rule, are told what changed and why. Judges are not
  written to again.

Keys: ``publication:<id>:author:<author id>`` (the first, by position, of the entry's authors
sharing the address), ``publication:<id>:judge:<user id>``, ``publication:<id>:owner:<user
id>``. Authors without an address, malformed addresses (``email_validator``) and deactivated
accounts are skipped and counted. Authors have no language setting: their e-mails are in
Vietnamese; accounts get theirs in the account's language.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..accounts.models import User
from ..entries.models import Entry
from ..extensions import db
from ..judging.models import Assignment, Panel, PanelMember
from ..results.models import ResultRow
from .models import Publication
from .operations import Difference, differences


@dataclass(frozen=True)
class Mail:
    """One e-mail to send at most once."""

    key: str
    kind: str
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class Item:
    """One entry's result (or its change) as an e-mail shows it."""

    code: str
    title: str
    field_name: str
    prize_name: str  # "" when the entry has no prize
    change: str = ""  # for a correction: what changed, as a sentence


@dataclass
class Plan:
    """The messages of one publication and what was skipped (per author row or account)."""

    mails: list[Mail] = field(default_factory=list)
    missing_address: int = 0
    invalid_address: int = 0
    inactive_account: int = 0


def plan_for(publication: Publication) -> Plan:
    """Every e-mail of ``publication`` (module docstring), in a stable order."""
    previous = None
    if publication.version > 1:
        previous = db.session.scalar(
            select(Publication).where(
                Publication.edition_id == publication.edition_id,
                Publication.version == publication.version - 1,
            )
        )
    planner = _Planner(publication, previous)
    if previous is None:
        planner.first_version()
    else:
        planner.correction(previous)
    return planner.plan


def public_url(endpoint: str, fallback_path: str, **values) -> str:
    """An absolute link on ``PUBLIC_BASE_URL`` (also outside a request); ``fallback_path``
    when the endpoint does not exist."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")
    try:
        with current_app.test_request_context("/", base_url=base):
            return url_for(endpoint, _external=True, **values)
    except BuildError:
        return base + fallback_path


def change_text(before: str, after: str) -> str:
    """What happened to one entry's prize (names; "" for none), as a sentence."""
    if not before:
        return _(
            "Nay đạt %(prize)s (phiên bản trước: không có trong danh sách đạt giải).", prize=after
        )
    if not after:
        return _("Không còn trong danh sách đạt giải (phiên bản trước: %(prize)s).", prize=before)
    return _("Đổi từ %(before)s thành %(after)s.", before=before, after=after)


class _Planner:
    """Builds the ``Plan`` of one publication."""

    def __init__(self, publication: Publication, previous: Publication | None):
        self.publication = publication
        self.edition = publication.edition
        self.plan = Plan()
        self.default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
        slug = self.edition.slug
        self.context = {
            "edition": self.edition,
            "publication": publication,
            "previous": previous,
            "noun": _l("giải pháp") if self.edition.kind == "technical" else _l("sản phẩm"),
            "link": public_url("public_results.edition", f"/results/{slug}", slug=slug),
            "complaints_link": public_url("complaints.new", f"/complaints/{slug}/new", slug=slug),
            "winners": publication.entry_count,
        }

    # ------------------------------------------------------------ the two cases

    def first_version(self) -> None:
        """Authors of every entry of the run, owners, judges."""
        published = {p.entry_id: p for p in self.publication.entries}
        entries = db.session.scalars(
            select(Entry)
            .join(ResultRow, ResultRow.entry_id == Entry.id)
            .where(ResultRow.run_id == self.publication.run_id)
            .order_by(ResultRow.position)
            .options(
                selectinload(Entry.authors), selectinload(Entry.owner), selectinload(Entry.field)
            )
        ).all()
        owners: dict[int, list[Item]] = defaultdict(list)
        for entry in entries:
            snap = published.get(entry.id)
            if snap is not None:
                item = Item(snap.entry_code, snap.title, snap.field_name, snap.prize_name)
            else:
                field_name = entry.field.name if entry.field else ""
                item = Item(entry.code or "", entry.title, field_name, "")
            with force_locale(self.default_locale):
                if item.prize_name:
                    subject = _(
                        "Chúc mừng: %(code)s đạt %(prize)s – %(edition)s",
                        code=item.code,
                        prize=item.prize_name,
                        edition=self.edition.title,
                    )
                else:
                    subject = _("Kết quả %(edition)s", edition=self.edition.title)
            self._authors(entry, item, "publication.author", subject, "publication_author")
            if self._owner_needs_mail(entry):
                assert entry.owner_id is not None  # _owner_needs_mail: the entry has an owner
                owners[entry.owner_id].append(item)
        self._owners(owners, "publication.owner", "publication_owner")
        for judge in self._judges():
            self._user_mail(
                judge, "judge", "publication.judge", "publication_judge", self._judge_subject
            )

    def correction(self, previous: Publication) -> None:
        """The authors and owners of the entries whose result changed from ``previous``."""
        changed: dict[int, Difference] = {}
        for diff in differences(previous, self.publication):
            if diff.before and diff.after and diff.before.prize_code == diff.after.prize_code:
                continue  # the result stands; only a title, a name or a unit was corrected
            side = diff.after or diff.before
            assert side is not None  # a difference has a side before or after
            changed[side.entry_id] = diff
        entries = db.session.scalars(
            select(Entry)
            .where(Entry.id.in_(changed))
            .options(selectinload(Entry.authors), selectinload(Entry.owner))
        ).all()
        order = list(changed)
        owners: dict[int, list[Item]] = defaultdict(list)
        for entry in sorted(entries, key=lambda e: order.index(e.id)):
            diff = changed[entry.id]
            snap = diff.after or diff.before
            assert snap is not None  # a difference has a side before or after
            before = diff.before.prize_name if diff.before else ""
            after = diff.after.prize_name if diff.after else ""
            with force_locale(self.default_locale):
                change = change_text(before, after)
                item = Item(snap.entry_code, snap.title, snap.field_name, after, change)
                subject = self._correction_subject()
            self._authors(entry, item, "publication.correction", subject, "publication_correction")
            if self._owner_needs_mail(entry):
                assert entry.owner_id is not None  # _owner_needs_mail: the entry has an owner
                owners[entry.owner_id].append(item)
        self._owners(owners, "publication.correction", "publication_correction_owner")

    # ------------------------------------------------------------ recipients

    def _authors(self, entry: Entry, item: Item, kind: str, subject: str, template: str) -> None:
        """One e-mail per address among ``entry``'s authors (in Vietnamese)."""
        groups: dict[str, list] = {}
        for author in sorted(entry.authors, key=lambda a: a.position):
            address = self._address(author.email)
            if address is not None:
                groups.setdefault(address.casefold(), []).append((address, author))
        for members in groups.values():
            address, first = members[0]
            names = ", ".join(a.full_name for _address, a in members)
            with force_locale(self.default_locale):
                body = render_template(
                    f"emails/{template}.txt", names=names, item=item, **self.context
                )
            key = f"publication:{self.publication.id}:author:{first.id}"
            self.plan.mails.append(Mail(key, kind, address, subject, body))

    def _owner_needs_mail(self, entry: Entry) -> bool:
        """True when ``entry``'s owner's address is none of its authors'."""
        if entry.owner is None:
            return False
        authors = {(a.email or "").strip().casefold() for a in entry.authors}
        return (entry.owner.email or "").strip().casefold() not in authors

    def _owners(self, owners: dict[int, list[Item]], kind: str, template: str) -> None:
        """One e-mail per owner listing their entries."""
        for user_id, items in owners.items():
            user = db.session.get_one(User, user_id)
            self._user_mail(user, "owner", kind, template, self._owner_subject, items=items)

    def _user_mail(self, user: User, role: str, kind: str, template: str, subject, **extra):
        """An e-mail to an account, in the account's language (skipped when deactivated);
        ``subject()`` is called in that language."""
        if not user.is_active:
            self.plan.inactive_account += 1
            return
        address = self._address(user.email)
        if address is None:
            return
        with force_locale(user.locale or self.default_locale):
            body = render_template(f"emails/{template}.txt", user=user, **extra, **self.context)
            text = subject()
        key = f"publication:{self.publication.id}:{role}:{user.id}"
        self.plan.mails.append(Mail(key, kind, address, text, body))

    def _owner_subject(self) -> str:
        if self.publication.version > 1:
            return self._correction_subject()
        return _("Kết quả các hồ sơ của bạn – %(edition)s", edition=self.edition.title)

    def _judge_subject(self) -> str:
        return _("Thư cảm ơn giám khảo – %(edition)s", edition=self.edition.title)

    def _correction_subject(self) -> str:
        return _(
            "Đính chính kết quả – %(edition)s (phiên bản %(version)d)",
            edition=self.edition.title,
            version=self.publication.version,
        )

    def _judges(self) -> list[User]:
        """The edition's judges: assigned to an entry in any round, or sitting on a panel."""
        edition_id = self.edition.id
        assigned = select(Assignment.judge_id).where(Assignment.edition_id == edition_id)
        seated = (
            select(PanelMember.judge_id)
            .join(Panel, Panel.id == PanelMember.panel_id)
            .where(Panel.edition_id == edition_id)
        )
        query = select(User).where(or_(User.id.in_(assigned), User.id.in_(seated)))
        return list(db.session.scalars(query.order_by(User.id)))

    def _address(self, raw: str | None) -> str | None:
        """The address to write to, or None (counted) when missing or malformed."""
        raw = (raw or "").strip()
        if not raw:
            self.plan.missing_address += 1
            return None
        try:
            return validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError:
            self.plan.invalid_address += 1
            return None
