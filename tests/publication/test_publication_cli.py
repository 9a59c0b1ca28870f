"""``contest publication publish|list|finalize``."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from contest.extensions import db
from contest.publication.models import Publication
from tests.publication.flow import SLUG, T0, correct, ready_edition
from tests.publication.helpers import compiled_edition


def _count() -> int:
    return db.session.scalar(select(func.count(Publication.id)))


def test_publish_is_gated_and_a_correction_needs_a_note(runner, tmp_path, users):
    edition = compiled_edition(runner, tmp_path)
    refused = runner.invoke(args=["publication", "publish", SLUG])
    assert refused.exit_code == 1 and "A5" in refused.output and "Lỗi:" in refused.output
    assert _count() == 0
    with time_machine.travel(T0, tick=False):
        done = runner.invoke(
            args=["publication", "publish", SLUG, "--override-reason", "Trưởng ban duyệt"]
        )
    assert done.exit_code == 0, done.output
    assert "Đã công bố phiên bản 1: 5 hồ sơ đạt giải." in done.output
    assert "Niêm yết đến 16/09/2026 10:00." in done.output
    v1 = db.session.scalar(select(Publication))
    assert v1.override_reason == "Trưởng ban duyệt" and v1.published_by_id is None
    refused = runner.invoke(args=["publication", "publish", SLUG, "--override-reason", "Vẫn"])
    assert refused.exit_code == 1 and "đính chính" in refused.output
    del edition


def test_list_and_finalize(runner, tmp_path, users):
    edition = ready_edition(runner, tmp_path, users["organizer"])
    assert "chưa công bố" in runner.invoke(args=["publication", "list", SLUG]).output
    with time_machine.travel(T0, tick=False):
        first = runner.invoke(args=["publication", "publish", SLUG, "--posting-days", "0"])
        assert "Không niêm yết: kết quả là chính thức." in first.output
    correct(edition, users["organizer"])
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        second = runner.invoke(
            args=["publication", "publish", SLUG, "--posting-days", "10", "--note", "Bốc thăm"]
        )
        assert second.exit_code == 0, second.output
        lines = runner.invoke(args=["publication", "list", SLUG]).output.splitlines()
        assert lines[0].startswith("Phiên bản 2 · Đang niêm yết đến 12/09/2026 10:00")
        assert "6 hồ sơ đạt giải" in lines[0] and "ghi chú: Bốc thăm" in lines[0]
        assert lines[1].startswith("Phiên bản 1 · Đã được thay thế · công bố 01/09/2026 10:00")
        assert "0 phiên bản" in runner.invoke(args=["publication", "finalize"]).output
    with time_machine.travel(T0 + timedelta(days=11), tick=False):
        assert "1 phiên bản" in runner.invoke(args=["publication", "finalize"]).output
        assert (
            "Phiên bản 2 · Chính thức" in runner.invoke(args=["publication", "list", SLUG]).output
        )
    db.session.expire_all()
    assert db.session.scalar(
        select(Publication.finalized_at).where(Publication.version == 2)
    ) == T0 + timedelta(days=11)


def test_errors(runner, app):
    unknown = runner.invoke(args=["publication", "list", "khong-co"])
    assert unknown.exit_code == 1 and "không có lần thi “khong-co”" in unknown.output
    bad = runner.invoke(args=["publication", "publish", "khong-co", "--posting-days", "91"])
    assert bad.exit_code == 2
