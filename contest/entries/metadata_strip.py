"""Copies of documents and images without the metadata that may name their authors.

Blind judging (RULES.md §4) hides who made an entry, but a file carries more than its
content: a PDF's document information (``/Author``, ``/Creator`` …) and XMP packet, the EXIF,
IPTC and XMP of a photo (``Artist``, ``Copyright``, the camera owner), the text chunks of a PNG,
the core, application and custom properties of a DOCX and the authors of its comments and
tracked changes. :func:`strip_file` writes a copy without them, with maintained libraries:
pikepdf for PDF, Pillow for images, python-docx for DOCX.

* PDF: the trailer's ``/Info``, every ``/Metadata`` stream (the document's and those of
  pages, images, fonts) and the authors of comments (an annotation's ``/T``) are removed, and
  the file is rewritten whole, so objects of earlier incremental saves do not survive.
* Images are decoded and encoded again with no EXIF, IPTC, XMP or text chunk; the EXIF
  orientation is applied to the pixels first, so the copy still looks upright. The colour
  profile and transparency are kept. JPEGs keep their quantisation when nothing had to turn.
* DOCX: core properties are emptied, ``Company`` and ``Manager`` cleared, custom properties
  and the preview picture dropped, and ``author``/``initials`` attributes of every XML part
  blanked; embedded JPEG, PNG and WebP pictures are stripped as above.

Anything that cannot be read raises :class:`StripFailed`: the caller must then serve no copy
at all, never the original.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from .. import file_types as ft

PILLOW_SAVE_FORMAT = {ft.JPEG: "JPEG", ft.PNG: "PNG", ft.WEBP: "WEBP"}
STRIPPABLE = frozenset({ft.PDF, ft.DOCX, *PILLOW_SAVE_FORMAT})
JPEG_QUALITY = 92
WEBP_QUALITY = 90


class StripFailed(Exception):
    """The file could not be read or rewritten (damaged, encrypted, not what it claims)."""


def strip_file(source: Path, target: Path, content_type: str) -> None:
    """Write to ``target`` a copy of ``source`` (of ``content_type``, one of
    :data:`STRIPPABLE`) without metadata; raise :class:`StripFailed`."""
    try:
        if content_type == ft.PDF:
            _strip_pdf(source, target)
        elif content_type == ft.DOCX:
            _strip_docx(source, target)
        elif content_type in PILLOW_SAVE_FORMAT:
            target.write_bytes(strip_image(source.read_bytes(), content_type))
        else:
            raise StripFailed(f"no stripper for {content_type}")
    except StripFailed:
        raise
    except Exception as exc:  # every library has its own errors; none may leak the original
        raise StripFailed(str(exc)) from exc


# --- PDF ---------------------------------------------------------------------------------------


def _strip_pdf(source: Path, target: Path) -> None:
    import pikepdf

    with pikepdf.open(source) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in pdf.objects:
            dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            if not isinstance(dictionary, pikepdf.Dictionary):
                continue
            for key in ("/Metadata", "/PieceInfo"):
                if key in dictionary:
                    del dictionary[key]
            # A comment's /T is its author's name (a form field's /T is the field's name).
            subtype = dictionary.get("/Subtype")
            annotation = dictionary.get("/Type") == "/Annot" or "/Rect" in dictionary
            if "/T" in dictionary and annotation and subtype not in (None, "/Widget"):
                del dictionary["/T"]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        pdf.remove_unreferenced_resources()
        pdf.save(target, fix_metadata_version=False, deterministic_id=True)


# --- Images ------------------------------------------------------------------------------------


def strip_image(data: bytes, content_type: str) -> bytes:
    """The image ``data`` of ``content_type`` encoded again without metadata, upright."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        orientation = image.getexif().get(0x0112, 1)
        frames = getattr(image, "n_frames", 1)
        options: dict = {}
        icc = image.info.get("icc_profile")
        if icc:
            options["icc_profile"] = icc
        if content_type == ft.JPEG:
            if orientation in (None, 1) and frames == 1:
                options.update(quality="keep", subsampling="keep")
            else:
                options["quality"] = JPEG_QUALITY
        elif content_type == ft.PNG and "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
        elif content_type == ft.WEBP:
            options["quality"] = WEBP_QUALITY
            options["lossless"] = bool(image.info.get("lossless"))
        clean: Image.Image
        if frames > 1:
            clean = image
            options["save_all"] = True
        else:
            clean = ImageOps.exif_transpose(image) if orientation not in (None, 1) else image
        clean.info = {}
        if hasattr(clean, "_exif"):
            clean._exif = None
        out = io.BytesIO()
        clean.save(out, PILLOW_SAVE_FORMAT[content_type], **options)
        return out.getvalue()


# --- DOCX --------------------------------------------------------------------------------------

_CORE_TEXT = (
    "author",
    "category",
    "comments",
    "content_status",
    "identifier",
    "keywords",
    "language",
    "last_modified_by",
    "subject",
    "title",
    "version",
)
_APP_CLEARED = ("Company", "Manager", "HyperlinkBase")
_PERSON_ATTRIBUTES = ("author", "initials", "userId", "providerId")
_DROPPED_RELATIONSHIPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)
_IMAGE_PARTS = {"image/jpeg": ft.JPEG, "image/png": ft.PNG, "image/webp": ft.WEBP}


def _strip_docx(source: Path, target: Path) -> None:
    import docx
    from lxml import etree

    document = docx.Document(str(source))
    core = document.core_properties
    for name in _CORE_TEXT:
        setattr(core, name, "")
    core.revision = 1
    _remove_core_dates(core._element)  # noqa: SLF001 - python-docx has no setter for None
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype in _DROPPED_RELATIONSHIPS:
            del package.rels[rel_id]
    for part in package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            _blank_people(element)
            continue
        content_type = part.content_type
        if content_type in _IMAGE_PARTS:
            part._blob = strip_image(part.blob, _IMAGE_PARTS[content_type])  # noqa: SLF001
        elif content_type.endswith("xml"):
            root = etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False))
            _blank_people(root)
            for child in root:
                if etree.QName(child).localname in _APP_CLEARED:
                    child.text = ""
            part._blob = etree.tostring(  # noqa: SLF001
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
    document.save(str(target))


def _remove_core_dates(core_element) -> None:
    """Remove ``dcterms:created``, ``dcterms:modified`` and ``cp:lastPrinted``."""
    for child in list(core_element):
        if child.tag.rsplit("}", 1)[-1] in ("created", "modified", "lastPrinted"):
            core_element.remove(child)


def _blank_people(root) -> None:
    """Blank every ``author``/``initials`` attribute (comments, tracked changes, people)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in list(element.attrib):
            if attribute.rsplit("}", 1)[-1] in _PERSON_ATTRIBUTES:
                element.set(attribute, "")
