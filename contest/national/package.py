"""The province-to-national package: a ZIP that carries a province's national selection to
the national edition, on another instance or on this one.

Layout::

    manifest.json          what is sent (below), UTF-8 JSON
    manifest.sig           HMAC-SHA256 of manifest.json's bytes with the shared key, hex
    files/001/01_<name>    the attachments of the list's first entry, …

``manifest.json``::

    {"format": "contest-national-package", "format_version": 1,
     "province": {"name", "code"},                 the sending province (official code)
     "edition": {"slug", "title", "kind", "year", "number"},
     "exported_at": ISO 8601, "publication_version": int,
     "entries": [{"number", "code", "title", "summary", "field": {"code", "name"},
                  "board": {"code", "name"} | null, "area", "unit",
                  "mentor": {"name", "unit", "phone", "email"},
                  "applied_at", "applied_where",
                  "authors": [{"full_name", "date_of_birth", "gender", "ethnicity",
                               "organisation", "class_or_position", "phone", "email",
                               "is_representative"}],
                  "result": {"prize_code", "prize_name", "prize_position", "score", "rank"},
                  "attachments": [{"path", "name", "kind", "content_type", "size",
                                   "sha256"}]}]}

The entries are the selection of :func:`contest.national.selection.selection` (the list
sent), with the registration data as it is now and the result of the current publication.

The key is ``NATIONAL_PACKAGE_KEY`` (shared by the province and the national instance). On
one instance the package never leaves the process: it is signed with that key, or, when it is
not set, with a key derived from ``SECRET_KEY``.

Writing streams every attachment from storage into the archive in chunks, hashing it on the
way; a file missing from storage or whose bytes no longer match the SHA-256 recorded at upload
stops the export (a package must be complete). Reading (:func:`open_package`) checks, before
anything is written: the signature, the manifest's shape, that the archive holds exactly the
manifest's files (none missing, none unknown), and each file's size and SHA-256 (streamed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import file_types
from ..areas.models import Area, AreaLevel
from ..contests.models import ATTACHMENT_KINDS, Edition
from ..errors import UserError
from ..extensions import db
from ..storage import CHUNK_SIZE, get_storage
from . import selection as national
from .dossier import COMPRESSED, load_entries, safe_name

FORMAT = "contest-national-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MANIFEST_MAX = 16 * 1024 * 1024
BIG = 1 << 30
_PATH_RE = re.compile(r"files/[0-9]{3,5}/[0-9]{2,3}_[^/\\]{1,160}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,19}")


class PackageError(UserError):
    """The package cannot be written or is refused; ``message`` says why (translated)."""


# ---------------------------------------------------------------- key and signature


def package_key() -> bytes:
    """The shared signing key (``NATIONAL_PACKAGE_KEY``); PackageError when it is not set."""
    key = current_app.config.get("NATIONAL_PACKAGE_KEY") or os.environ.get("NATIONAL_PACKAGE_KEY")
    if not key:
        raise PackageError(_("Chưa đặt khóa ký gói hồ sơ (biến môi trường NATIONAL_PACKAGE_KEY)."))
    return key.encode("utf-8")


def local_key() -> bytes:
    """The key of a package that stays on this instance: the shared key when set, else one
    derived from ``SECRET_KEY``."""
    try:
        return package_key()
    except PackageError:
        secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
        return hmac.new(secret, b"contest national package", hashlib.sha256).digest()


def sign(manifest: bytes, key: bytes) -> str:
    """HMAC-SHA256 of ``manifest`` with ``key``, hex."""
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- the sending province


def sending_province(name: str | None = None) -> Area:
    """The province that sends: the root province of the area tree (``name`` chooses one when
    there are several). It must have its official code."""
    roots = list(
        db.session.scalars(
            select(Area)
            .where(Area.parent_id.is_(None), Area.level == AreaLevel.PROVINCE.value)
            .order_by(Area.position, Area.name)
        )
    )
    if name:
        wanted = " ".join(name.split()).casefold()
        roots = [a for a in roots if a.name.casefold() == wanted or a.code == name.strip()]
        if not roots:
            raise PackageError(_("Không có tỉnh “%(name)s” trong danh mục địa bàn.", name=name))
    if not roots:
        raise PackageError(
            _("Chưa có tỉnh trong danh mục địa bàn: hãy nạp địa bàn (contest areas seed).")
        )
    official = [a for a in roots if a.code]
    if len(roots) > 1 and len(official) == 1:
        roots = official
    if len(roots) > 1:
        raise PackageError(_("Danh mục có nhiều tỉnh: hãy chọn tỉnh gửi (--province)."))
    province = roots[0]
    if not province.code:
        raise PackageError(
            _("Tỉnh “%(name)s” chưa có mã chính thức: hãy nạp lại địa bàn.", name=province.name)
        )
    return province


# ---------------------------------------------------------------- writing


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _score(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def build_manifest(edition: Edition, province: Area, now: datetime) -> tuple[dict, list]:
    """The manifest of ``edition``'s national selection and the files to pack, as
    ``[(path in the archive, Attachment)]``. PackageError when the list is empty."""
    chosen = national.selection(edition)
    if not chosen.items or chosen.publication is None:
        raise PackageError(_("Danh sách gửi dự thi toàn quốc đang trống."))
    entries = load_entries([i.entry.entry_id for i in chosen.items])
    files: list = []
    out_entries = []
    for item in chosen.items:
        published, entry = item.entry, entries[item.entry.entry_id]
        attachments = []
        for index, attachment in enumerate(entry.attachments, start=1):
            path = f"files/{item.number:03d}/{index:02d}_{safe_name(attachment.original_name)}"
            attachments.append(
                {
                    "path": path,
                    "name": attachment.original_name,
                    "kind": attachment.kind,
                    "content_type": attachment.content_type,
                    "size": attachment.size_bytes,
                    "sha256": attachment.sha256,
                }
            )
            files.append((path, attachment))
        out_entries.append(
            {
                "number": item.number,
                "code": published.entry_code,
                "title": entry.title,
                "summary": entry.summary or "",
                "field": {"code": published.field_code, "name": published.field_name},
                "board": (
                    {"code": published.board_code, "name": published.board_name}
                    if published.board_code
                    else None
                ),
                "area": entry.area_label,
                "unit": entry.unit_label,
                "mentor": {
                    "name": entry.mentor_name or "",
                    "unit": entry.mentor_unit or "",
                    "phone": entry.mentor_phone or "",
                    "email": entry.mentor_email or "",
                },
                "applied_at": _iso(entry.applied_at),
                "applied_where": entry.applied_where or "",
                "authors": [
                    {
                        "full_name": a.full_name,
                        "date_of_birth": _iso(a.date_of_birth),
                        "gender": a.gender or "",
                        "ethnicity": a.ethnicity or "",
                        "organisation": a.organisation or "",
                        "class_or_position": a.class_or_position or "",
                        "phone": a.phone or "",
                        "email": a.email or "",
                        "is_representative": bool(a.is_representative),
                    }
                    for a in sorted(entry.authors, key=lambda a: a.position)
                ],
                "result": {
                    "prize_code": published.prize_code,
                    "prize_name": published.prize_name,
                    "prize_position": published.prize_position,
                    "score": _score(published.score),
                    "rank": published.rank,
                },
                "attachments": attachments,
            }
        )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "province": {"name": province.name, "code": province.code},
        "edition": {
            "slug": edition.slug,
            "title": edition.title,
            "kind": edition.kind,
            "year": edition.reference_date.year if edition.reference_date else None,
            "number": edition.number,
        },
        "exported_at": now.isoformat(),
        "publication_version": chosen.publication.version,
        "entries": out_entries,
    }
    return manifest, files


def manifest_bytes(manifest: dict) -> bytes:
    """The manifest as it is written (and signed)."""
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def write_package(
    target: IO[bytes], edition: Edition, province: Area, key: bytes, now: datetime
) -> dict:
    """Write the package of ``edition``'s selection into ``target`` (a writable binary
    file); returns the manifest. PackageError when a file is missing or damaged in storage
    (``target`` is then incomplete: the caller discards it)."""
    manifest, files = build_manifest(edition, province, now)
    data = manifest_bytes(manifest)
    when = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)
    storage = get_storage()
    codes = {path: entry["code"] for entry in manifest["entries"] for path in _paths(entry)}
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        archive.writestr(_info(MANIFEST, when, zipfile.ZIP_DEFLATED), data)
        archive.writestr(_info(SIGNATURE, when, zipfile.ZIP_STORED), sign(data, key))
        for path, attachment in files:
            compress = (
                zipfile.ZIP_STORED
                if attachment.content_type in COMPRESSED
                else zipfile.ZIP_DEFLATED
            )
            info = _info(path, when, compress)
            info.file_size = attachment.size_bytes
            digest, size = hashlib.sha256(), 0
            try:
                source = storage.open(attachment.storage_key)
            except (FileNotFoundError, ValueError):
                raise PackageError(
                    _(
                        "Sản phẩm %(code)s: không tìm thấy tệp “%(name)s” trong kho lưu trữ.",
                        code=codes[path],
                        name=attachment.original_name,
                    )
                ) from None
            with source, archive.open(info, "w", force_zip64=attachment.size_bytes > BIG) as out:
                while chunk := source.read(CHUNK_SIZE):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if digest.hexdigest() != attachment.sha256 or size != attachment.size_bytes:
                raise PackageError(
                    _(
                        "Sản phẩm %(code)s: tệp “%(name)s” trong kho khác với tệp đã nộp "
                        "(mã băm SHA-256 không khớp).",
                        code=codes[path],
                        name=attachment.original_name,
                    )
                )
    return manifest


def _paths(entry: dict) -> Iterable[str]:
    return (a["path"] for a in entry.get("attachments", []))


def _info(name: str, when: tuple, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = compress
    return info


# ---------------------------------------------------------------- reading


@dataclass
class Package:
    """A verified package: its manifest, the archive (open) and the package's SHA-256."""

    manifest: dict
    archive: zipfile.ZipFile
    sha256: str

    @property
    def province(self) -> dict:
        return self.manifest["province"]

    @property
    def entries(self) -> list[dict]:
        return self.manifest["entries"]


