"""``contest jobs sweep|list|selfcheck``."""

from __future__ import annotations

from contest.jobs.models import JobStatus
from tests.jobs.helpers import add_job, reload
from tests.services import port_free


def test_sweep_prints_how_many_were_enqueued(runner):
    old = add_job(age=120)
    fresh = add_job()
    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Đã đưa 1 công việc vào hàng đợi."
    assert reload(old.id).status == JobStatus.SUCCEEDED
    assert reload(fresh.id).status == JobStatus.PENDING

    result = runner.invoke(args=["jobs", "sweep", "--older-than", "0"])
    assert "Đã đưa 1 công việc" in result.output
    assert reload(fresh.id).status == JobStatus.SUCCEEDED


def test_list_prints_recent_jobs(runner, users):
    add_job("mail.send", status="failed", created_by_id=users["entrant"].id)
    add_job(status="succeeded", progress=4, total=4)
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert "succeeded" in lines[0] and "100%" in lines[0] and "Kiểm tra hệ thống" in lines[0]
    assert "failed" in lines[1] and "entrant@example.vn" in lines[1] and "Gửi e-mail" in lines[1]

    result = runner.invoke(args=["jobs", "list", "--status", "failed", "--limit", "5"])
    assert len(result.output.strip().splitlines()) == 1
    result = runner.invoke(args=["jobs", "list", "--status", "running"])
    assert result.output.strip() == "Chưa có công việc nào."


def test_selfcheck_command_runs_the_check(runner):
    result = runner.invoke(args=["jobs", "selfcheck"])
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output and "database:" in result.output


def test_selfcheck_command_fails_when_no_worker_runs_it(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port_free()}/0", CELERY_TASK_ALWAYS_EAGER=False)
    result = app.test_cli_runner().invoke(args=["jobs", "selfcheck", "--wait", "0.2"])
    assert result.exit_code == 1
    assert "pending" in result.output
