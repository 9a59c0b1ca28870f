"""Certificates (Giấy chứng nhận): issuing, carrying over, revoking after a correction, and
verifying a code (RULES §6). No HTTP here; the writers flush, the caller commits.

Every author of every winning entry of a published version gets one certificate. Its
*content* is what the paper says: the entry, the author's position and name, whether the
author is the only author ("Tác giả") or one of several ("Đồng tác giả"), the entry's title and
the prize. Two certificates are *identical* when their content is the same.

* ``issue_for(publication)`` (the version in force only) makes sure each of its slots (entry ×
  author position) has a valid certificate with that content: a valid identical certificate
  from an earlier version is carried over (same row, same code); a valid certificate whose
  content differs is revoked and a new one is issued (its ``replaced_by``); a missing one is
  issued. Running it twice creates nothing new.
* ``revoke_corrected`` runs after each publish (``@after_publish``): once certificates exist for
  the edition, a new version revokes every valid certificate whose content is not identical in
  it (prize changed or removed, name or title corrected) with the reason "Đã được đính chính
  bởi phiên bản n", and issues the new version's certificates at once, so a revoked
  certificate points at its replacement as soon as the correction is published.
* ``verify(code)`` tells whether a typed code is a valid, revoked or unknown certificate. Codes
  are 12 Crockford base32 characters (``0-9 A-Z`` without ``I L O U``); typing is forgiving:
  lower case, spaces and dashes are ignored, ``O`` reads as ``0`` and ``I``/``L`` as ``1``.

At most one certificate per slot is valid at any time (a partial unique index), and a version
holds at most one certificate per slot (a unique constraint): concurrent runs cannot issue two.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..audit.operations import record
from ..errors import UserError
from ..extensions import db
from ..publication.hooks import after_publish
from ..publication.models import Publication, PublishedEntry
from ..text import nfc as text_nfc
from ..timeutil import utcnow
from .models import CODE_LENGTH, Certificate

if TYPE_CHECKING:
    from ..audit.actor import Actor

#: Crockford's base32 alphabet: digits and capitals without I, L, O, U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: What a person may type for a character (Crockford's decoding rules).
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-–—_.·]+")
#: Longest text ``normalize_code`` looks at (a pasted page is not a code).
MAX_INPUT = 64

REVOKED_BY_CORRECTION = "Đã được đính chính bởi phiên bản {version}"


class CertificateError(UserError):
    """Certificates cannot be issued; ``message`` says why (translated)."""


class Status(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    """The answer to a typed code: ``status``, the certificate (None when unknown), its
    current replacement when revoked, and the code in canonical form (None if malformed)."""

    status: Status
    code: str | None
    certificate: Certificate | None = None
    replacement: Certificate | None = None


@dataclass(frozen=True)
class IssueOutcome:
    """What ``issue_for`` did: certificates issued, carried over, revoked (codes)."""

    issued: int
    carried: int
    revoked: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.issued + self.carried


# ---------------------------------------------------------------- codes


def new_code() -> str:
    """A fresh random code (canonical: 12 characters of :data:`ALPHABET`, 60 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str | None:
    """The canonical form of a typed code, or None when it cannot be one: case, spaces and
    dashes are ignored, O→0, I/L→1 (module docstring)."""
    if not text or len(text) > MAX_INPUT:
        return None
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    compact = compact.translate(_CONFUSABLE)
    if len(compact) != CODE_LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def format_code(code: str) -> str:
    """``XXXX-XXXX-XXXX`` for a canonical code."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _unused_code() -> str:
    """A new code not yet in the database (a clash of 60 random bits is a formality; the
    unique constraint stays the guard)."""
    while True:
        code = new_code()
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


# ---------------------------------------------------------------- content


def nfc(text: str | None) -> str:
    """``text`` in Unicode NFC, trimmed."""
    return text_nfc(text).strip()


@dataclass(frozen=True)
class Slot:
    """What one certificate of a version must say."""

    entry_id: int
    author_position: int
    author_count: int
    author_name: str
    entry_code: str
    entry_title: str
    prize_code: str
    prize_name: str
    order: tuple[int, int]  # (published position, author position)

    @property
    def key(self) -> tuple[int, int]:
        return (self.entry_id, self.author_position)

    def identity(self) -> tuple:
        """The content that must not change for a certificate to stay valid."""
        return (
            self.entry_id,
            self.author_position,
            self.author_count > 1,
            self.author_name,
            self.entry_title,
            self.prize_code,
            self.prize_name,
        )


def identity(certificate: Certificate) -> tuple:
    """A certificate's content, comparable with :meth:`Slot.identity`."""
    return (
        certificate.entry_id,
        certificate.author_position,
        certificate.author_count > 1,
        certificate.author_name,
        certificate.entry_title,
        certificate.prize_code,
        certificate.prize_name,
    )


def slots(publication: Publication) -> list[Slot]:
    """The certificates ``publication`` calls for: one per author of each winning entry, in
    the official order."""
    entries = db.session.scalars(
        select(PublishedEntry)
        .where(PublishedEntry.publication_id == publication.id)
        .order_by(PublishedEntry.position)
    ).all()
    out = []
    for entry in entries:
        names = [nfc(name) for name in (entry.authors or []) if nfc(name)]
        for position, name in enumerate(names, start=1):
            out.append(
                Slot(
                    entry_id=entry.entry_id,
                    author_position=position,
                    author_count=len(names),
                    author_name=name,
                    entry_code=nfc(entry.entry_code),
                    entry_title=nfc(entry.title),
                    prize_code=entry.prize_code,
                    prize_name=nfc(entry.prize_name),
                    order=(entry.position, position),
                )
            )
    return out


def _valid_of_edition(edition_id: int) -> dict[tuple[int, int], Certificate]:
    """The valid certificates of an edition by slot (at most one per slot)."""
    rows = db.session.scalars(
        select(Certificate)
        .join(Publication, Publication.id == Certificate.publication_id)
        .where(Publication.edition_id == edition_id, Certificate.revoked_at.is_(None))
    ).all()
    return {(c.entry_id, c.author_position): c for c in rows}


def has_certificates(edition_id: int) -> bool:
    """True once any certificate was issued for the edition."""
    return (
        db.session.scalar(
            select(Certificate.id)
            .join(Publication, Publication.id == Certificate.publication_id)
            .where(Publication.edition_id == edition_id)
            .limit(1)
        )
        is not None
    )


# ---------------------------------------------------------------- issuing


def _lock(publication: Publication) -> Publication:
    """Re-read ``publication`` with a row lock (PostgreSQL; SQLite serialises writers), so a
    publish that supersedes it cannot interleave with issuing its certificates."""
    return db.session.scalars(
        select(Publication)
        .where(Publication.id == publication.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def issue_for(
    publication: Publication, actor: Actor | None = None, now: datetime | None = None
) -> IssueOutcome:
    """Give every slot of ``publication`` (the version in force) a valid certificate
    (module docstring); flushes, never commits. :class:`CertificateError` for a superseded
    version."""
    now = now or utcnow()
    publication = _lock(publication)
    if publication.superseded_at is not None:
        raise CertificateError(
            _(
                "Phiên bản %(version)d đã được thay thế bởi một bản đính chính: "
                "hãy cấp giấy chứng nhận theo phiên bản mới nhất.",
                version=publication.version,
            )
        )
    edition_title = nfc(publication.edition.title)
    wanted = slots(publication)
    wanted_ids = {s.identity() for s in wanted}
    valid = _valid_of_edition(publication.edition_id)
    reason = REVOKED_BY_CORRECTION.format(version=publication.version)

    revoked: list[Certificate] = []
    for certificate in valid.values():
        if identity(certificate) not in wanted_ids:
            certificate.revoked_at = now
            certificate.revoked_reason = reason
            revoked.append(certificate)
    db.session.flush()  # the revocations free their slots before new certificates take them

    here = {
        (c.entry_id, c.author_position)
        for c in db.session.scalars(
            select(Certificate).where(Certificate.publication_id == publication.id)
        )
    }
    issued: list[Certificate] = []
    carried = 0
    for slot in wanted:
        current = valid.get(slot.key)
        if current is not None and current.revoked_at is None:
            carried += 1
            continue
        if slot.key in here:  # revoked by hand in this very version: not re-issued
            continue
        certificate = Certificate(
            publication_id=publication.id,
            entry_id=slot.entry_id,
            author_position=slot.author_position,
            author_count=slot.author_count,
            author_name=slot.author_name,
            entry_code=slot.entry_code,
            entry_title=slot.entry_title,
            prize_code=slot.prize_code,
            prize_name=slot.prize_name,
            edition_title=edition_title,
            code=_unused_code(),
            issued_at=now,
        )
        db.session.add(certificate)
        issued.append(certificate)
    db.session.flush()
    _link_replacements(publication.edition_id, issued)
    if issued or revoked:
        record(
            actor,
            "certificates.issue",
            "publication",
            publication.id,
            version=publication.version,
            issued=len(issued),
            carried=carried,
            revoked=[c.display_code for c in revoked],
        )
    return IssueOutcome(len(issued), carried, tuple(c.display_code for c in revoked))


def _link_replacements(edition_id: int, issued: list[Certificate]) -> None:
    """Point each revoked, not yet replaced certificate of a slot at the slot's new one."""
    by_slot = {(c.entry_id, c.author_position): c for c in issued}
    if not by_slot:
        return
    orphans = db.session.scalars(
        select(Certificate)
        .join(Publication, Publication.id == Certificate.publication_id)
        .where(
            Publication.edition_id == edition_id,
            Certificate.revoked_at.is_not(None),
            Certificate.replaced_by_id.is_(None),
            Certificate.entry_id.in_({key[0] for key in by_slot}),
        )
    ).all()
    for certificate in orphans:
        successor = by_slot.get((certificate.entry_id, certificate.author_position))
        if successor is not None and successor.id != certificate.id:
            certificate.replaced_by_id = successor.id
    db.session.flush()


@after_publish
def revoke_corrected(
    publication: Publication, previous: Publication | None, actor: Actor | None
) -> None:
    """After a correction is published: revoke what it changed and issue its certificates
    (only once certificates exist for the edition; module docstring)."""
    if previous is None or not has_certificates(publication.edition_id):
        return
    issue_for(publication, actor, now=publication.published_at)


# ---------------------------------------------------------------- reading


def certificates_of(publication: Publication) -> list[Certificate]:
    """The valid certificates that ``publication``'s slots call for, in the official order
    (issued for it or carried over from an earlier version); slots without one are
    skipped."""
    valid = _valid_of_edition(publication.edition_id)
    out = []
    for slot in slots(publication):
        certificate = valid.get(slot.key)
        if certificate is not None and identity(certificate) == slot.identity():
            out.append(certificate)
    return out


def revoked_query(edition_id: int) -> Select:
    """The edition's revoked certificates, most recent first (a query, to paginate)."""
    return (
        select(Certificate)
        .join(Publication, Publication.id == Certificate.publication_id)
        .where(Publication.edition_id == edition_id, Certificate.revoked_at.is_not(None))
        .order_by(Certificate.revoked_at.desc(), Certificate.id.desc())
        .options(selectinload(Certificate.replaced_by))
    )


def get_by_code(code: str | None) -> Certificate | None:
    """The certificate whose code is ``code`` as typed (normalised), if any."""
    canonical = normalize_code(code)
    if canonical is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == canonical))


def current_replacement(certificate: Certificate) -> Certificate | None:
    """The end of the ``replaced_by`` chain of a revoked certificate (None if never
    replaced)."""
    seen = {certificate.id}
    successor = certificate.replaced_by
    while successor is not None and successor.replaced_by is not None:
        if successor.replaced_by.id in seen:
            break
        seen.add(successor.id)
        successor = successor.replaced_by
    return successor


def verify(code: str | None) -> Verification:
    """Whether ``code`` (as typed) is a valid, revoked or unknown certificate."""
    canonical = normalize_code(code)
    certificate = get_by_code(canonical) if canonical else None
    if certificate is None:
        return Verification(Status.UNKNOWN, canonical)
    if certificate.revoked_at is None:
        return Verification(Status.VALID, canonical, certificate)
    return Verification(Status.REVOKED, canonical, certificate, current_replacement(certificate))
