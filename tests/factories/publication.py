"""Publication and what follows it: published versions and their winners, complaints, sent
notifications, certificates and their batches, the national selection and intake.

Written directly: a real version comes from :func:`contest.publication.operations.publish`,
which needs a compiled run without blocking flags."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from contest.accounts.models import Role
from contest.certificates.models import Certificate, CertificateBatch
from contest.contests.models import Edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.national.models import NationalArrival, NationalChoice, NationalResult
from contest.publication.models import Complaint, Publication, PublishedEntry, SentNotification
from contest.results.models import ResultsRun
from contest.timeutil import utcnow

from .accounts import make_user
from .base import apply, save, seq
from .contests import make_edition
from .entries import make_entry
from .results import make_results_run


def make_publication(
    edition: Edition | None = None,
    run: ResultsRun | None = None,
    *,
    version: int | None = None,
    posting_days: int = 15,
    published_at: datetime | None = None,
    published_by=None,
    commit: bool = True,
    **attrs,
) -> Publication:
    """Version ``version`` (the next one when absent) of ``edition``'s results, made from
    ``run`` (a new run of the last round when absent), published at ``published_at`` (now)
    with a posting period of ``posting_days`` (0: none, final at once). ``attrs``:
    ``note``, ``override_reason``, ``finalized_at``, ``superseded_at``, ``entry_count``."""
    if edition is None:
        edition = run.edition if run is not None else make_edition(commit=commit)
    run = run or make_results_run(edition, commit=commit)
    if version is None:
        last = db.session.scalar(
            select(func.max(Publication.version)).where(Publication.edition_id == edition.id)
        )
        version = (last or 0) + 1
    published_at = published_at or utcnow()
    row = Publication(
        edition_id=edition.id,
        round_id=run.round_id,
        run_id=run.id,
        version=version,
        posting_days=posting_days,
        published_at=published_at,
        posting_ends_at=published_at + timedelta(days=posting_days) if posting_days else None,
        finalized_at=None if posting_days else published_at,
        published_by_id=getattr(published_by, "id", None),
    )
    apply(row, attrs)
    return save(row, commit)


def make_published_entry(
    publication: Publication | None = None,
    entry: Entry | None = None,
    *,
    prize_code: str = "first",
    prize_name: str = "Giải Nhất",
    score: Decimal | str | None = "90.00",
    rank: int | None = 1,
    position: int | None = None,
    commit: bool = True,
    **attrs,
) -> PublishedEntry:
    """``entry`` (a new accepted entry of the edition when absent) as published in
    ``publication`` with ``prize_code``: the snapshot is taken from the entry now."""
    publication = publication or make_publication(commit=commit)
    entry = entry or make_entry(publication.edition, commit=commit)
    if position is None:
        last = db.session.scalar(
            select(func.max(PublishedEntry.position)).where(
                PublishedEntry.publication_id == publication.id
            )
        )
        position = 0 if last is None else last + 1
    row = PublishedEntry(
        publication_id=publication.id,
        entry_id=entry.id,
        position=position,
        entry_code=entry.code or f"HS{entry.id}",
        title=entry.title,
        field_code=entry.field.code,
        field_name=entry.field.name,
        board_code=entry.board.code if entry.board is not None else None,
        board_name=entry.board.name if entry.board is not None else "",
        prize_code=prize_code,
        prize_name=prize_name,
        score=None if score is None else Decimal(str(score)),
        rank=rank,
        authors=[a.full_name for a in entry.authors],
        unit_name=entry.unit_label,
        area_name=entry.area_label,
    )
    apply(row, attrs)
    return save(row, commit)


def make_complaint(
    publication: Publication | None = None,
    entry: Entry | None = None,
    user=None,
    text: str = "Đề nghị Ban Tổ chức xem xét lại điểm của sản phẩm.",
    *,
    commit: bool = True,
    **attrs,
) -> Complaint:
    """An open complaint of ``user`` (the entry's owner, else a new entrant) about
    ``entry``'s result in ``publication``; ``attrs``: ``status``, ``answer``,
    ``answered_at`` …"""
    publication = publication or make_publication(commit=commit)
    entry = entry or make_entry(publication.edition, commit=commit)
    user = user or entry.owner or make_user(commit=commit)
    row = Complaint(publication_id=publication.id, entry_id=entry.id, user_id=user.id, text=text)
    apply(row, attrs)
    return save(row, commit)


def make_sent_notification(
    key: str | None = None,
    kind: str = "publication.result",
    recipient: str = "thisinh@example.vn",
    subject: str = "Kết quả cuộc thi",
    *,
    commit: bool = True,
) -> SentNotification:
    """The record that notification ``key`` was sent."""
    row = SentNotification(
        key=key or f"thu-nghiem:{seq()}", kind=kind, recipient=recipient, subject=subject
    )
    return save(row, commit)


def make_certificate(
    publication: Publication | None = None,
    entry: Entry | None = None,
    author_position: int = 1,
    *,
    prize_code: str = "first",
    prize_name: str = "Giải Nhất",
    commit: bool = True,
    **attrs,
) -> Certificate:
    """The certificate of the author at ``author_position`` of ``entry`` (a new accepted
    entry when absent) issued for ``publication``, with a fresh verification code; the
    snapshot is taken from the entry now. ``attrs``: ``revoked_at``, ``replaced_by_id`` …"""
    from contest.certificates.operations import new_code

    publication = publication or make_publication(commit=commit)
    entry = entry or make_entry(publication.edition, commit=commit)
    authors = list(entry.authors)
    author = next((a for a in authors if a.position == author_position), None)
    row = Certificate(
        publication_id=publication.id,
        entry_id=entry.id,
        author_position=author_position,
        author_count=max(len(authors), author_position),
        author_name=author.full_name if author is not None else "Nguyễn Văn Tác Giả",
        entry_code=entry.code or f"HS{entry.id}",
        entry_title=entry.title,
        prize_code=prize_code,
        prize_name=prize_name,
        edition_title=publication.edition.title,
        code=new_code(),
    )
    apply(row, attrs)
    return save(row, commit)


def make_certificate_batch(
    publication: Publication | None = None,
    *,
    place: str = "Tuyên Quang",
    certificate_date: date = date(2026, 12, 15),
    signatory_title: str = "TM. BAN TỔ CHỨC\nTRƯỞNG BAN",
    signatory_name: str = "Phạm Minh Đức",
    created_by=None,
    commit: bool = True,
    **attrs,
) -> CertificateBatch:
    """A generation of ``publication``'s certificates, not yet made (no ZIP); ``attrs``:
    ``zip_key``, ``zip_size``, ``certificate_count``, ``finished_at``, ``job_id`` …"""
    publication = publication or make_publication(commit=commit)
    row = CertificateBatch(
        publication_id=publication.id,
        place=place,
        certificate_date=certificate_date,
        signatory_title=signatory_title,
        signatory_name=signatory_name,
        organizing_units=publication.edition.organizing_units,
        created_by_id=getattr(created_by, "id", None),
    )
    apply(row, attrs)
    return save(row, commit)


def make_national_choice(
    entry: Entry | None = None,
    include: bool = True,
    reason: str = "Sản phẩm tiêu biểu của tỉnh",
    *,
    decided_by=None,
    commit: bool = True,
    **attrs,
) -> NationalChoice:
    """An active override of the organizers about ``entry`` in the national list (add it
    when ``include``, else remove it), written directly."""
    entry = entry or make_entry(commit=commit)
    decided_by = decided_by or make_user(roles=(Role.ORGANIZER,), commit=commit)
    row = NationalChoice(
        edition_id=entry.edition_id,
        entry_id=entry.id,
        include=include,
        reason=reason,
        decided_by_id=decided_by.id,
    )
    apply(row, attrs)
    return save(row, commit)


def make_national_result(
    entry: Entry | None = None,
    result: str = "Giải Ba",
    *,
    note: str = "",
    recorded_by=None,
    commit: bool = True,
) -> NationalResult:
    """The result ``entry`` obtained at the national contest."""
    entry = entry or make_entry(commit=commit)
    row = NationalResult(
        edition_id=entry.edition_id,
        entry_id=entry.id,
        result=result,
        note=note,
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    return save(row, commit)


def make_national_arrival(
    entry: Entry | None = None,
    *,
    province_code: str = "08",
    province_name: str = "Tuyên Quang",
    commit: bool = True,
    **attrs,
) -> NationalArrival:
    """Where ``entry`` (a new entry of a new national edition when absent) came from: a
    province's winner (``Giải Nhất``, 90.00, rank 1, version 1 of its results)."""
    if entry is None:
        from .contests import make_national_edition

        national = make_national_edition(commit=commit).edition
        entry = make_entry(national, commit=commit)
    source = f"{province_code}-{entry.code or entry.id}"
    row = NationalArrival(
        edition_id=entry.edition_id,
        entry_id=entry.id,
        province_code=province_code,
        province_name=province_name,
        source_edition_slug="stkt-tuyen-quang-2026",
        source_edition_title="Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang 2026",
        source_entry_code=source,
        prize_name="Giải Nhất",
        prize_position=1,
        score=Decimal("90.00"),
        rank=1,
        publication_version=1,
        package_sha256="0" * 64,
        content_sha256="0" * 64,
    )
    apply(row, attrs)
    return save(row, commit)
