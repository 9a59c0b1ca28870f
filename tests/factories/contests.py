"""Editions and their parts: fields, boards, criteria, rounds, prize levels, deadline
extensions and the national flag.

An edition is built from the built-in template of its kind
(:func:`contest.contests.templates.template_spec`) through
:func:`contest.contests.operations.create_edition`, as the organizers' "new edition from the
template" does: the configuration is checked and the creation audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from contest.contests.models import (
    Board,
    ContestKind,
    Criterion,
    DeadlineExtension,
    Edition,
    EditionField,
    PrizeLevel,
    Round,
)
from contest.contests.national_flag import NationalEdition
from contest.contests.templates import default_attachments
from contest.extensions import db

from .base import DEADLINE, apply, done, save, seq

KIND_TITLES = {
    ContestKind.TECHNICAL: "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang",
    ContestKind.YOUTH: "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang",
}
SLUG_PREFIXES = {ContestKind.TECHNICAL: "stkt", ContestKind.YOUTH: "ttn"}


def make_edition(
    kind: str = ContestKind.TECHNICAL,
    slug: str | None = None,
    title: str | None = None,
    deadline: datetime = DEADLINE,
    actor=None,
    *,
    opens_at: datetime | None = None,
    province_id: int | None = None,
    spec: dict | None = None,
    commit: bool = True,
    **attrs,
) -> Edition:
    """An edition of ``kind`` from its template (RULES values: fields, criteria, one round
    ``final``, prizes), created by ``actor`` (whose province it belongs to, else the only
    province). ``spec``: template values changed before creation (``max_authors``,
    ``judges_per_entry`` …, as an organizer would); ``attrs``: columns set after creation
    (``judging_starts_at``, ``applied_since``, ``published_at`` …, as the tests' builders
    did)."""
    from contest.contests.operations import create_edition
    from contest.contests.templates import template_spec

    kind = ContestKind(kind)
    n = seq()
    slug = slug or f"{SLUG_PREFIXES[kind]}-{n}"
    title = title or f"{KIND_TITLES[kind]} lần thứ {n}"
    values = template_spec(kind, slug, title, deadline)
    values.opens_at = opens_at
    for key, value in (spec or {}).items():
        if not hasattr(values, key):
            raise TypeError(f"an edition's spec has no {key!r}")
        setattr(values, key, value)
    edition = create_edition(
        values, actor, confirm=True, source=f"template:{kind.value}", province_id=province_id
    )
    apply(edition, attrs)
    done(commit)
    return edition


def _edition(edition: Edition | None, commit: bool) -> Edition:
    return edition if edition is not None else make_edition(commit=commit)


def make_edition_field(
    edition: Edition | None = None,
    code: str | None = None,
    name: str | None = None,
    *,
    attachments: list[str] | None = None,
    commit: bool = True,
) -> EditionField:
    """One more field of ``edition`` (last), with the template's dossier checklist."""
    edition = _edition(edition, commit)
    code = code or f"LV{seq()}"
    row = EditionField(
        code=code,
        name=name or f"Lĩnh vực {code}",
        position=len(edition.fields),
        required_attachments=(
            attachments if attachments is not None else default_attachments(edition.kind, code)
        ),
    )
    edition.fields.append(row)
    done(commit)
    return row


def make_board(
    edition: Edition | None = None,
    code: str | None = None,
    name: str | None = None,
    *,
    position: int | None = None,
    commit: bool = True,
) -> Board:
    """One more board of ``edition`` (``THCS``, ``THPT`` …)."""
    edition = _edition(edition, commit)
    code = code or f"B{seq()}"
    position = len(edition.boards) + 1 if position is None else position
    row = Board(code=code, name=name or f"Bảng {code}", position=position)
    edition.boards.append(row)
    done(commit)
    return row


def make_criterion(
    edition: Edition | None = None,
    code: str | None = None,
    max_points: Decimal | int | str = 10,
    *,
    name: str | None = None,
    commit: bool = True,
    **attrs,
) -> Criterion:
    """One more criterion of ``edition`` (last); ``attrs``: ``tiebreak_position``,
    ``retired_at``, ``guidance``."""
    edition = _edition(edition, commit)
    code = code or f"tc{seq()}"
    row = Criterion(
        code=code,
        name=name or f"Tiêu chí {code}",
        max_points=Decimal(str(max_points)),
        position=len(edition.criteria),
    )
    apply(row, attrs)
    edition.criteria.append(row)
    done(commit)
    return row


def make_round(
    edition: Edition | None = None,
    code: str | None = None,
    *,
    position: int | None = None,
    cutoff: Decimal | int | str | None = None,
    name: str = "",
    commit: bool = True,
) -> Round:
    """A round of ``edition`` placed before its first one (a preliminary round; ``code``
    ``prelim`` unless taken). ``cutoff`` None: RULES' default 60."""
    edition = _edition(edition, commit)
    codes = {r.code for r in edition.rounds}
    code = code or ("prelim" if "prelim" not in codes else f"prelim{seq()}")
    if position is None:
        position = min((r.position for r in edition.rounds), default=0) - 1
    row = Round(
        edition_id=edition.id,
        code=code,
        name=name,
        position=position,
        cutoff=None if cutoff is None else Decimal(str(cutoff)),
    )
    save(row, commit)
    db.session.expire(edition, ["rounds"])  # read again, in their order
    return row


def make_prize_level(
    edition: Edition | None = None,
    code: str | None = None,
    name: str = "Giải Nhất",
    *,
    min_score: Decimal | int | str | None = 85,
    quota: int | None = 1,
    scope: str = "field",
    automatic: bool = True,
    commit: bool = True,
    **attrs,
) -> PrizeLevel:
    """One more prize level of ``edition`` (last); ``attrs``: ``amount_vnd``."""
    edition = _edition(edition, commit)
    row = PrizeLevel(
        code=code or f"giai{seq()}",
        name=name,
        position=len(edition.prizes),
        min_score=None if min_score is None else Decimal(str(min_score)),
        quota=quota,
        scope=scope,
        automatic=automatic,
    )
    apply(row, attrs)
    edition.prizes.append(row)
    done(commit)
    return row


def make_deadline_extension(
    edition: Edition | None = None,
    area=None,
    new_deadline: datetime | None = None,
    reason: str = "Gia hạn do mưa lũ kéo dài",
    actor=None,
    *,
    now: datetime | None = None,
    commit: bool = True,
) -> DeadlineExtension:
    """A later deadline for ``edition`` (for ``area`` and the areas under it, or the whole
    edition) through :func:`contest.contests.operations.extend_deadline`: by default a week
    after the current one, decided the day before the edition's deadline."""
    from contest.contests.operations import deadline_for, extend_deadline

    edition = _edition(edition, commit)
    new_deadline = new_deadline or deadline_for(edition, area) + timedelta(days=7)
    now = now or edition.submission_deadline - timedelta(days=1)
    row = extend_deadline(edition, area, new_deadline, reason, actor, now=now)
    done(commit)
    return row


def make_national_edition(
    edition: Edition | None = None, actor=None, *, commit: bool = True
) -> NationalEdition:
    """Flag ``edition`` as national (:func:`contest.national.intake.mark`)."""
    from contest.national.intake import mark

    edition = edition or make_edition(title="Hội thi Sáng tạo Kỹ thuật toàn quốc", commit=commit)
    mark(edition, actor, True)
    done(commit)
    return db.session.get(NationalEdition, edition.id)
