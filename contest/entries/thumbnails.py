"""Image checks and thumbnails (Pillow).

An uploaded image is decoded once, from the spooled file, before it is kept: a file Pillow
cannot decode (truncated, garbage after a valid header) is refused, so is an image whose
pixel count passes ``ATTACHMENT_MAX_IMAGE_PIXELS`` (a decompression bomb: a few kilobytes of
PNG can describe gigabytes of pixels) — checked from the header, before any pixel is decoded.
The thumbnail is a JPEG of at most :data:`THUMBNAIL_SIZE` pixels a side, turned upright
(EXIF orientation of phone photos), transparency flattened on white, and carries no metadata
of the original (EXIF, XMP, comments: they may name the author; judges see thumbnails). JPEGs
are decoded at a reduced scale (``draft``), which keeps memory low for large photos.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import file_types
from ..storage import MalformedFile, StorageError, UnsupportedFileType

THUMBNAIL_SIZE = 400
THUMBNAIL_QUALITY = 82
PILLOW_FORMATS = {"PNG": file_types.PNG, "JPEG": file_types.JPEG, "WEBP": file_types.WEBP}


class ImageTooLarge(StorageError):
    """The image has more pixels than allowed (decompression-bomb protection)."""

    message = _l(
        "Ảnh có kích thước điểm ảnh quá lớn (quá nhiều megapixel); hãy thu nhỏ ảnh rồi tải lại."
    )


class BadImage(MalformedFile):
    """The image cannot be decoded."""

    message = _l("Ảnh bị hỏng hoặc không đầy đủ, không đọc được.")


def make_thumbnail(path: Path, content_type: str, max_pixels: int) -> bytes:
    """Decode the image at ``path`` (of the detected ``content_type``) and return its JPEG
    thumbnail; raise :class:`ImageTooLarge` or :class:`BadImage`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as probe:
                _check_header(probe, content_type, max_pixels)
                probe.verify()
            with Image.open(path) as image:
                return _thumbnail(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge()
    except StorageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BadImage() from exc


def _check_header(image: Image.Image, content_type: str, max_pixels: int) -> None:
    """The decoder agrees with the sniffed type, and the size is within bounds."""
    if PILLOW_FORMATS.get(image.format or "") != content_type:
        raise UnsupportedFileType(detected=None)
    width, height = image.size
    if width < 1 or height < 1:
        raise BadImage()
    if width * height > max_pixels:
        raise ImageTooLarge()


def _thumbnail(image: Image.Image) -> bytes:
    """The JPEG thumbnail of an opened image."""
    if image.format == "JPEG":
        image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if upright.mode in ("RGBA", "LA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.info = {}  # Pillow would write the original's comment (COM) into the JPEG
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()
