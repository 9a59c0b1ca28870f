"""Publishing waits for judging to finish (RULES §6): an INCOMPLETE entry, a draft sheet or
an open judging window refuses it — in the operation, on the page and on the command line —
naming every entry and what it lacks; an override reason publishes anyway and is recorded.
``--actor`` names the person in the audit log; without it the OS user is recorded."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging.imports import import_scores
from contest.judging.models import ScoreSheet, SheetStatus
from contest.publication import operations as pub
from contest.publication.models import Publication
from contest.timeutil import utcnow
from tests import factories
from tests.publication.helpers import SLUG, compiled_edition, entry_id, resolve_flags
from tests.results_review.helpers import compile_now


def ready_edition(runner, tmp_path, organizer):
    """The shared edition with every flag resolved but A6 still one sheet short."""
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer, complete=False)
    return edition


def _gates(edition) -> list[tuple[str, str, int]]:
    return [
        (b.entry_code, b.flag, b.count) for b in pub.blockers(edition, pub.last_round_run(edition))
    ]


def _refusal(edition, organizer, **kwargs) -> str:
    with pytest.raises(pub.PublishError) as refused:
        pub.publish(edition, organizer, **kwargs)
    db.session.rollback()
    return refused.value.message


def _sheet_of(code: str) -> ScoreSheet:
    return db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.entry_id == entry_id(code)).order_by(ScoreSheet.id)
    ).first()


def _add_sheet(edition, code: str, status: str) -> ScoreSheet:
    """A second judge's sheet for ``code`` (copying the first sheet's points)."""
    first = _sheet_of(code)
    judge = factories.make_user(
        f"gk-{code.lower()}-{status}@example.vn",
        (),
        password=None,
        full_name="Giám khảo thêm",
        commit=False,
    )
    points = {s.criterion.code: s.points for s in first.scores}
    sheet = factories.make_score_sheet(
        first.entry, judge, first.round, points, status=status, commit=False
    )
    commit()
    return sheet


def test_an_incomplete_entry_blocks_and_is_named_with_the_sheets_it_lacks(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = ready_edition(runner, tmp_path, organizer)
    # The other flags are resolved; A6 has one submitted sheet of the two required.
    assert _gates(edition) == [("A6", "INCOMPLETE", 1)]
    message = _refusal(edition, organizer)
    assert "A6: chưa đủ phiếu chấm, còn thiếu 1 phiếu đã nộp." in message
    assert pub.latest_publication(edition) is None
    v1 = pub.publish(edition, organizer, override_reason="Giám khảo thứ hai vắng mặt")
    commit()
    assert v1.override_reason == "Giám khảo thứ hai vắng mặt"
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publication.publish"))
    assert audit.details["overridden"] == ["A6 INCOMPLETE"]


def test_a_draft_sheet_blocks_and_a_late_sheet_asks_for_a_new_compile(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = ready_edition(runner, tmp_path, organizer)
    _add_sheet(edition, "A2", SheetStatus.DRAFT.value)
    assert ("A2", "DRAFT_SHEETS", 1) in _gates(edition)
    assert "A2: còn 1 phiếu chấm chưa nộp (bản nháp)." in _refusal(edition, organizer)
    # A6's missing sheet arrives after the compile: the run is out of date.
    _add_sheet(edition, "A6", SheetStatus.SUBMITTED.value)
    assert ("A6", "INCOMPLETE", 0) in _gates(edition)
    assert "A6: đã đủ phiếu chấm nhưng kết quả chưa được tổng hợp lại." in _refusal(
        edition, organizer
    )
    compile_now(edition)
    assert [g for g in _gates(edition) if g[0] == "A6"] == []


def test_an_open_judging_window_blocks(runner, tmp_path, users):
    organizer = users["organizer"]
    edition = ready_edition(runner, tmp_path, organizer)
    edition.judging_starts_at = utcnow() - timedelta(days=2)
    edition.judging_ends_at = utcnow() + timedelta(days=3)
    commit()
    gates = _gates(edition)
    assert gates[0] == ("", "JUDGING_OPEN", 0)
    assert "Thời gian chấm chưa kết thúc (đến " in _refusal(edition, organizer)
    edition.judging_ends_at = utcnow() - timedelta(minutes=1)
    commit()
    assert [g for g in _gates(edition) if g[1] == "JUDGING_OPEN"] == []


def test_a_withdrawn_entry_no_longer_blocks(runner, tmp_path, users):
    edition = ready_edition(runner, tmp_path, users["organizer"])
    db.session.get(Entry, entry_id("A6")).status = "withdrawn"
    commit()
    assert _gates(edition) == []


def test_the_command_line_refuses_names_entries_and_records_the_actor(runner, tmp_path, users):
    organizer = users["organizer"]
    ready_edition(runner, tmp_path, organizer)
    refused = runner.invoke(args=["publication", "publish", SLUG])
    assert refused.exit_code == 1
    assert "A6: chưa đủ phiếu chấm, còn thiếu 1 phiếu đã nộp." in refused.output
    unknown = runner.invoke(
        args=["publication", "publish", SLUG, "--override-reason", "x", "--actor", "ai@x.vn"]
    )
    assert unknown.exit_code == 1 and "ai@x.vn" in unknown.output
    assert db.session.scalar(select(Publication)) is None
    done = runner.invoke(
        args=[
            "publication",
            "publish",
            SLUG,
            "--override-reason",
            "Trưởng ban duyệt",
            "--actor",
            organizer.email.upper(),
        ]
    )
    assert done.exit_code == 0, done.output
    v1 = db.session.scalar(select(Publication))
    assert v1.published_by_id == organizer.id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publication.publish"))
    assert audit.actor_id == organizer.id and audit.actor_label == organizer.display_name


def test_without_actor_the_os_user_is_recorded(runner, tmp_path, users):
    ready_edition(runner, tmp_path, users["organizer"])
    done = runner.invoke(args=["publication", "publish", SLUG, "--override-reason", "Duyệt"])
    assert done.exit_code == 0, done.output
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publication.publish"))
    assert audit.actor_id is None and audit.details["cli_user"]
    assert audit.actor_label.startswith("Dòng lệnh (")


def test_the_page_lists_every_gate_and_never_says_ready(client, login, runner, tmp_path, users):
    organizer = users["organizer"]
    ready_edition(runner, tmp_path, organizer)
    login(organizer)
    html = client.get(f"/organizer/publication/{SLUG}").get_data(as_text=True)
    assert "A6: chưa đủ phiếu chấm, còn thiếu 1 phiếu đã nộp." in html
    assert "Sẵn sàng công bố" not in html
    assert 'name="override_reason"' in html


def test_an_entry_accepted_after_the_compile_blocks_until_it_is_judged(runner, tmp_path, users):
    """The run does not list an entry accepted after it was compiled: the entry still counts
    as INCOMPLETE (with the sheets it lacks), and once scored it asks for a new compile."""
    organizer = users["organizer"]
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer)
    assert _gates(edition) == []
    a1 = db.session.get(Entry, entry_id("A1"))
    factories.make_entry(
        edition, "A9", a1.field.code, title="Nhận muộn", source="web", summary="", authors=(),
        commit=False,
    )  # fmt: skip
    commit()
    assert _gates(edition) == [("A9", "INCOMPLETE", 2)]
    assert "A9: chưa đủ phiếu chấm, còn thiếu 2 phiếu đã nộp." in _refusal(edition, organizer)
    rows = "entry,judge,criterion,points\n" + "".join(
        f"A9,{judge},{criterion},{points}\n"
        for judge in ("gk1@example.vn", "gk2@example.vn")
        for criterion, points in (("novelty", 20), ("effect", 30))
    )
    import_scores(edition, io.BytesIO(rows.encode()), "a9.csv", None)
    commit()
    assert _gates(edition) == [("A9", "INCOMPLETE", 0)]
    compile_now(edition)
    assert _gates(edition) == []
