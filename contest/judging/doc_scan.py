"""Reading the text of PDF and DOCX attachments, and finding known names in it (blind
judging, RULES.md §4). Pure: bytes in, text and hits out; no database, no Flask.

* A PDF is read page by page with pypdf. A page whose text layer is empty (a scanned page, a
  photo, a blank page) cannot be read: it is listed in ``unread_pages``, never guessed at (no
  OCR). An encrypted PDF that does not open with an empty password, or a damaged one, is
  :class:`Unreadable`.
* A DOCX is read with python-docx: the body (tables and text boxes included), headers,
  footers, footnotes, endnotes and comments, in that order. It has no pages (``page`` None).
* Pictures inside a document are never read, whatever the format.

Names are found with :func:`.masking.find` (the same rule that masks what judges see). A hit's
``start`` counts from the beginning of the document's text (the pages one after the other),
so the same bytes always give the same offsets. Its snippet is the text around the name,
whitespace collapsed, at most :data:`CONTEXT` characters on each side.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from ..file_types import DOCX, PDF
from ..text import nfc
from .masking import NameSet, find

log = logging.getLogger(__name__)

READABLE_TYPES = (PDF, DOCX)
CONTEXT = 60  # characters of context on each side of a name
MAX_PAGES = 2000  # pages read of one PDF; the rest are counted as not read
_SPACES = re.compile(r"\s+")


class Unreadable(Exception):
    """The file's text cannot be read (damaged, encrypted, not of its type)."""


@dataclass
class DocumentText:
    """The text of a document: one string per page (one for a DOCX), and the 1-based
    numbers of the PDF pages without text. ``paged`` is False for a DOCX."""

    pages: list[str]
    paged: bool = True
    unread_pages: list[int] = field(default_factory=list)

    @property
    def page_count(self) -> int | None:
        """The number of pages of a PDF (None for a DOCX)."""
        return len(self.pages) if self.paged else None


@dataclass(frozen=True)
class Hit:
    """A known name in a document: where (``page`` None for a DOCX; ``start`` in the whole
    document's text), whose (``kind``, ``name``), as written (``found``) and around it."""

    page: int | None
    start: int
    kind: str
    name: str
    found: str
    before: str
    after: str


def _seekable(stream: BinaryIO) -> BinaryIO:
    """``stream`` itself when it can seek, else its bytes in memory."""
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError):
        pass
    return io.BytesIO(stream.read())


# --- extraction -------------------------------------------------------------------------------


def extract_pdf(stream: BinaryIO) -> DocumentText:
    """The text of each page of a PDF (pypdf); pages without text are listed as unread."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(_seekable(stream), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted")
        pages = list(reader.pages)
    except Unreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise Unreadable(str(exc)) from exc
    texts: list[str] = []
    unread: list[int] = []
    for number, page in enumerate(pages, start=1):
        text = ""
        if number <= MAX_PAGES:
            try:
                text = nfc(page.extract_text())
            except Exception as exc:  # one bad page must not lose the others
                log.warning("pdf page %d not read: %s", number, exc)
        if not text.strip():
            unread.append(number)
            text = ""
        texts.append(text)
    return DocumentText(texts, paged=True, unread_pages=unread)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Parts of a DOCX that hold text a reader sees, in reading order.
_DOCX_PARTS = (
    "document.main",
    "header",
    "footer",
    "footnotes",
    "endnotes",
    "comments",
)


def _docx_part_rank(content_type: str) -> int | None:
    """The reading order of a DOCX part by its content type (None: not a text part)."""
    prefix = "application/vnd.openxmlformats-officedocument.wordprocessingml."
    if not content_type.startswith(prefix) or not content_type.endswith("+xml"):
        return None
    name = content_type[len(prefix) : -len("+xml")]
    return _DOCX_PARTS.index(name) if name in _DOCX_PARTS else None


def _xml_text(root) -> str:
    """The text of a WordprocessingML tree: paragraphs on their own lines, tabs and breaks
    kept, the fallback copy of a text box skipped (it repeats the text box)."""
    from lxml import etree

    out: list[str] = []
    skipping = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if tag == _MC_FALLBACK:
            skipping += 1 if event == "start" else -1
            continue
        if skipping:
            continue
        if event == "start":
            if tag in (f"{_W}t", f"{_W}delText") and element.text:
                out.append(element.text)
            elif tag == f"{_W}tab":
                out.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
        elif tag == f"{_W}p":
            out.append("\n")
    return "".join(out)


def extract_docx(stream: BinaryIO) -> DocumentText:
    """The text of a DOCX (python-docx): body, headers, footers, notes and comments."""
    import docx
    from lxml import etree

    try:
        document = docx.Document(_seekable(stream))
        parts = []
        for part in document.part.package.iter_parts():
            rank = _docx_part_rank(part.content_type)
            if rank is not None:
                parts.append((rank, str(part.partname), part))
        parts.sort(key=lambda p: (p[0], p[1]))
        texts = []
        for _rank, _name, part in parts:
            element = getattr(part, "element", None)
            if element is None:
                element = etree.fromstring(part.blob)  # noqa: S320 - python-docx's parser
            texts.append(_xml_text(element))
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise Unreadable(str(exc)) from exc
    return DocumentText([nfc("\n".join(t for t in texts if t))], paged=False)


def extract(stream: BinaryIO, content_type: str) -> DocumentText:
    """The text of a PDF or DOCX; :class:`Unreadable` for any other type."""
    if content_type == PDF:
        return extract_pdf(stream)
    if content_type == DOCX:
        return extract_docx(stream)
    raise Unreadable(content_type)


# --- finding names ----------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    """``text`` with every run of whitespace as one space."""
    return _SPACES.sub(" ", text)


def snippet(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str, str]:
    """The text before ``text[start:end]``, the match and the text after, at most ``width``
    characters of context each side, cut at a word boundary, whitespace collapsed."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if start > width and " " in before.strip():
        before = before[before.find(" ") :]
    if end + width < len(text) and " " in after.strip():
        after = after[: after.rfind(" ")]
    return _squeeze(before).lstrip(), _squeeze(text[start:end]), _squeeze(after).rstrip()


def find_names(document: DocumentText, names: NameSet) -> list[Hit]:
    """Every name of ``names`` in ``document``, page by page, left to right."""
    hits: list[Hit] = []
    offset = 0
    for number, text in enumerate(document.pages, start=1):
        for match in find(text, names):
            before, found, after = snippet(text, match.start, match.end)
            hits.append(
                Hit(
                    page=number if document.paged else None,
                    start=offset + match.start,
                    kind=match.kind,
                    name=match.name,
                    found=found,
                    before=before,
                    after=after,
                )
            )
        offset += len(text) + 1  # the pages one after the other, a separator between
    return hits
