"""A plain, database-free description of an edition's configuration.

Templates build one, a JSON definition parses into one, an edition exports to one; operations
apply one to the database. The attribute names match :class:`~.models.Edition`, so the pure
timeline accepts a spec as well as an edition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .models import default_organizer_only


@dataclass
class FieldSpec:
    """A field and the attachment kinds its dossier requires."""

    code: str
    name: str
    attachments: list[str] = field(default_factory=list)


@dataclass
class BoardSpec:
    """A board (bảng)."""

    code: str
    name: str


@dataclass
class CriterionSpec:
    """A criterion and its maximum points; ``guidance`` tells judges what earns high or low
    points ("" when none)."""

    code: str
    name: str
    max_points: Decimal | None
    guidance: str = ""


@dataclass
class RoundSpec:
    """A round; ``cutoff`` passes entries to the next round."""

    code: str
    cutoff: Decimal | None = None
    name: str = ""


@dataclass
class PrizeSpec:
    """A prize level."""

    code: str
    name: str
    min_score: Decimal | None = None
    quota: int | None = None
    scope: str = "field"
    amount_vnd: int | None = None
    automatic: bool = True


@dataclass
class EditionSpec:
    """Everything an organizer configures on an edition (no entries, no scores).

    ``tiebreak`` is None when the criteria order is the tie-break order."""

    slug: str
    title: str
    kind: str
    submission_deadline: datetime | None
    reference_date: date | None
    age_min: int | None = None
    age_max: int | None = None
    max_authors: int | None = None
    applied_since: date | None = None
    judges_per_entry: int | None = 2
    discrepancy_threshold: Decimal | None = Decimal(20)
    national_max: int | None = None
    number: int | None = None
    description: str = ""
    organizing_units: str = ""
    opens_at: datetime | None = None
    judging_starts_at: datetime | None = None
    judging_ends_at: datetime | None = None
    fields: list[FieldSpec] = field(default_factory=list)
    organizer_only_attachments: list[str] = field(default_factory=default_organizer_only)
    boards: list[BoardSpec] = field(default_factory=list)
    criteria: list[CriterionSpec] = field(default_factory=list)
    tiebreak: list[str] | None = None
    rounds: list[RoundSpec] = field(default_factory=list)
    prizes: list[PrizeSpec] = field(default_factory=list)
    # Timeline compatibility with Edition (a spec is never published nor extended).
    published_at: datetime | None = None
    archived_at: datetime | None = None
    extensions: tuple = ()
