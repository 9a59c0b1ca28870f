"""Author names in attachment file names: blind judging is the entrant's responsibility for their
documents, but organizers are warned when an attachment's original file name contains an author's
name. Pure functions; comparison ignores case, Vietnamese diacritics (đ → d) and separators
("Nguyen_Thi_Kin", "nguyễn thị kín", "NguyenKin")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .conflicts import TITLE_RE

WORD_RE = re.compile(r"[a-z0-9]+")
MIN_SQUASHED = 6  # a name run together ("nguyenkin") must be this long to count


def fold(text: str | None) -> str:
    """``text`` lower-case, without Vietnamese diacritics (đ → d)."""
    decomposed = unicodedata.normalize("NFD", (text or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d")


def name_words(full_name: str | None) -> list[str]:
    """The words of a person's name, folded, without leading academic titles."""
    norm = " ".join((full_name or "").split()).casefold()
    stripped = TITLE_RE.sub("", norm).strip(" .") or norm
    return WORD_RE.findall(fold(stripped))


def _name_forms(words: list[str]) -> list[list[str]]:
    """The word sequences that name the person: the full name; the family name followed by
    the given name with fewer middle names ("Hoàng Tác Giả", "Hoàng Giả" for "Hoàng Thị Tác
    Giả"); and the given name followed by the family name ("Kin Nguyen")."""
    family, given = words[0], words[-1]
    forms = [words]
    forms += [[family, *words[i:]] for i in range(2, len(words))]
    forms += [[given, family]]
    unique: list[list[str]] = []
    for form in forms:
        if form not in unique:
            unique.append(form)
    return unique


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    """Whether ``needle`` occurs as consecutive words of ``haystack``."""
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def names_in_file_name(file_name: str | None, author_names: Iterable[str]) -> list[str]:
    """The author names (as given) that ``file_name`` contains. Only names of two words or
    more are looked for (one word alone is too common to warn about)."""
    folded = fold(file_name)
    tokens = WORD_RE.findall(folded)
    squashed = "".join(tokens)
    found = []
    for name in author_names:
        words = name_words(name)
        if len(words) < 2:
            continue
        for form in _name_forms(words):
            joined = "".join(form)
            if _contains_run(tokens, form) or (len(joined) >= MIN_SQUASHED and joined in squashed):
                found.append(name)
                break
    return found


@dataclass(frozen=True)
class NameLeak:
    """An attachment whose file name contains author names."""

    attachment: object
    names: list[str]


def attachment_name_leaks(entry) -> list[NameLeak]:
    """The attachments of ``entry`` whose original file names contain an author's name."""
    names = [a.full_name for a in entry.authors if a.full_name]
    leaks = []
    for attachment in entry.attachments:
        hits = names_in_file_name(attachment.original_name, names)
        if hits:
            leaks.append(NameLeak(attachment, hits))
    return leaks
