"""A judge's fields of expertise: a free list of field names or codes ("Tin học", "CNTT"),
stated when accepting an invitation and edited on the profile. Automatic assignment prefers
a judge whose expertise matches the entry's field (:mod:`contest.judging.assignment`).

Topics are compared normalised (:func:`topic_key`): Unicode NFC, without diacritics (so
"Hoá học", "Hóa học" and "hoa hoc" match), case-folded, spacing and punctuation collapsed. A
field is matched by its code, its name, or one part of a name listing several
(:func:`field_topic_keys`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import select

from ..audit.operations import record
from ..extensions import db

MAX_TOPICS = 30
MAX_LENGTH = 120
SEPARATORS = re.compile(r"[,;\n\r]+")


def topic_key(text: str | None) -> str:
    """``text`` as compared: no diacritics (đ → d), case-folded, words joined by one space."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def topic_keys(topics: Iterable[str]) -> frozenset[str]:
    """The normalised keys of ``topics`` (empty ones dropped)."""
    return frozenset(k for k in (topic_key(t) for t in topics) if k)


def field_topic_keys(code: str, name: str) -> frozenset[str]:
    """What an expert of a field may have named: its code, its name, and each part of a name
    that lists several ("Công nghệ thông tin, điện tử, viễn thông")."""
    return topic_keys([code, name, *split_topics(name)])


def split_topics(text: str | None) -> list[str]:
    """Topics typed as free text, separated by commas, semicolons or new lines."""
    return [t for t in (" ".join(p.split()) for p in SEPARATORS.split(text or "")) if t]


def clean_topics(topics: Iterable[str]) -> list[str]:
    """``topics`` trimmed, each at most :data:`MAX_LENGTH` characters, without repeats (by
    key, first spelling kept), at most :data:`MAX_TOPICS`."""
    out, seen = [], set()
    for topic in topics:
        topic = " ".join(unicodedata.normalize("NFC", topic or "").split())[:MAX_LENGTH]
        key = topic_key(topic)
        if key and key not in seen:
            seen.add(key)
            out.append(topic)
    return out[:MAX_TOPICS]


def field_topics() -> list[str]:
    """The field names of the editions not archived, for judges to tick (sorted, no
    repeats by key)."""
    from ..contests.models import Edition, EditionField

    names = db.session.scalars(
        select(EditionField.name)
        .join(Edition, Edition.id == EditionField.edition_id)
        .where(Edition.archived_at.is_(None))
    ).all()
    return sorted(clean_topics(names), key=topic_key)


def set_expertise(user, topics: Iterable[str], actor) -> bool:
    """Store ``user``'s fields of expertise (cleaned); audited when they change. Returns
    whether they changed. Flushes."""
    cleaned = clean_topics(topics)
    if cleaned == list(user.expertise or []):
        return False
    user.expertise = cleaned
    record(actor, "user.expertise", "user", user.id, expertise=cleaned)
    db.session.flush()
    return True
