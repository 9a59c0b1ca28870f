"""Receiving provinces' selections into a national edition. No HTTP here;
functions flush, never commit, and take the acting user as a parameter.

**National editions** are ordinary editions (created from a template or a definition)
flagged by :func:`mark` (``contest national mark SLUG``). Their fields must carry the
incoming field codes.

**Import** (:func:`import_package`) takes a package already verified by
:func:`.package.open_package` (signature, files, hashes) and checks the edition first: it is
national, every entry's field code is one of its fields, every national code fits — any
problem is a PackageError naming the entries, and nothing is written. Then each entry is keyed
by (province code, source entry code):

* new → an entry with status *received* (code ``<province code>-<source code>``, area: the
  sending province), its authors, its files stored through :func:`contest.storage.get_storage`
  and a :class:`.models.NationalArrival` recording its provenance;
* known, with the same content (the entry's part of the manifest hashes the same) → nothing;
* known, corrected → its data, authors and arrival are updated; files whose (kind, name,
  SHA-256) are unchanged are kept, others replaced. Its status is kept (an entry already
  accepted stays in judging).

Files stored by an import that then fails are removed; files replaced by a correction are
returned in ``ImportResult.stale_keys`` for the caller to delete after its commit.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit.operations import record
from ..contests.models import Board, Edition, EditionField
from ..contests.national_flag import NationalEdition, is_national
from ..entries.models import Attachment, Author, Entry, EntrySource, EntryStatus
from ..extensions import db
from ..storage import get_storage, new_key
from ..timeutil import utcnow
from .models import NationalArrival
from .package import (
    Package,
    PackageError,
    local_key,
    open_package,
    sending_province,
    stream_member,
    write_package,
)

CODE_MAX = 40
SPOOL_MEMORY = 16 * 1024 * 1024


@dataclass
class ImportResult:
    """What an import did: entry codes (national) created, updated, unchanged."""

    province_name: str
    province_code: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    files_stored: int = 0
    stale_keys: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- national editions


def mark(edition: Edition, actor, national: bool = True) -> bool:
    """Flag ``edition`` as national (or not); audited. False when nothing changed. An
    edition that already received entries cannot be unflagged."""
    row = db.session.get(NationalEdition, edition.id)
    if national == (row is not None):
        return False
    if national:
        db.session.add(
            NationalEdition(edition_id=edition.id, marked_by_id=getattr(actor, "id", None))
        )
    else:
        if arrival_count(edition):
            raise PackageError(
                _("Lần thi này đã nhận sản phẩm từ các tỉnh: không bỏ đánh dấu toàn quốc được.")
            )
        db.session.delete(row)
    db.session.flush()
    record(actor, "national.mark", "edition", edition.id, edition=edition.slug, national=national)
    return True


def arrival_count(edition: Edition) -> int:
    """How many entries ``edition`` received from provinces."""
    return (
        db.session.scalar(
            select(func.count(NationalArrival.id)).where(NationalArrival.edition_id == edition.id)
        )
        or 0
    )


# ---------------------------------------------------------------- import


def national_code(province_code: str, source_code: str) -> str:
    """The entry's code in the national edition: ``<province code>-<source code>``."""
    return f"{province_code}-{source_code}"


def content_sha256(entry: dict) -> str:
    """SHA-256 of an entry's part of the manifest (tells a correction from a re-send)."""
    data = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _check_edition(package: Package, edition: Edition) -> dict[str, EditionField]:
    """The national edition's fields by code; PackageError naming every entry that does not
    fit (unknown field, code too long)."""
    if not is_national(edition):
        raise PackageError(
            _("“%(title)s” không phải lần thi toàn quốc (contest national mark).",
              title=edition.title)
        )  # fmt: skip
    fields = {f.code: f for f in edition.fields}
    problems = []
    province_code = package.province["code"]
    for entry in package.entries:
        code = entry["code"]
        if entry["field"]["code"] not in fields:
            problems.append(
                _("Sản phẩm %(code)s: lĩnh vực “%(field)s” không có trong lần thi toàn quốc.",
                  code=code, field=entry["field"].get("name") or entry["field"]["code"])
            )  # fmt: skip
        if len(national_code(province_code, code)) > CODE_MAX:
            problems.append(_("Sản phẩm %(code)s: mã sản phẩm quá dài.", code=code))
    if problems:
        raise PackageError("\n".join(problems))
    return fields