def file_sha256(source: IO[bytes]) -> str:
    """SHA-256 of a seekable file, streamed; the position is back at 0 after."""
    source.seek(0)
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def open_package(source: IO[bytes], key: bytes) -> Package:
    """Open and verify the package in ``source`` (a seekable binary file) — signature,
    manifest, the set of files, each file's size and SHA-256 — or raise PackageError naming
    the problem. Nothing is written."""
    whole = file_sha256(source)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise PackageError(_("Tệp không phải gói hồ sơ hợp lệ (không đọc được tệp ZIP).")) from None
    try:
        manifest = _verified_manifest(archive, key)
        _check_files(archive, manifest)
    except BaseException:
        archive.close()
        raise
    return Package(manifest, archive, whole)


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PackageError(_("Gói hồ sơ thiếu tệp %(name)s.", name=name)) from None
    if info.file_size > limit:
        raise PackageError(_("Tệp %(name)s của gói hồ sơ quá lớn.", name=name))
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise PackageError(_("Tệp %(name)s của gói hồ sơ bị hỏng.", name=name)) from None


def _verified_manifest(archive: zipfile.ZipFile, key: bytes) -> dict:
    data = _member(archive, MANIFEST, MANIFEST_MAX)
    signature = _member(archive, SIGNATURE, 1024).decode("ascii", "replace").strip()
    if not hmac.compare_digest(signature.lower(), sign(data, key)):
        raise PackageError(
            _(
                "Chữ ký của gói hồ sơ không hợp lệ: gói đã bị sửa sau khi ký, hoặc được ký "
                "bằng khóa khác (NATIONAL_PACKAGE_KEY)."
            )
        )
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackageError(_("Tệp manifest.json không đọc được.")) from None
    problems = manifest_problems(manifest)
    if problems:
        raise PackageError(
            _("Tệp manifest.json không hợp lệ:") + "\n" + "\n".join(f"- {p}" for p in problems)
        )
    return manifest


