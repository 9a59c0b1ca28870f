"""The national dossier (hồ sơ gửi Trung ương): one ZIP of the selected entries, built by the
``national.dossier`` job.

Layout of the archive::

    Danh_sach_gui_du_thi_toan_quoc.xlsx       the list (STT, mã, tên, tác giả, đơn vị, lĩnh
                                              vực, giải, điểm, lý do chọn, thư mục)
    01_STTN26-HT-001_may-phun-thuoc-tu-dong/  one folder per selected entry, numbered in the
        Phieu_dang_ky_STTN26-HT-001.pdf       list's order: the registration form with the
        <every attachment, original name>     provincial result, and every file of the entry
    02_…/

Attachments keep their original names, made safe for every operating system (no path
separators, reserved characters or names, at most 120 characters; two files of the same
name get " (2)"). Folder names are ASCII: number, entry code and a slug of the title.

The registration data (title, authors, unit, area, field) is the entry's as it is now — the
national organizers need current contact details, and the list and the forms must agree —
while the prize, score and rank are the published ones (the current publication).

Memory stays bounded: each attachment is streamed from storage into the archive in chunks
(a video is never read whole), and hashed on the way — a file missing from storage, or whose
SHA-256 no longer matches the one recorded at upload, is listed in the job's result and in a
``TEP_CON_THIEU.txt`` of the entry's folder instead of failing the whole dossier. The archive is
written to the storage's spool folder under a temporary name, then put in place under a new
key in one step (a rename on local storage): a download never sees a half-written file, and
a worker killed mid-way leaves only a spooled ``.part`` file, swept after a day. The job's
result holds the storage key. Only the newest ``KEEP`` dossiers of an edition are kept: older
files are deleted from storage and their jobs marked ``removed``.

The forms are in Vietnamese whatever the organizer's UI language: they go to the national
organizers.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import file_types
from ..contests.models import Edition
from ..entries.models import Attachment, Entry
from ..errors import UserError
from ..extensions import db
from ..jobs.models import Job, JobStatus
from ..jobs.operations import Progress, create_job, job_handler
from ..storage import CHUNK_SIZE, Storage, get_storage, new_key
from ..tabular import write_xlsx
from ..timeutil import to_local, utcnow
from . import paper as national_paper
from . import selection as national

KIND = "national.dossier"
CATEGORY = "national"
KEEP = 3
LIST_NAME = "Danh_sach_gui_du_thi_toan_quoc.xlsx"
MISSING_NAME = "TEP_CON_THIEU.txt"
NAME_MAX = 120
SLUG_MAX = 40

#: Types already compressed: stored as they are (deflating a video costs time for nothing).
COMPRESSED = {
    file_types.DOCX,
    file_types.PNG,
    file_types.JPEG,
    file_types.WEBP,
    file_types.HEIC,
    file_types.MP4,
    file_types.MOV,
    file_types.WEBM,
    file_types.MKV,
    file_types.ZIP,
    file_types.SEVEN_Z,
    file_types.RAR,
    file_types.TAR_GZ,
    file_types.APK,
}

_RESERVED = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_NAMES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(10)
}


class DossierError(UserError):
    """The dossier cannot be built (translated message)."""


# ---------------------------------------------------------------- names


def ascii_slug(text: str, max_len: int = SLUG_MAX) -> str:
    """``text`` as lower-case ASCII words joined by "-" (Vietnamese letters lose their marks,
    đ → d), cut at a word boundary to at most ``max_len`` characters."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_len:
            break
        out = candidate
    return out or (words[0][:max_len] if words else "")


def safe_name(name: str | None, fallback: str = "tep") -> str:
    """A file name safe in a ZIP on every system: NFC, no separators, control or reserved
    characters, no leading/trailing dots or spaces, not a reserved Windows name, at most
    ``NAME_MAX`` characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _RESERVED.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        name = fallback
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    if stem.upper() in _WINDOWS_NAMES:
        stem = "_" + stem
    ext = ext[:10]
    stem = stem[: NAME_MAX - len(ext) - 1].rstrip(" .") or fallback
    return f"{stem}.{ext}" if ext else stem


class UniqueNames:
    """Hands out names unique within one folder (case-insensitively): "a.pdf", "a (2).pdf"."""

    def __init__(self):
        self.taken: set[str] = set()

    def take(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, ext = name, ""
        candidate, n = name, 1
        while candidate.casefold() in self.taken:
            n += 1
            candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        self.taken.add(candidate.casefold())
        return candidate


def folder_name(number: int, code: str, title: str, width: int = 2) -> str:
    """``01_STTN26-HT-001_may-phun-thuoc`` (ASCII)."""
    code_part = re.sub(r"[^A-Za-z0-9-]+", "_", ascii_slug_keep_case(code)).strip("_") or "X"
    slug = ascii_slug(title)
    return f"{number:0{width}d}_{code_part}" + (f"_{slug}" if slug else "")


def ascii_slug_keep_case(text: str) -> str:
    """``text`` without Vietnamese marks (case kept)."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


