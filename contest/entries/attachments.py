"""Entry attachments: the per-kind policy, and the upload, delete and lookup operations.

Policy (RULES §3): each attachment kind accepts a few types — decided by the file's
content (:mod:`contest.file_types`), never by its name — up to the size limit of its group
(config ``ATTACHMENT_<GROUP>_MAX_BYTES``: documents 20 MB, images 10 MB, video 500 MB,
archives 100 MB). Photos may be many (up to ``ATTACHMENT_MAX_PHOTOS``); every other kind holds
one file, and a new upload replaces the previous one (its file is deleted after the commit).

The operations take the acting user, check at the write that they may change the entry
(:func:`contest.entries.access.ensure_can_edit`: the owner and the area's coordinators while
submissions are open for the entry's area and its status allows it; organizers at any time,
e.g. for entries that arrived on paper), audit, flush and never commit. The stored files they
create or orphan are listed in a :class:`FileChanges` the view settles after its commit or
rollback, so a refusal or a failed transaction leaves no file and no row behind.

Who may download: whoever may see the entry (:func:`load_attachment` uses the one visibility
rule, :func:`contest.entries.access.scope_clause`). People who see it through another rule
(judges) get :func:`blind_name` instead of the original name, which may hold an author's
name, and a copy without the file's metadata (:mod:`.judge_copies`), never the original.

A file is named after what it is: the display name's extension follows the detected type
(:func:`.attachment_messages.name_with_extension`; a PDF is always ``.pdf``, whatever name it
was uploaded under), and so does the download name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import file_types as ft
from ..audit.operations import record
from ..contests.models import ATTACHMENT_KINDS
from ..extensions import db
from ..storage import MIB, MalformedFile, Storage, StorageError, StoredFile, get_storage
from ..timeutil import utcnow
from . import access, completeness, judge_copies, thumbnails
from .attachment_messages import (  # noqa: F401 - part of this module's interface
    clean_file_name,
    download_extension,
    format_size,
    name_with_extension,
    refusal_message,
)
from .models import Attachment, Entry, EntryStatus
from .operations import flush_entry
from .states import EntryError

CATEGORY = "entries"
THUMBNAIL_CATEGORY = "thumbs"

DOCUMENTS, IMAGES, VIDEO, ARCHIVES = "documents", "images", "video", "archives"
GROUP_LIMIT_KEYS = {
    DOCUMENTS: "ATTACHMENT_DOCUMENTS_MAX_BYTES",
    IMAGES: "ATTACHMENT_IMAGES_MAX_BYTES",
    VIDEO: "ATTACHMENT_VIDEO_MAX_BYTES",
    ARCHIVES: "ATTACHMENT_ARCHIVES_MAX_BYTES",
}
GROUP_DEFAULTS = {DOCUMENTS: 20 * MIB, IMAGES: 10 * MIB, VIDEO: 500 * MIB, ARCHIVES: 100 * MIB}


@dataclass(frozen=True)
class KindPolicy:
    """What one attachment kind accepts."""

    kind: str
    group: str
    types: tuple[str, ...]
    multiple: bool = False

    @property
    def max_bytes(self) -> int:
        """The size limit of the kind's group (from the config)."""
        key = GROUP_LIMIT_KEYS[self.group]
        return int(current_app.config.get(key, GROUP_DEFAULTS[self.group]))

    @property
    def label(self) -> str:
        """The kind's Vietnamese name."""
        return completeness.attachment_label(self.kind)

    @property
    def types_label(self) -> str:
        """The accepted types, e.g. ``PDF, DOCX``."""
        return ", ".join(ft.TYPE_NAMES[t] for t in self.types)

    @property
    def accept(self) -> str:
        """A hint for the file picker (``accept``); the server decides by content anyway."""
        hints = []
        for content_type in self.types:
            extension = ft.DOWNLOAD_EXTENSIONS.get(content_type, ft.EXTENSIONS[content_type])
            hints += [content_type, "." + extension]
            if content_type == ft.JPEG:
                hints.append(".jpeg")
            if content_type == ft.TAR_GZ:
                hints.append(".tgz")
        return ",".join(hints)


_DOCS = (ft.PDF, ft.DOCX)
POLICIES: dict[str, KindPolicy] = {
    "description": KindPolicy("description", DOCUMENTS, _DOCS),
    "full_text": KindPolicy("full_text", DOCUMENTS, _DOCS),
    "instructions": KindPolicy("instructions", DOCUMENTS, _DOCS),
    "unit_confirmation": KindPolicy("unit_confirmation", DOCUMENTS, (*_DOCS, ft.JPEG, ft.PNG)),
    "registration_form": KindPolicy("registration_form", DOCUMENTS, (*_DOCS, ft.JPEG, ft.PNG)),
    "identity_document": KindPolicy(
        "identity_document", DOCUMENTS, (ft.PDF, ft.JPEG, ft.PNG), multiple=True
    ),
    "photos": KindPolicy("photos", IMAGES, (ft.JPEG, ft.PNG, ft.WEBP), multiple=True),
    "video": KindPolicy("video", VIDEO, (ft.MP4, ft.WEBM, ft.MOV)),
    "source_code": KindPolicy("source_code", ARCHIVES, (ft.ZIP, ft.SEVEN_Z, ft.RAR, ft.TAR_GZ)),
    "installer": KindPolicy("installer", ARCHIVES, (ft.ZIP, ft.EXE, ft.APK, ft.MSI)),
}
assert set(POLICIES) == set(ATTACHMENT_KINDS), "every attachment kind needs a policy"