def _text(value: Any, maximum: int, required: bool = True) -> bool:
    return (
        isinstance(value, str) and len(value) <= maximum and (bool(value.strip()) or not required)
    )


def manifest_problems(manifest: Any) -> list[str]:
    """What is wrong with the manifest's shape (empty: nothing)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return [_("không phải gói hồ sơ gửi dự thi toàn quốc")]
    if manifest.get("format_version") != FORMAT_VERSION:
        return [_("phiên bản định dạng %(v)s không được hỗ trợ", v=manifest.get("format_version"))]
    problems = []
    province = manifest.get("province")
    if not (
        isinstance(province, dict)
        and _text(province.get("name"), 200)
        and isinstance(province.get("code"), str)
        and _CODE_RE.fullmatch(province["code"])
    ):
        problems.append(_("thiếu tên hoặc mã tỉnh gửi"))
    edition = manifest.get("edition")
    if not (isinstance(edition, dict) and _text(edition.get("title"), 300)):
        problems.append(_("thiếu thông tin lần thi"))
    entries = manifest.get("entries")
    if not isinstance(entries, list) or not entries:
        return [*problems, _("không có sản phẩm nào")]
    seen_codes: set[str] = set()
    seen_paths: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        problems.extend(_entry_problems(n, entry, seen_codes, seen_paths))
    return problems


def _entry_problems(n: int, entry: Any, codes: set, paths: set) -> list[str]:
    if not isinstance(entry, dict) or not _text(entry.get("code"), 40):
        return [_("sản phẩm thứ %(n)d: thiếu mã sản phẩm", n=n)]
    code = entry["code"]
    out = []
    if code in codes:
        out.append(_("sản phẩm %(code)s xuất hiện hai lần", code=code))
    codes.add(code)
    field = entry.get("field")
    if not _text(entry.get("title"), 300):
        out.append(_("sản phẩm %(code)s: thiếu tên sản phẩm", code=code))
    if not (isinstance(field, dict) and _text(field.get("code"), 20)):
        out.append(_("sản phẩm %(code)s: thiếu lĩnh vực", code=code))
    authors = entry.get("authors")
    if not isinstance(authors, list) or not all(
        isinstance(a, dict) and _text(a.get("full_name"), 200) for a in authors
    ):
        out.append(_("sản phẩm %(code)s: danh sách tác giả không hợp lệ", code=code))
    else:
        for a in authors:
            if a.get("gender", "") not in ("M", "F", "") or not _date_ok(a.get("date_of_birth")):
                out.append(_("sản phẩm %(code)s: thông tin tác giả không hợp lệ", code=code))
                break
    if not _date_ok(entry.get("applied_at")):
        out.append(_("sản phẩm %(code)s: ngày áp dụng không hợp lệ", code=code))
    if not isinstance(entry.get("result"), dict):
        out.append(_("sản phẩm %(code)s: thiếu kết quả cấp tỉnh", code=code))
    attachments = entry.get("attachments")
    if not isinstance(attachments, list):
        return [*out, _("sản phẩm %(code)s: danh sách tệp không hợp lệ", code=code)]
    for a in attachments:
        if not (
            isinstance(a, dict)
            and isinstance(a.get("path"), str)
            and _PATH_RE.fullmatch(a["path"])
            and _text(a.get("name"), 255)
            and a.get("kind") in ATTACHMENT_KINDS
            and a.get("content_type") in file_types.EXTENSIONS
            and isinstance(a.get("size"), int)
            and a["size"] >= 0
            and isinstance(a.get("sha256"), str)
            and _HEX64.fullmatch(a["sha256"])
        ):
            out.append(_("sản phẩm %(code)s: mô tả tệp không hợp lệ", code=code))
            continue
        if a["path"] in paths:
            out.append(_("tệp %(path)s được khai báo hai lần", path=a["path"]))
        paths.add(a["path"])
    return out


def _date_ok(value: Any) -> bool:
    if value is None:
        return True
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _check_files(archive: zipfile.ZipFile, manifest: dict) -> None:
    """The archive holds exactly the manifest's files, each of its size and SHA-256."""
    declared = {a["path"]: (e["code"], a) for e in manifest["entries"] for a in e["attachments"]}
    present = {i.filename: i for i in archive.infolist() if not i.is_dir()}
    unknown = sorted(set(present) - set(declared) - {MANIFEST, SIGNATURE})
    if unknown:
        raise PackageError(
            _("Gói hồ sơ có tệp không khai báo trong manifest.json: %(names)s.",
              names=", ".join(unknown))
        )  # fmt: skip
    for path, (code, meta) in declared.items():
        if path not in present:
            raise PackageError(
                _("Sản phẩm %(code)s: gói hồ sơ thiếu tệp “%(name)s” (%(path)s).",
                  code=code, name=meta["name"], path=path)
            )  # fmt: skip
        if present[path].file_size != meta["size"]:
            raise PackageError(
                _("Sản phẩm %(code)s: tệp “%(name)s” có dung lượng khác với manifest.json.",
                  code=code, name=meta["name"])
            )  # fmt: skip
        digest, size = stream_member(archive, path, None, code, meta["name"])
        if digest != meta["sha256"] or size != meta["size"]:
            raise PackageError(
                _("Sản phẩm %(code)s: tệp “%(name)s” bị hỏng hoặc bị thay đổi (mã băm "
                  "SHA-256 không khớp với manifest.json).", code=code, name=meta["name"])
            )  # fmt: skip


def stream_member(
    archive: zipfile.ZipFile, path: str, target: IO[bytes] | None, code: str, name: str
) -> tuple[str, int]:
    """Read the member ``path`` chunk by chunk (into ``target`` when given); its SHA-256 and
    size. A damaged member (bad CRC, truncated) is a PackageError naming the file."""
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(path) as source:
            while chunk := source.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
                if target is not None:
                    target.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile):
        raise PackageError(
            _("Sản phẩm %(code)s: tệp “%(name)s” bị hỏng trong gói hồ sơ.", code=code, name=name)
        ) from None
    return digest.hexdigest(), size
