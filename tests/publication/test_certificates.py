"""Certificates, the domain (contest/certificates/operations.py): codes and their typing,
issuing one per author (idempotent), carrying codes over, revoking after a correction,
verifying."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contest.audit.models import AuditEntry
from contest.certificates import operations as certs
from contest.certificates.models import Certificate
from contest.extensions import db
from tests.publication.certificates_support import (
    A1_AUTHORS,
    A1_SECOND_CORRECTED,
    A1_TITLE,
    V1_CERTIFICATES,
    by_slot,
    correct,
    decide,
    published_edition,
    rename_author,
    withdraw,
)

# ---------------------------------------------------------------- codes (no database)


def test_new_codes_are_12_crockford_characters_and_random():
    codes = {certs.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 12 and set(code) <= set(certs.ALPHABET)
    assert not set("ILOU") & set("".join(codes))
    assert certs.format_code("7K3MQ9TX2HPD") == "7K3M-Q9TX-2HPD"


@pytest.mark.parametrize(
    "typed",
    [
        "7K3M-Q9TX-2HPD",
        "7k3m-q9tx-2hpd",
        "7K3M Q9TX 2HPD",
        "  7k3mq9tx2hpd ",
        "7K3M–Q9TX–2HPD",  # en dashes (a phone's keyboard)
        "７Ｋ３Ｍ-Ｑ９ＴＸ-２ＨＰＤ",  # full-width characters
    ],
)
def test_typed_codes_are_normalised(typed):
    assert certs.normalize_code(typed) == "7K3MQ9TX2HPD"


def test_crockford_confusions_o_i_l():
    assert certs.normalize_code("1O2I-3L4o-5i6l") == "102131405161"
    assert certs.normalize_code("ABCD-EFGH-JKMN") == "ABCDEFGHJKMN"


@pytest.mark.parametrize(
    "typed",
    ["", None, "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKMU", "ABCD<EFGH>JKMN", "x" * 500],
)
def test_malformed_codes(typed):
    assert certs.normalize_code(typed) is None
    assert certs.verify(typed).status == certs.Status.UNKNOWN  # no database needed


# ---------------------------------------------------------------- issuing


def test_issue_one_per_author_with_snapshot_and_idempotent(app, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    outcome = certs.issue_for(v1, organizer)
    db.session.commit()
    assert (outcome.issued, outcome.carried, outcome.revoked) == (V1_CERTIFICATES, 0, ())
    issued = certs.certificates_of(v1)
    assert [(c.entry_code, c.author_position) for c in issued] == [
        ("A1", 1), ("A1", 2), ("A2", 1), ("A3", 1), ("A4", 1), ("A5", 1), ("B1", 1),
    ]  # fmt: skip
    a1_first, a1_second = issued[0], issued[1]
    assert (a1_first.author_name, a1_second.author_name) == A1_AUTHORS
    assert a1_first.entry_title == A1_TITLE and a1_first.prize_name == "Giải Nhất"
    assert a1_first.co_authored and not issued[2].co_authored
    assert a1_first.edition_title == edition.title
    assert all(c.publication_id == v1.id and c.valid for c in issued)
    assert len({c.code for c in issued}) == V1_CERTIFICATES

    again = certs.issue_for(v1, organizer)
    db.session.commit()
    assert (again.issued, again.carried) == (0, V1_CERTIFICATES)
    assert db.session.scalar(select(func.count(Certificate.id))) == V1_CERTIFICATES
    assert [c.code for c in certs.certificates_of(v1)] == [c.code for c in issued]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "certificates.issue")
    ).all()
    assert actions == ["certificates.issue"]  # the no-op second run audits nothing


def test_database_refuses_a_second_valid_certificate_for_a_slot(app, runner, tmp_path, users):
    organizer = users["organizer"]
    _edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    db.session.commit()
    first = certs.certificates_of(v1)[0]
    clone = Certificate(
        publication_id=first.publication_id,
        entry_id=first.entry_id,
        author_position=first.author_position,
        author_count=first.author_count,
        author_name=first.author_name,
        entry_code=first.entry_code,
        entry_title=first.entry_title,
        prize_code=first.prize_code,
        prize_name=first.prize_name,
        edition_title=first.edition_title,
        code=certs.new_code(),
    )
    db.session.add(clone)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# ---------------------------------------------------------------- corrections


def test_correction_revokes_changed_certificates_and_carries_the_others(
    app, runner, tmp_path, users
):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    db.session.commit()
    before = {key: items[0].code for key, items in by_slot().items()}

    decide(edition, "A2", "special", organizer)  # prize changed
    decide(edition, "B1", None, organizer)  # prize removed
    rename_author("A1", 2, A1_SECOND_CORRECTED)  # name corrected
    v2 = correct(edition, organizer)

    slots = by_slot()
    reason = "Đã được đính chính bởi phiên bản 2"
    # A2: the old certificate is revoked and points at the new one (a new code)
    old_a2, new_a2 = slots[("A2", 1)]
    assert old_a2.code == before[("A2", 1)] and not old_a2.valid
    assert old_a2.revoked_reason == reason and old_a2.revoked_at == v2.published_at
    assert old_a2.replaced_by_id == new_a2.id and new_a2.code != old_a2.code
    assert (new_a2.valid, new_a2.prize_name, new_a2.publication_id) == (
        True,
        "Giải Đặc biệt",
        v2.id,
    )
    # A1's second author: name corrected → re-issued; the first author keeps the code
    old_name, new_name = slots[("A1", 2)]
    assert old_name.revoked_reason == reason and old_name.replaced_by_id == new_name.id
    assert new_name.author_name == A1_SECOND_CORRECTED
    assert [c.code for c in slots[("A1", 1)]] == [before[("A1", 1)]]
    assert slots[("A1", 1)][0].valid and slots[("A1", 1)][0].publication_id == v1.id
    # B1 lost its prize: revoked, nothing replaces it
    (b1,) = slots[("B1", 1)]
    assert not b1.valid and b1.revoked_reason == reason and b1.replaced_by_id is None
    # unchanged entries: same code, still valid, carried into v2
    for code in ("A3", "A4", "A5"):
        (kept,) = slots[(code, 1)]
        assert kept.code == before[(code, 1)] and kept.valid
    assert [c.code for c in certs.certificates_of(v2)] == [
        new_a2.code, before[("A1", 1)], new_name.code, before[("A3", 1)], before[("A4", 1)],
        before[("A5", 1)],
    ]  # fmt: skip
    # issuing for v2 again changes nothing; v1 (superseded) is refused
    assert certs.issue_for(v2, organizer).issued == 0
    with pytest.raises(certs.CertificateError) as refused:
        certs.issue_for(v1, organizer)
    assert "phiên bản mới nhất" in refused.value.message


def test_no_revocation_hook_work_before_any_certificate(app, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, _v1 = published_edition(runner, tmp_path, organizer)
    decide(edition, "A2", "special", organizer)
    correct(edition, organizer)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_a_prize_restored_later_gets_a_fresh_certificate_and_the_chain(
    app, runner, tmp_path, users
):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    db.session.commit()
    decide(edition, "A2", "special", organizer)
    correct(edition, organizer)
    withdraw(edition, "A2", organizer)
    v3 = correct(edition, organizer, note="Khôi phục giải Nhì")
    first, second, third = by_slot()[("A2", 1)]
    assert [c.valid for c in (first, second, third)] == [False, False, True]
    assert third.publication_id == v3.id and third.prize_name == "Giải Nhì"
    assert len({first.code, second.code, third.code}) == 3  # a revoked code never comes back
    result = certs.verify(first.code)
    assert result.status == certs.Status.REVOKED
    assert result.replacement.code == third.code  # the chain leads to the one in force


# ---------------------------------------------------------------- verify


def test_verify_valid_revoked_unknown(app, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    db.session.commit()
    a2 = by_slot()[("A2", 1)][0]
    typed = certs.format_code(a2.code).lower().replace("-", " ")
    ok = certs.verify(typed)
    assert (ok.status, ok.certificate.id, ok.code) == (certs.Status.VALID, a2.id, a2.code)

    decide(edition, "A2", "special", organizer)
    correct(edition, organizer)
    revoked = certs.verify(a2.code)
    assert revoked.status == certs.Status.REVOKED
    assert revoked.certificate.revoked_reason == "Đã được đính chính bởi phiên bản 2"
    assert revoked.replacement is not None and revoked.replacement.valid

    unknown = certs.verify("ZZZZ-ZZZZ-ZZZZ")
    assert (unknown.status, unknown.certificate, unknown.code) == (
        certs.Status.UNKNOWN,
        None,
        "ZZZZZZZZZZZZ",
    )