class AttachmentRefused(EntryError):
    """An upload or a removal was refused; ``message`` says why (Vietnamese)."""


@dataclass
class FileChanges:
    """Stored files touched by one transaction: ``added`` are deleted if it fails, ``removed``
    once it has committed (no committed row ever points to a missing file)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def committed(self, storage: Storage | None = None) -> None:
        """The transaction committed: delete the files no row points to any more."""
        storage = storage or get_storage()
        for key in self.removed:
            storage.delete(key)
        self.added, self.removed = [], []

    def rolled_back(self, storage: Storage | None = None) -> None:
        """The transaction failed: delete the files it stored."""
        storage = storage or get_storage()
        for key in self.added:
            storage.delete(key)
        self.added, self.removed = [], []


def policy_for(kind: str) -> KindPolicy:
    """The policy of ``kind`` (:class:`AttachmentRefused` for an unknown kind)."""
    try:
        return POLICIES[kind]
    except KeyError:
        raise AttachmentRefused(_("Loại tệp đính kèm không hợp lệ."))


def max_photos() -> int:
    """How many photos an entry may hold."""
    return int(current_app.config.get("ATTACHMENT_MAX_PHOTOS", 20))


def _inspector(extra: dict):
    """The extra checks of a spooled upload: a PDF must be complete, an image must decode
    (its thumbnail is kept in ``extra['thumbnail']``)."""

    def inspect(path, content_type: str) -> None:
        try:
            ft.ensure_complete(path, content_type)
        except ft.Malformed:
            raise MalformedFile()
        if content_type in ft.IMAGE_TYPES:
            limit = int(current_app.config.get("ATTACHMENT_MAX_IMAGE_PIXELS", 64_000_000))
            extra["thumbnail"] = thumbnails.make_thumbnail(path, content_type, limit)

    return inspect


def store_file(
    stream: BinaryIO, policy: KindPolicy, storage: Storage, changes: FileChanges
) -> tuple[StoredFile, str | None]:
    """Store a file ``policy`` accepts, and its thumbnail when it is an image; return the
    stored file and the thumbnail's key. Raises :class:`StorageError` (nothing stored)."""
    extra: dict = {}
    stored = storage.save(
        stream,
        CATEGORY,
        allowed=policy.types,
        max_bytes=policy.max_bytes,
        inspect=_inspector(extra),
    )
    changes.added.append(stored.key)
    thumbnail_key = None
    if "thumbnail" in extra:
        thumbnail_key = storage.save_bytes(extra["thumbnail"], THUMBNAIL_CATEGORY, ft.JPEG).key
        changes.added.append(thumbnail_key)
    return stored, thumbnail_key


@dataclass(frozen=True)
class Received:
    """An upload stored and checked, not yet attached: its display name, the stored file
    and its thumbnail's key."""

    name: str
    stored: StoredFile
    thumbnail_key: str | None


def check_upload(
    entry: Entry, kind: str, actor, *, files: int = 1, now: datetime | None = None
) -> KindPolicy:
    """Raise unless ``actor`` may add ``files`` files of ``kind`` to ``entry`` now; called
    before the body is read, not to waste an upload that would be refused."""
    policy = policy_for(kind)
    access.ensure_can_edit(actor, entry, now)
    _ensure_room(entry, policy, adding=files)
    return policy


def receive(
    kind: str,
    stream: BinaryIO,
    filename: str | None,
    *,
    changes: FileChanges,
    storage: Storage | None = None,
) -> Received:
    """Stream ``stream`` into storage and check it against the policy of ``kind``. No
    database access: the caller may hold no transaction while a long upload streams.
    Raises :class:`AttachmentRefused` (nothing stored)."""
    policy = policy_for(kind)
    name = clean_file_name(filename, fallback=kind)
    try:
        stored, thumbnail_key = store_file(stream, policy, storage or get_storage(), changes)
    except StorageError as exc:
        raise AttachmentRefused(refusal_message(exc, policy, name))
    return Received(name_with_extension(name, stored.content_type), stored, thumbnail_key)


