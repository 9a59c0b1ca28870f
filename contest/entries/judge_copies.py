"""What judges receive of an entry's files (blind judging, RULES.md §4).

Two rules, one per function:

* :func:`judges_may_see` — each attachment kind of an edition is for judges or for organizers
  only (``Edition.organizer_only_attachments``; the built-in templates keep the unit's
  confirmation, the registration form and the identity documents, which name the unit or the
  authors by design, from judges). An organizer-only file never
  reaches a judge: not on a page, in a download, a ZIP, a paper packet or an export.
* :func:`judge_copy` — judges download a copy without the file's metadata
  (:mod:`.metadata_strip`: PDF, DOCX, JPEG, PNG, WebP). The original stays for organizers,
  the owner and the area's coordinators. The copy is made on the first judge download and
  kept under a key derived from the original's SHA-256 (the same bytes give the same copy, so
  two judges asking at once store the same file, and no column records it); it is deleted
  with the original. If a copy cannot be made (a damaged file), the judge gets a refusal —
  never the original. Other types (video, archives, installers) are served as uploaded.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .. import file_types as ft
from ..errors import UserError
from ..storage import Storage, get_storage, valid_key
from .metadata_strip import STRIPPABLE, StripFailed, strip_file

#: Storage category of the copies; the number changes when the stripping does, so that
#: copies made by an older version are made again.
COPY_CATEGORY = "judgecopy1"


class JudgeCopyUnavailable(UserError):
    """No metadata-free copy of the file can be made; ``message`` says so (Vietnamese)."""

    message = _l(
        "Không thể gửi tệp này cho giám khảo: hệ thống không tạo được bản sao đã xoá thông tin "
        "tác giả (tệp có thể bị hỏng hoặc được mã hoá). Vui lòng báo Ban Tổ chức để thay tệp."
    )

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__()


@dataclass(frozen=True)
class JudgeCopy:
    """The stored file a judge receives: its key and content type."""

    storage_key: str
    content_type: str


def judges_may_see(edition, kind: str) -> bool:
    """True unless attachments of ``kind`` are for organizers only in ``edition``."""
    return edition.judges_may_see(kind)


def visible_to_judges(entry) -> list:
    """The attachments of ``entry`` judges may receive, in the entry's order."""
    return [a for a in entry.attachments if judges_may_see(entry.edition, a.kind)]


def copy_key(attachment) -> str | None:
    """The storage key of the judges' copy of ``attachment`` (None: served as uploaded)."""
    if attachment.content_type not in STRIPPABLE or not attachment.sha256:
        return None
    digest = attachment.sha256.lower()
    return f"{COPY_CATEGORY}/{digest[:2]}/{digest[:32]}.{ft.EXTENSIONS[attachment.content_type]}"


def judge_copy(attachment, storage: Storage | None = None) -> JudgeCopy:
    """The file a judge receives for ``attachment``: its metadata-free copy (made now if
    missing), or the original for types that carry no such metadata. Raises
    :class:`JudgeCopyUnavailable`. Does not check who asks: see :func:`judges_may_see` and
    the judging routes."""
    key = copy_key(attachment)
    if key is None:
        return JudgeCopy(attachment.storage_key, attachment.content_type)
    storage = storage or get_storage()
    if not storage.exists(key):
        make_copy(attachment, key, storage)
    return JudgeCopy(key, attachment.content_type)


def make_copy(attachment, key: str, storage: Storage) -> None:
    """Strip the original of ``attachment`` into a spooled file, check it is still of its
    type, and put it under ``key`` (an atomic replace). Raises :class:`JudgeCopyUnavailable`."""
    if not valid_key(key):
        raise JudgeCopyUnavailable("malformed key")
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    source = storage.local_path(attachment.storage_key)
    fetched = None
    target = spool / f"{token}.copy.part"
    try:
        if source is None or not source.is_file():
            fetched = spool / f"{token}.orig.part"
            try:
                with storage.open(attachment.storage_key) as handle, open(fetched, "wb") as out:
                    shutil.copyfileobj(handle, out)
            except (FileNotFoundError, ValueError) as exc:
                raise JudgeCopyUnavailable(f"original missing: {exc}")
            source = fetched
        try:
            strip_file(source, target, attachment.content_type)
            _ensure_type(target, attachment.content_type)
        except StripFailed as exc:
            raise JudgeCopyUnavailable(str(exc))
        storage.put(target, key)
    finally:
        target.unlink(missing_ok=True)
        if fetched is not None:
            fetched.unlink(missing_ok=True)


def _ensure_type(path, content_type: str) -> None:
    """The copy must still be what the original was (a stripper that broke it fails)."""
    with open(path, "rb") as handle:
        head = handle.read(ft.HEAD_SIZE)
    sniffed = ft.sniff(head)
    try:
        if sniffed is None or ft.refine(path, sniffed[0]) != content_type:
            raise StripFailed("the copy is not of the original's type")
        ft.ensure_complete(path, content_type)
    except ft.Malformed as exc:
        raise StripFailed(str(exc))


def forget_copy(attachment, storage: Storage | None = None) -> None:
    """Delete the judges' copy of ``attachment`` (made again from another attachment with
    the same bytes when a judge asks for it)."""
    key = copy_key(attachment)
    if key is not None:
        (storage or get_storage()).delete(key)
