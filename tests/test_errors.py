"""A refusal reaches the user the same way from every view and command (contest.errors): the
unit of work rolls it back and flashes it, a view that lets it through answers its status and
message, a command prints it and exits with its exit code."""

from __future__ import annotations

import click
import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select

from contest.accounts.operations import AccountError
from contest.announcements.audience import AudienceError
from contest.announcements.operations import CountChanged, InvalidAnnouncement
from contest.api.tokens import TokenRefused
from contest.api.webhooks import WebhookRefused
from contest.areas.models import Area, AreaLevel
from contest.areas.official import UnknownProvince
from contest.areas.operations import AreaError
from contest.cli import _report_user_errors
from contest.contests.deadlines import SubmissionsClosed
from contest.contests.gates import ResultsPublished
from contest.contests.validation import InvalidEdition
from contest.entries.access import NotAllowed
from contest.entries.judge_copies import JudgeCopyUnavailable
from contest.entries.states import EntryError, StaleEntry
from contest.errors import UserError, message_of, unit_of_work
from contest.extensions import db
from contest.judging.conflicts import ConflictRefused
from contest.judging.errors import JudgingError, NotAssigned, StaleSheet
from contest.judging.judge_files import FileWithheld
from contest.ops.backup import BackupError
from contest.results.compile import CompileBusy, CompileError
from contest.results.decisions import DecisionError
from contest.storage import StorageError
from contest.tabular import TableError


class Refused(UserError):
    status = 409
    exit_code = 3


def _areas() -> int:
    return db.session.scalar(select(func.count()).select_from(Area))


def _add_area(name: str = "Tỉnh Một") -> None:
    db.session.add(Area(name=name, level=AreaLevel.PROVINCE.value))
    db.session.flush()


# --- The base class ------------------------------------------------------------------------


def test_every_domain_refusal_is_a_user_error():
    refusals = (
        AccountError, AudienceError, CountChanged, InvalidAnnouncement, TokenRefused,
        WebhookRefused, UnknownProvince, AreaError, SubmissionsClosed, ResultsPublished,
        InvalidEdition, NotAllowed, JudgeCopyUnavailable, EntryError, ConflictRefused,
        JudgingError, FileWithheld, BackupError, CompileError, DecisionError, StorageError,
        TableError,
    )  # fmt: skip
    assert [r.__name__ for r in refusals if not issubclass(r, UserError)] == []
    assert issubclass(UnknownProvince, LookupError)  # callers catching LookupError still do


def test_refusals_keep_their_messages_and_attributes():
    assert AreaError("Địa bàn đang dùng.").message == "Địa bàn đang dùng."
    assert str(JudgingError("Ngoài thời gian chấm.")) == "Ngoài thời gian chấm."
    assert str(EntryError().message) == "Không thực hiện được thao tác với hồ sơ."
    assert str(NotAllowed()).startswith("Bạn không có quyền")
    error = AccountError("Địa chỉ đã dùng.", field="email")
    assert (error.message, error.field) == ("Địa chỉ đã dùng.", "email")
    assert str(StorageError().message) == "Không lưu được tệp."
    assert message_of(SubmissionsClosed("Hết hạn nộp.")) == "Hết hạn nộp."
    changed = CountChanged(3, 4)
    assert (changed.previous, changed.count) == (3, 4)
    assert "từ 3 thành 4" in str(changed.message)
    assert message_of(ValueError("not a refusal")) == "not a refusal"


def test_statuses_and_categories():
    assert UserError().status == 400 and UserError().exit_code == 1
    assert NotAllowed().status == NotAssigned("x").status == 403
    assert StaleEntry().status == StaleSheet("x").status == CompileBusy("x").status == 409
    assert StaleEntry().category == "warning" and EntryError().category == "danger"


# --- The unit of work ------------------------------------------------------------------------


def test_a_unit_of_work_commits_its_block(app):
    with app.test_request_context(), unit_of_work() as work:
        _add_area()
    db.session.rollback()
    assert not work.refused and _areas() == 1


def test_a_refusal_is_rolled_back_and_each_line_flashed(app):
    with app.test_request_context():
        with unit_of_work() as work:
            _add_area()
            raise Refused("Dòng một\nDòng hai")
        assert work.refused and isinstance(work.error, Refused)
        assert get_flashed_messages(with_categories=True) == [
            ("danger", "Dòng một"),
            ("danger", "Dòng hai"),
        ]
    assert _areas() == 0


def test_the_flash_category_is_the_errors_unless_given(app):
    with app.test_request_context():
        with unit_of_work():
            raise StaleEntry()
        with unit_of_work(category="danger"):
            raise StaleEntry()
        with unit_of_work(flash_message=False) as quiet:
            raise StaleEntry()
        assert [c for c, _m in get_flashed_messages(with_categories=True)] == ["warning", "danger"]
        assert quiet.refused


def test_other_exceptions_roll_back_and_propagate(app):
    with app.test_request_context():
        with pytest.raises(ValueError), unit_of_work():
            _add_area()
            raise ValueError("a bug")
        with pytest.raises(Refused), unit_of_work(AreaError):  # only the refusals named
            raise Refused("x")
        assert get_flashed_messages() == []
    assert _areas() == 0


# --- A refusal a view lets through ---------------------------------------------------------


def test_a_refusal_a_view_lets_through_answers_its_status_and_message(app, client):
    def refusing():
        _add_area()
        raise Refused("Hồ sơ đã được người khác thay đổi.")

    app.add_url_rule("/test-refusal", "test_refusal", refusing)
    page = client.get("/test-refusal")
    assert page.status_code == 409
    assert "Hồ sơ đã được người khác thay đổi." in page.get_data(as_text=True)
    assert "Dữ liệu đã thay đổi" in page.get_data(as_text=True)
    answer = client.get("/test-refusal", headers={"Accept": "application/json"})
    assert answer.status_code == 409
    assert answer.get_json() == {
        "error": "Dữ liệu đã thay đổi",
        "message": "Hồ sơ đã được người khác thay đổi.",
        "status": 409,
    }
    db.session.rollback()
    assert _areas() == 0


# --- A refusal a command lets through --------------------------------------------------------


def test_a_refusal_a_command_lets_through_is_printed_with_its_exit_code(app, runner):
    @click.command("refuse")
    def refuse():
        _add_area()
        raise Refused("Không có vòng chấm “V9”.")

    _report_user_errors(refuse)
    result = runner.invoke(refuse, [])
    assert result.exit_code == 3
    assert "Lỗi: Không có vòng chấm “V9”." in result.output
    assert _areas() == 0