def attach(
    entry: Entry,
    kind: str,
    received: Received,
    actor,
    *,
    changes: FileChanges,
    now: datetime | None = None,
) -> Attachment:
    """Attach a received file to ``entry`` — the write, where the actor's right, the
    timeline (the deadline may have passed while the file streamed) and the photo limit are
    checked again. A single-file kind replaces its previous file."""
    policy = policy_for(kind)
    now = now or utcnow()
    db.session.refresh(entry)
    access.ensure_can_edit(actor, entry, now)
    _ensure_room(entry, policy)
    replaced = [] if policy.multiple else [a for a in entry.attachments if a.kind == kind]
    for old in replaced:
        _forget(entry, old, changes)
    stored = received.stored
    attachment = Attachment(
        kind=kind,
        original_name=received.name,
        storage_key=stored.key,
        content_type=stored.content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        thumbnail_key=received.thumbnail_key,
        uploaded_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    entry.attachments.append(attachment)
    entry.updated_at = now
    flush_entry()
    record(
        actor,
        "entry.attachment_add",
        "entry",
        entry.id,
        attachment_id=attachment.id,
        kind=kind,
        name=received.name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        replaced=[old.original_name for old in replaced],
    )
    return attachment


def upload(
    entry: Entry,
    kind: str,
    stream: BinaryIO,
    filename: str | None,
    actor,
    *,
    changes: FileChanges,
    now: datetime | None = None,
    storage: Storage | None = None,
) -> Attachment:
    """:func:`check_upload`, :func:`receive` and :func:`attach` in one call."""
    check_upload(entry, kind, actor, now=now)
    received = receive(kind, stream, filename, changes=changes, storage=storage)
    return attach(entry, kind, received, actor, changes=changes, now=now)


def _ensure_room(entry: Entry, policy: KindPolicy, adding: int = 1) -> None:
    """Refuse photos beyond ``ATTACHMENT_MAX_PHOTOS``."""
    if not policy.multiple:
        return
    count = sum(1 for a in entry.attachments if a.kind == policy.kind)
    if count + adding > max_photos():
        raise AttachmentRefused(
            _(
                "Mục “%(kind)s” đã có %(n)d tệp, là số tệp tối đa; hãy xoá bớt trước khi tải thêm.",
                kind=policy.label,
                n=count,
            )
        )


def _forget(entry: Entry, attachment: Attachment, changes: FileChanges) -> None:
    """Detach ``attachment`` from ``entry``; its files go once the transaction commits."""
    entry.attachments.remove(attachment)
    keys = (attachment.storage_key, attachment.thumbnail_key, judge_copies.copy_key(attachment))
    changes.removed += [k for k in keys if k]


def delete(
    attachment: Attachment,
    actor,
    *,
    changes: FileChanges,
    now: datetime | None = None,
) -> None:
    """Remove ``attachment``. A submitted entry must stay complete: the last file of a
    required kind can only be replaced (organizers excepted)."""
    entry = attachment.entry
    now = now or utcnow()
    access.ensure_can_edit(actor, entry, now)
    if (
        entry.status != EntryStatus.DRAFT
        and not access.is_organizer(actor)
        and attachment.kind in completeness.required_kinds(entry)
        and sum(1 for a in entry.attachments if a.kind == attachment.kind) == 1
    ):
        raise AttachmentRefused(
            _(
                "Hồ sơ đã nộp phải giữ mục “%(kind)s”: hãy tải tệp mới lên để thay thế thay "
                "vì xoá.",
                kind=completeness.attachment_label(attachment.kind),
            )
        )
    details = {
        "attachment_id": attachment.id,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "sha256": attachment.sha256,
    }
    _forget(entry, attachment, changes)
    entry.updated_at = now
    flush_entry()
    record(actor, "entry.attachment_delete", "entry", entry.id, **details)


def load_attachment(attachment_id: int, user) -> Attachment:
    """The attachment ``attachment_id`` if ``user`` may see its entry; 404 otherwise."""
    attachment = db.session.execute(
        select(Attachment)
        .join(Entry, Attachment.entry_id == Entry.id)
        .where(Attachment.id == attachment_id, access.scope_clause(user))
    ).scalar_one_or_none()
    if attachment is None:
        abort(404)
    return attachment


def shows_original_name(user, entry: Entry) -> bool:
    """True for organizers, the owner and the area's coordinators; everyone else who may see
    the entry (judges) gets blind names."""
    return access.is_organizer(user) or access.is_helper(user, entry)


def blind_name(attachment: Attachment) -> str:
    """A download name that says nothing about the authors: ``<code>-<kind>-<n>.<ext>``, the
    kind in Vietnamese without diacritics (``ban-thuyet-minh``, ``anh``)
    (``HS<id>`` while the entry has no code), ``n`` counting the kind's files from 1."""
    entry = attachment.entry
    prefix = entry.code or f"HS{entry.id}"
    same_kind = [a.id for a in entry.attachments if a.kind == attachment.kind]
    number = same_kind.index(attachment.id) + 1 if attachment.id in same_kind else 1
    extension = download_extension(attachment.content_type)
    from ..display import attachment_file_word

    return f"{prefix}-{attachment_file_word(attachment.kind)}-{number}.{extension}"


def download_name(attachment: Attachment, user) -> str:
    """The name ``user`` downloads ``attachment`` under."""
    if shows_original_name(user, attachment.entry):
        return name_with_extension(attachment.original_name, attachment.content_type)
    return blind_name(attachment)
