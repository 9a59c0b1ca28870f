"""What people read about attachments: sizes, uploaded file names kept as display text, and
the sentence that says why an upload was refused (the kind, what the content really is, what
the kind accepts)."""

from __future__ import annotations

import unicodedata

from flask_babel import format_decimal
from flask_babel import gettext as _

from .. import file_types as ft
from ..storage import MIB, EmptyFile, FileTooLarge, StorageError, UnsupportedFileType

NAME_MAX = 200


def format_size(n: int) -> str:
    """A size as people read it: ``20 MB``, ``1,5 MB``, ``640 KB``."""
    if n >= MIB:
        value, unit = n / MIB, "MB"
    elif n >= 1024:
        value, unit = n / 1024, "KB"
    else:
        return f"{n} B"
    return f"{format_decimal(round(value, 1), format='#,##0.#')} {unit}"


def clean_file_name(name: str | None, fallback: str) -> str:
    """The uploaded file's name as display text only: its last path component, without
    control or direction characters, leading dots or surplus spaces, at most
    :data:`NAME_MAX` characters (``fallback`` when nothing is left). It never reaches the
    filesystem."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    text = " ".join(text.split()).lstrip(". ")
    if len(text) > NAME_MAX:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: NAME_MAX - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:NAME_MAX]
    return text or fallback


def download_extension(content_type: str) -> str:
    """The extension a downloaded file of ``content_type`` carries."""
    return ft.DOWNLOAD_EXTENSIONS.get(content_type, ft.EXTENSIONS.get(content_type, "bin"))


# Other extensions people give files of a type, kept as they are.
_EXTENSION_ALIASES = {
    ft.JPEG: ("jpeg", "jpe", "jfif"),
    ft.TAR_GZ: ("tgz",),
    ft.MP4: ("m4v",),
}


def name_with_extension(name: str, content_type: str) -> str:
    """``name`` with the extension of its detected ``content_type``: a file is saved under
    what it is, never what its name claims (a PDF that is also an HTML page, uploaded as
    ``report.html``, becomes ``report.pdf``: opened from the disk, it is read as a PDF).
    A name already ending in an extension of the type is kept; an extension-looking ending
    (letters and digits with a letter, at most 10) is replaced; otherwise one is added."""
    extension = download_extension(content_type)
    accepted: tuple[str, ...] = (extension, ft.EXTENSIONS.get(content_type, extension))
    accepted += _EXTENSION_ALIASES.get(content_type, ())
    if name.lower().endswith(tuple("." + e for e in accepted)):
        return name
    stem, dot, ending = name.rpartition(".")
    if dot and stem and 0 < len(ending) <= 10 and ending.isalnum() and not ending.isdigit():
        name = stem
    return clean_file_name(f"{name}.{extension}", fallback=f"tep.{extension}")


def _describe(error: UnsupportedFileType) -> str:
    """What the refused content is, in words."""
    if error.detected == ft.MSI:
        return _("tệp Office đời cũ (DOC/XLS) hoặc bộ cài MSI")
    if error.detected == ft.HEIC:
        return _("ảnh HEIC (định dạng ảnh của iPhone)")
    if error.detected:
        return ft.TYPE_NAMES.get(error.detected, error.detected)
    head = error.head.lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return _("một trang web (HTML)")
    if head.startswith((b"gif87a", b"gif89a")):
        return _("ảnh GIF")
    if head.startswith((b"<?xml", b"<svg")):
        return _("tệp XML/SVG")
    return _("một định dạng không được chấp nhận")


def refusal_message(error: StorageError, policy, name: str) -> str:
    """The Vietnamese sentence for a refused upload of ``name`` as ``policy.kind``."""
    if isinstance(error, UnsupportedFileType):
        return _(
            "Không nhận tệp “%(name)s”: nội dung tệp là %(what)s, trong khi mục “%(kind)s” "
            "chỉ nhận %(types)s. Hệ thống kiểm tra nội dung tệp, không dựa vào tên hay đuôi "
            "tệp.",
            name=name,
            what=_describe(error),
            kind=policy.label,
            types=policy.types_label,
        )
    if isinstance(error, FileTooLarge):
        return _(
            "Không nhận tệp “%(name)s”: mục “%(kind)s” chỉ nhận tệp tối đa %(limit)s.",
            name=name,
            kind=policy.label,
            limit=format_size(policy.max_bytes),
        )
    if isinstance(error, EmptyFile):
        return _("Không nhận tệp “%(name)s”: tệp rỗng (0 byte).", name=name)
    return _("Không nhận tệp “%(name)s”: %(why)s", name=name, why=str(error.message))
