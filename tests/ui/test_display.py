"""The display layer: numbers without scientific notation in both languages, words for every
code, audit entries as sentences with their details."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import force_locale

from contest import display
from contest.audit.models import AuditEntry


def test_numbers_never_use_scientific_notation(app):
    assert display.points(Decimal("2E+1")) == "20"
    assert display.points(Decimal("4E+1")) == "40"
    assert display.points(Decimal("7.50")) == "7,5"
    assert display.points(Decimal("1234.25")) == "1.234,25"
    assert display.points(Decimal("1234.25"), "en") == "1,234.25"
    assert display.points(None) == "" and display.points(None, empty="—") == "—"
    assert display.count(12345) == "12.345" and display.count(12345, "en") == "12,345"
    assert display.vnd(1500000) == "1.500.000\xa0₫"
    assert display.input_number(Decimal("3E+1")) == "30"
    assert display.input_number(Decimal("7.50")) == "7,5"


def test_filters_follow_the_chosen_language(app):
    template = app.jinja_env.from_string("{{ v|points }} {{ v|number }} {{ n|count }}")
    with app.test_request_context():
        with force_locale("vi"):
            assert template.render(v=Decimal("1.2E+3"), n=2000) == "1.200 1.200 2.000"
        with force_locale("en"):
            assert template.render(v=Decimal("1.2E+3"), n=2000) == "1,200 1,200 2,000"


def test_every_flag_and_status_has_words(app):
    with app.test_request_context():
        for flag in ("DISCREPANCY", "INCOMPLETE", "TIE_AT_QUOTA", "PANEL_SCORE", "ADVANCED"):
            assert display.label(flag) != flag
        for code in ("draft", "submitted", "received", "accepted", "rejected", "withdrawn"):
            assert display.label(code) != code
        for code in ("pending", "queued", "running", "succeeded", "failed"):
            assert display.label(code) != code
        assert display.label("description") == "Bản thuyết minh / bản mô tả giải pháp"
        assert display.label("results.compile", "job") == "Tổng hợp kết quả"
        assert display.flags_label("DISCREPANCY;INCOMPLETE") == (
            "Chênh lệch điểm giữa giám khảo, Chưa đủ phiếu chấm"
        )


def test_audit_entries_read_as_sentences(app, users):
    organizer = users["organizer"]
    entry = AuditEntry(
        action="judging.scores_import",
        actor=organizer,
        details={"filename": "diem.xlsx", "created": 100, "updated": 20},
    )
    with app.test_request_context():
        sentence = display.audit_sentence(entry)
        assert sentence == f"{organizer.display_name} nhập 120 phiếu chấm từ tệp diem.xlsx"
        publish = AuditEntry(action="publication.publish", actor=organizer, details={"version": 2})
        assert display.audit_sentence(publish).endswith("công bố phiên bản 2")
        assert display.audit_phrase("something.unknown") == "thay đổi khác"


def test_attachment_kinds_in_file_names_are_vietnamese():
    assert display.attachment_file_word("description") == "ban-thuyet-minh"
    assert display.attachment_file_word("photos") == "anh"
    assert display.attachment_file_word("new_kind") == "new-kind"


def test_sheet_exports_and_paper_sheets_print_whole_maxima(app):
    """The maxima of the sheets XLSX header and of the paper sheets: "40", never "4E+1"."""
    from contest.contests.demo import seed_editions
    from contest.contests.models import Edition
    from contest.extensions import db
    from contest.judging import exports, paper

    seed_editions()
    db.session.commit()
    edition = db.session.scalars(db.select(Edition).order_by(Edition.id)).first()
    for criterion in edition.criteria:
        criterion.max_points = Decimal("4E+1")
    db.session.flush()
    with app.test_request_context():
        head = " ".join(exports.header(edition))
        html = paper.render_html(edition, edition.rounds[-1])
    assert "≤ 40)" in head and not re.search(r"\d[Ee][+-]\d", head)
    assert not re.search(r"\d[Ee][+-]\d", html)


def _recorded_actions() -> set[str]:
    """Every audit action the code records: the second argument of each ``record(...)`` call
    in contest/, a string or a module-level constant naming one."""
    import ast
    from pathlib import Path

    actions: set[str] = set()
    for path in Path(display.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "record":
                continue
            for arg in ast.walk(node.args[1]):  # also both arms of `"a" if x else "b"`
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    actions.add(arg.value)
                elif isinstance(arg, ast.Name) and arg.id in constants:
                    actions.add(constants[arg.id])
    return {a for a in actions if re.fullmatch(r"[a-z_]+\.[a-z_]+", a)}


def test_every_recorded_audit_action_has_a_sentence(app):
    actions = _recorded_actions()
    assert len(actions) > 30  # the scan found the calls
    missing = sorted(a for a in actions if a not in display.AUDIT_PHRASES)
    assert not missing, f"audit actions without a phrase in display.AUDIT_PHRASES: {missing}"