# ---------------------------------------------------------------- archive writing


def _zip_time(now: datetime) -> tuple:
    local = to_local(now)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def copy_stored(
    archive: zipfile.ZipFile, name: str, storage: Storage, attachment: Attachment, when: tuple
) -> bool:
    """Stream ``attachment``'s stored bytes into ``archive`` as ``name``, chunk by chunk;
    True when the bytes match the SHA-256 recorded at upload. FileNotFoundError when the
    file is gone from storage (nothing is added then)."""
    source = storage.open(attachment.storage_key)
    with source:
        info = zipfile.ZipInfo(name, date_time=when)
        info.compress_type = (
            zipfile.ZIP_STORED if attachment.content_type in COMPRESSED else zipfile.ZIP_DEFLATED
        )
        info.file_size = attachment.size_bytes
        digest = hashlib.sha256()
        big = attachment.size_bytes > (1 << 30)
        with archive.open(info, "w", force_zip64=big) as target:
            while chunk := source.read(CHUNK_SIZE):
                digest.update(chunk)
                target.write(chunk)
    return digest.hexdigest() == attachment.sha256


def _write_bytes(archive: zipfile.ZipFile, name: str, data: bytes, when: tuple) -> None:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def list_headers() -> list[str]:
    """The XLSX list's column headers."""
    return [
        _("STT"),
        _("Mã"),
        _("Tên sản phẩm, giải pháp"),
        _("Tác giả"),
        _("Đơn vị"),
        _("Lĩnh vực"),
        _("Giải"),
        _("Điểm"),
        _("Lý do chọn"),
        _("Thư mục hồ sơ"),
    ]


def list_rows(
    items: Iterable[national.Item], entries: dict[int, Entry], folders: dict[int, str]
) -> Iterable[list[Any]]:
    """One row per selected entry: its registration data as the forms print it, its
    published prize and score, why it was chosen and its folder."""
    for item in items:
        published = item.entry
        entry = entries[published.entry_id]
        yield [
            item.number,
            published.entry_code,
            entry.title,
            "; ".join(a.full_name for a in sorted(entry.authors, key=lambda a: a.position)),
            entry.unit_label,
            entry.field.name if entry.field else published.field_name,
            published.prize_name,
            published.score,
            item.why(),
            folders[published.entry_id],
        ]


# ---------------------------------------------------------------- the job


def create_dossier_job(edition: Edition, user=None) -> Job:
    """Add a pending dossier job for ``edition`` (flushes; ``jobs.operations.commit``
    dispatches it)."""
    count = len(national.selection(edition).items)
    return create_job(KIND, {"edition_id": edition.id}, user=user, total=count + 1)


def dossier_jobs(edition: Edition, limit: int = 20) -> list[Job]:
    """The edition's recent dossier jobs, newest first."""
    jobs = db.session.scalars(
        select(Job).where(Job.kind == KIND).order_by(Job.id.desc()).limit(limit * 10)
    )
    return [j for j in jobs if (j.params or {}).get("edition_id") == edition.id][:limit]


def download_key(job: Job, edition: Edition) -> str | None:
    """The storage key of ``job``'s archive when it is a finished dossier of ``edition``
    whose file is still kept; else None."""
    if job.kind != KIND or (job.params or {}).get("edition_id") != edition.id:
        return None
    result = job.result or {}
    if job.status != JobStatus.SUCCEEDED.value or result.get("removed"):
        return None
    return result.get("storage_key")


@job_handler(KIND, label=_l("Tạo hồ sơ gửi Trung ương"))
def build_dossier(job: Job, progress: Progress) -> dict[str, Any]:
    """Build the edition's dossier archive (module docstring); returns its storage key."""
    with force_locale("vi"):
        return _build(job, progress)


def load_entries(ids: list[int]) -> dict[int, Entry]:
    """The entries ``ids`` with their authors, files, field, board, unit and area, by id."""
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.id.in_(ids))
        .options(
            selectinload(Entry.authors),
            selectinload(Entry.attachments),
            selectinload(Entry.field),
            selectinload(Entry.board),
            selectinload(Entry.unit),
            selectinload(Entry.area),
        )
    )
    return {e.id: e for e in entries}


