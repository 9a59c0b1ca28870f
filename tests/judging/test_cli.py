"""``contest panel add`` → ``contest judging assign`` → ``contest scores import``, end to end,
and the demo judging seed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.accounts.models import Role
from contest.extensions import db
from contest.judging.models import Assignment, Panel, ScoreSheet
from tests import factories
from tests.judging.conftest import make_entry


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_panel_add_assign_and_scores_import(runner, edition, judges, tmp_path):
    for i in range(1, 4):
        make_entry(edition, f"CNTT-{i:03d}")
    make_entry(edition, "CK-001", field="CK")
    emails = [j.email for j in judges]

    bad = runner.invoke(args=["panel", "add", "stkt-2026", "--field", "CNTT", "nobody@x.vn"])
    assert bad.exit_code == 1 and "nobody@x.vn" in bad.output
    assert _count(Panel) == 0
    factories.make_user("entrant@x.vn", (Role.ENTRANT,))
    not_judge = runner.invoke(
        args=["panel", "add", "stkt-2026", "--field", "CNTT", emails[0], "entrant@x.vn"]
    )
    assert not_judge.exit_code == 1 and "giám khảo" in not_judge.output
    assert _count(Panel) == 0
    bad_field = runner.invoke(args=["panel", "add", "stkt-2026", "--field", "XX", emails[0]])
    assert bad_field.exit_code == 1 and "CNTT" in bad_field.output

    added = runner.invoke(args=["panel", "add", "stkt-2026", "--field", "cntt", *emails])
    assert added.exit_code == 0, added.output
    assert "CNTT" in added.output and "final" in added.output

    assigned = runner.invoke(args=["judging", "assign", "stkt-2026"])
    assert assigned.exit_code == 0, assigned.output
    assert "6" in assigned.output  # 3 entries × 2 judges
    assert "CK-001" in assigned.output and "tiểu ban" in assigned.output
    assert _count(Assignment) == 6

    path = tmp_path / "diem.csv"
    rows = ["entry,judge,criterion,points"] + [
        f"CNTT-001,{emails[0]},{c},{p}"
        for c, p in (("novelty", "20"), ("applicability", "20"), ("effect", '"30,5"'))
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    imported = runner.invoke(args=["scores", "import", "stkt-2026", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "1 phiếu mới" in imported.output
    again = runner.invoke(args=["scores", "import", "stkt-2026", str(path), "--round", "final"])
    assert again.exit_code == 0 and "1 không đổi" in again.output
    assert _count(ScoreSheet) == 1 and _count(Assignment) == 6

    broken = tmp_path / "hong.csv"
    broken.write_text(
        "entry,judge,criterion,points\nCNTT-002,new@x.vn,novelty,99\n", encoding="utf-8"
    )
    failed = runner.invoke(args=["scores", "import", "stkt-2026", str(broken)])
    assert failed.exit_code == 1
    assert "dòng 2, cột judge" in failed.output and "dòng 2, cột points" in failed.output
    created = runner.invoke(args=["scores", "import", "stkt-2026", str(broken), "--create-judges"])
    assert created.exit_code == 1 and "cột judge" not in created.output
    unknown = runner.invoke(args=["judging", "assign", "stkt-2026", "--round", "semi"])
    assert unknown.exit_code == 1 and "semi" in unknown.output


@pytest.mark.slow
def test_demo_seeds_panels_assignments_and_a_mix_of_sheets(app):
    from contest.demo import seed_demo

    seed_demo()
    assert _count(Panel) > 0
    statuses = dict(
        db.session.execute(
            select(ScoreSheet.status, func.count(ScoreSheet.id)).group_by(ScoreSheet.status)
        ).all()
    )
    assert statuses.get("submitted", 0) > 0 and statuses.get("draft", 0) > 0
    assert _count(Assignment) > _count(ScoreSheet)
    before = (_count(Panel), _count(Assignment), _count(ScoreSheet))
    seed_demo()
    assert (_count(Panel), _count(Assignment), _count(ScoreSheet)) == before