def import_package(package: Package, edition: Edition, actor) -> ImportResult:
    """Receive a verified package into the national ``edition`` (module docstring)."""
    fields = _check_edition(package, edition)
    boards = {
        b.code: b for b in db.session.scalars(select(Board).where(Board.edition_id == edition.id))
    }
    province = package.province
    result = ImportResult(province["name"], province["code"])
    known = {
        a.source_entry_code: a
        for a in db.session.scalars(
            select(NationalArrival).where(
                NationalArrival.edition_id == edition.id,
                NationalArrival.province_code == province["code"],
            )
        )
    }
    stored: list[str] = []
    now = utcnow()
    try:
        for data in package.entries:
            digest = content_sha256(data)
            arrival = known.get(data["code"])
            if arrival is not None and arrival.content_sha256 == digest:
                result.unchanged.append(arrival.entry.code)
                continue
            if arrival is None:
                code = national_code(province["code"], data["code"])
                entry = Entry(
                    edition_id=edition.id,
                    code=code,
                    status=EntryStatus.RECEIVED.value,
                    source=EntrySource.IMPORT.value,
                    submitted_at=now,
                    created_at=now,
                )
                db.session.add(entry)
                arrival = NationalArrival(
                    edition_id=edition.id,
                    province_code=province["code"],
                    source_entry_code=data["code"],
                    imported_at=now,
                    entry=entry,
                )
                db.session.add(arrival)
                result.created.append(code)
            else:
                entry = arrival.entry
                result.updated.append(entry.code)
            _fill_entry(entry, data, fields, boards, province["name"], now)
            _fill_authors(entry, data["authors"])
            stored_now, stale = _fill_files(package, entry, data, actor)
            stored.extend(stored_now)
            result.stale_keys.extend(stale)
            _fill_arrival(arrival, package, data, digest, actor, now)
            try:
                db.session.flush()
            except IntegrityError:
                raise PackageError(
                    _(
                        "Sản phẩm %(code)s: lần thi đã có sản phẩm mã %(national)s, hoặc gói "
                        "đang được tiếp nhận cùng lúc. Hãy thử lại.",
                        code=data["code"],
                        national=national_code(province["code"], data["code"]),
                    )
                ) from None
        result.files_stored = len(stored)
        record(
            actor,
            "national.import",
            "edition",
            edition.id,
            edition=edition.slug,
            province=province["name"],
            province_code=province["code"],
            source_edition=package.manifest["edition"].get("title"),
            package_sha256=package.sha256,
            created=result.created,
            updated=result.updated,
            unchanged=len(result.unchanged),
        )
        db.session.flush()
    except BaseException:
        storage = get_storage()
        for key in stored:
            storage.delete(key)
        raise
    return result


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _fill_entry(entry: Entry, data: dict, fields, boards, province_name: str, now) -> None:
    mentor = data.get("mentor") or {}
    board = data.get("board") or {}
    entry.title = data["title"][:300]
    entry.summary = data.get("summary") or ""
    entry.field_id = fields[data["field"]["code"]].id
    entry.board_id = boards[board["code"]].id if board.get("code") in boards else None
    entry.area_id = None
    entry.area_name = province_name[:200]
    entry.unit_name = (data.get("unit") or "")[:300]
    entry.mentor_name = (mentor.get("name") or "")[:200]
    entry.mentor_unit = (mentor.get("unit") or "")[:300]
    entry.mentor_phone = (mentor.get("phone") or "")[:40]
    entry.mentor_email = (mentor.get("email") or "")[:254]
    entry.applied_at = _date(data.get("applied_at"))
    entry.applied_where = data.get("applied_where") or ""
    entry.updated_at = now


def _fill_authors(entry: Entry, authors: list[dict]) -> None:
    """Replace the entry's authors by the package's (one representative)."""
    if entry.id is not None:
        for author in list(entry.authors):
            entry.authors.remove(author)
        db.session.flush()
    has_rep = any(a.get("is_representative") for a in authors)
    for position, a in enumerate(authors, start=1):
        entry.authors.append(
            Author(
                position=position,
                full_name=a["full_name"][:200],
                date_of_birth=_date(a.get("date_of_birth")),
                gender=a.get("gender") or "",
                ethnicity=(a.get("ethnicity") or "")[:50],
                organisation=(a.get("organisation") or "")[:300],
                class_or_position=(a.get("class_or_position") or "")[:200],
                phone=(a.get("phone") or "")[:40],
                email=(a.get("email") or "")[:254],
                is_representative=bool(a.get("is_representative"))
                or (not has_rep and position == 1),
            )
        )