def _build(job: Job, progress: Progress) -> dict[str, Any]:
    edition = db.session.get(Edition, (job.params or {}).get("edition_id"))
    if edition is None:
        raise DossierError(_("Không còn lần thi này."))
    chosen = national.selection(edition)
    items, publication = chosen.items, chosen.publication
    if not items or publication is None:
        raise DossierError(_("Danh sách gửi dự thi toàn quốc đang trống."))
    total = len(items) + 1
    progress(0, total, _("Đang chuẩn bị hồ sơ"))
    ids = [i.entry.entry_id for i in items]
    entries = load_entries(ids)
    scores = national_paper.score_summaries(edition, publication, [i.entry for i in items])
    width = max(2, len(str(len(items))))
    folders = {
        i.entry.entry_id: folder_name(
            _number(i), i.entry.entry_code, entries[i.entry.entry_id].title, width
        )
        for i in items
    }
    storage = get_storage()
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    partial = spool / f"{secrets.token_hex(16)}.part"
    when = _zip_time(utcnow())
    problems: list[str] = []
    files = 0
    try:
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            for done, item in enumerate(items, start=1):
                entry = entries[item.entry.entry_id]
                form = national_paper.form_data(
                    _number(item), entry, item.entry, scores[entry.id], publication, item.why()
                )
                copied, missing = _pack_entry(
                    archive, folders[entry.id] + "/", entry, form, storage, when
                )
                files += copied
                problems.extend(f"{item.entry.entry_code} — {m}" for m in missing)
                progress(done, total, _("Đã đóng gói %(code)s", code=item.entry.entry_code))
            table = io.BytesIO()
            write_xlsx(
                table,
                list_headers(),
                list_rows(items, entries, folders),
                title=_("Danh sách gửi dự thi"),
            )
            _write_bytes(archive, LIST_NAME, table.getvalue(), when)
        size = partial.stat().st_size
        key = new_key(CATEGORY, file_types.ZIP)
        storage.put(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    progress(total, total, _("Hoàn thành"))
    _prune(edition, job.id, storage)
    return {
        "storage_key": key,
        "edition_id": edition.id,
        "edition_slug": edition.slug,
        "publication_version": publication.version,
        "entries": len(items),
        "codes": [i.entry.entry_code for i in items],
        "files": files,
        "size_bytes": size,
        "problems": problems,
    }


def _pack_entry(
    archive: zipfile.ZipFile,
    folder: str,
    entry: Entry,
    form: national_paper.FormData,
    storage: Storage,
    when: tuple,
) -> tuple[int, list[str]]:
    """One entry's folder: its attachments (streamed), then its registration form, which
    lists them under the names they have in the folder and marks those that could not be
    copied. Returns (files copied, problems)."""
    names = UniqueNames()
    pdf_name = names.take(f"Phieu_dang_ky_{safe_name(entry.code)}.pdf")
    copied, missing, files = 0, [], []
    for attachment in entry.attachments:
        name = names.take(safe_name(attachment.original_name))
        note = ""
        try:
            intact = copy_stored(archive, folder + name, storage, attachment, when)
        except (FileNotFoundError, ValueError):
            note = _("không tìm thấy tệp trong kho lưu trữ, chưa gửi kèm")
        else:
            copied += 1
            if not intact:
                note = _("nội dung khác với tệp đã nộp")
        if note:
            missing.append(f"{name}: {note}")
        files.append(
            national_paper.FileLine(
                national_paper.file_label(attachment.kind), name, attachment.size_bytes, note
            )
        )
    form.attachments = files
    _write_bytes(archive, folder + pdf_name, national_paper.render_pdf(form), when)
    if missing:
        text = "\n".join(missing) + "\n"
        _write_bytes(archive, folder + MISSING_NAME, text.encode("utf-8"), when)
    return copied, missing


def _number(item: national.Item) -> int:
    """``item``'s number in the list sent (every selected item has one)."""
    assert item.number is not None  # selection numbers the items it selects
    return item.number


def _prune(edition: Edition, current_id: int, storage: Storage) -> None:
    """Keep the newest ``KEEP`` dossiers of ``edition`` (this one included): delete older
    archives from storage and mark their jobs ``removed``."""
    older = [
        j
        for j in dossier_jobs(edition, limit=1000)
        if j.id != current_id and download_key(j, edition)
    ]
    for job in older[KEEP - 1 :]:
        assert job.result is not None  # download_key found its storage key
        storage.delete(job.result["storage_key"])
        job.result = {**job.result, "removed": True}
    db.session.flush()