def _fill_files(package: Package, entry: Entry, data: dict, actor) -> tuple[list[str], list[str]]:
    """Make the entry's attachments those of the package: keep the identical ones, store the
    new ones; returns (keys stored, keys no longer used)."""
    existing: dict[tuple[str, str, str], list[Attachment]] = {}
    for attachment in list(entry.attachments):
        existing.setdefault(
            (attachment.kind, attachment.original_name, attachment.sha256), []
        ).append(attachment)
    storage = get_storage()
    stored: list[str] = []
    for meta in data["attachments"]:
        same = existing.get((meta["kind"], meta["name"], meta["sha256"]))
        if same:
            same.pop()
            continue
        key = _store(package, storage, meta, data["code"])
        stored.append(key)
        entry.attachments.append(
            Attachment(
                kind=meta["kind"],
                original_name=meta["name"][:255],
                storage_key=key,
                content_type=meta["content_type"],
                size_bytes=meta["size"],
                sha256=meta["sha256"],
                uploaded_by_id=getattr(actor, "id", None),
            )
        )
    stale = []
    for leftovers in existing.values():
        for attachment in leftovers:
            stale.append(attachment.storage_key)
            entry.attachments.remove(attachment)
    return stored, stale


def _store(package: Package, storage, meta: dict, code: str) -> str:
    """Copy one member of the package into storage (streamed, hash checked again)."""
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    partial = spool / f"{secrets.token_hex(16)}.part"
    try:
        with open(partial, "wb") as target:
            digest, size = stream_member(package.archive, meta["path"], target, code, meta["name"])
        if digest != meta["sha256"] or size != meta["size"]:
            raise PackageError(
                _("Sản phẩm %(code)s: tệp “%(name)s” bị hỏng hoặc bị thay đổi (mã băm SHA-256 "
                  "không khớp với manifest.json).", code=code, name=meta["name"])
            )  # fmt: skip
        key = new_key("attachments", meta["content_type"])
        storage.put(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return key


def _fill_arrival(
    arrival: NationalArrival, package: Package, data: dict, digest, actor, now
) -> None:
    result = data.get("result") or {}
    edition = package.manifest.get("edition") or {}
    score = result.get("score")
    arrival.province_name = package.province["name"][:200]
    arrival.source_edition_slug = (edition.get("slug") or "")[:80]
    arrival.source_edition_title = (edition.get("title") or "")[:300]
    arrival.prize_name = (result.get("prize_name") or "")[:300]
    arrival.prize_position = (
        result.get("prize_position") if isinstance(result.get("prize_position"), int) else None
    )
    arrival.score = Decimal(str(score)) if score not in (None, "") else None
    arrival.rank = result.get("rank") if isinstance(result.get("rank"), int) else None
    version = package.manifest.get("publication_version")
    arrival.publication_version = version if isinstance(version, int) else None
    arrival.files_expected = len(data["attachments"])
    arrival.package_sha256 = package.sha256
    arrival.content_sha256 = digest
    arrival.updated_at = now
    arrival.imported_by_id = getattr(actor, "id", None)


def import_file(source, edition: Edition, actor, key: bytes) -> ImportResult:
    """Verify the package in ``source`` (seekable binary file) with ``key`` and import it."""
    package = open_package(source, key)
    try:
        return import_package(package, edition, actor)
    finally:
        package.archive.close()


# ---------------------------------------------------------------- same instance, one step


def send_same_instance(
    source: Edition, target: Edition, actor, province_name: str | None = None
) -> ImportResult:
    """Send ``source``'s national selection to the national edition ``target`` on this
    instance: the same package as between instances, built in a spooled temporary file and
    imported by the same code."""
    if source.id == target.id:
        raise PackageError(_("Không gửi được một lần thi vào chính nó."))
    if not is_national(target):
        raise PackageError(_("Hãy chọn một lần thi toàn quốc."))
    if province_name is None and source.province is not None:
        province_name = source.province.code or source.province.name
    province = sending_province(province_name)
    key = local_key()
    storage = get_storage()
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, dir=str(spool)) as buffer:
        write_package(buffer, source, province, key, utcnow())
        return import_file(buffer, target, actor, key)


def delete_stale(keys: list[str]) -> None:
    """Remove files replaced by a correction (after the commit)."""
    storage = get_storage()
    for key in keys:
        storage.delete(key)
