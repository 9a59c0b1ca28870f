"""``contest results compile`` and ``contest results export`` (FORMATS.md "Command line").

* ``compile SLUG [--round CODE] [--timeout S]`` creates a ``results.compile`` job, commits,
  dispatches it through Celery (in-process when ``REDIS_URL`` is unset; with a worker the
  command waits, polling the job row) and prints a summary: run number (or "unchanged, run N"
  when the inputs did not change), entries, ranked entries, prizes per level, flag counts.
* ``export SLUG FILE [--round CODE] [--layout standard|official]`` writes the round's latest
  run; ``.csv`` or ``.xlsx`` by the file's extension.

Default round (both commands): the edition's LAST round (the one that gives prizes); name
``--round`` for a preliminary round. Errors go to stderr with exit status 1.
"""

from __future__ import annotations

import re

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..audit import actor as cli_actor
from ..cli import fail
from ..contests.operations import get_edition
from ..jobs.models import JobStatus
from ..jobs.operations import commit, wait_for
from . import tasks
from .compile import check_compilable, latest_run
from .config_from_edition import ordered_rounds
from .export_files import LAYOUTS, export_run

results_cli = AppGroup("results", help="Kết quả: tổng hợp và xuất tệp.")


def _edition_and_round(slug: str, code: str | None):
    """The edition ``slug`` and its round ``code`` (default: the last round), or exit 1."""
    edition = get_edition(slug)
    if edition is None:
        fail([_("Lỗi: không có lần thi “%(slug)s”.", slug=slug)])
    rounds = ordered_rounds(edition)
    if not rounds:
        fail([_("Lỗi: lần thi chưa có vòng chấm nào.")])
    if not code:
        return edition, rounds[-1]
    found = next((r for r in rounds if r.code.casefold() == code.casefold()), None)
    if found is None:
        fail(
            [
                _(
                    "Lỗi: không có vòng “%(code)s” (các vòng: %(codes)s).",
                    code=code,
                    codes=", ".join(r.code for r in rounds),
                )
            ]
        )
    return edition, found


def _job_error(error: str | None) -> str:
    """The exception's message from a failed job's traceback (the job keeps the whole
    traceback): the last unindented line that is not SQLAlchemy's ``[SQL: …]`` or
    ``(Background …)`` note, without the ``pkg.module.ErrorName:`` prefix."""
    lines = [
        line
        for line in (error or "").splitlines()
        if line.strip() and not line[0].isspace() and not line.startswith(("(", "["))
    ]
    return re.sub(r"^[\w.]+: ", "", lines[-1], count=1) if lines else ""


def _summary_lines(result: dict) -> list[str]:
    """The compile summary as printed lines."""
    if result["created"]:
        head = _(
            "Vòng %(round)s: lần tổng hợp số %(n)d.", round=result["round"], n=result["number"]
        )
    else:
        head = _(
            "Vòng %(round)s: không thay đổi, lần tổng hợp số %(n)d.",
            round=result["round"],
            n=result["number"],
        )
    lines = [
        head,
        _(
            "%(entries)d hồ sơ, %(ranked)d được xếp hạng.",
            entries=result["entries"],
            ranked=result["ranked"],
        ),
    ]
    prizes = ", ".join(f"{code} {n}" for code, n in result["prizes"].items())
    lines.append(_("Giải: %(list)s", list=prizes or "—"))
    flags = ", ".join(f"{flag} {n}" for flag, n in result["flags"].items())
    lines.append(_("Cờ: %(list)s", list=flags or "—"))
    return lines


@results_cli.command("compile")
@click.argument("slug")
@click.option("--round", "round_code", default=None, help="Mã vòng (mặc định: vòng cuối).")
@click.option("--timeout", default=600.0, show_default=True, help="Số giây chờ tối đa.")
def compile_command(slug: str, round_code: str | None, timeout: float) -> None:
    """Tổng hợp kết quả một vòng (chạy qua hàng đợi công việc, chờ và in tóm tắt)."""
    edition, round_ = _edition_and_round(slug, round_code)
    check_compilable(edition, round_)
    job_id = tasks.create_compile_job(edition, round_, user=cli_actor.current_user_or_none()).id
    commit()
    job = wait_for(job_id, timeout=timeout)
    if job is None or job.status != JobStatus.SUCCEEDED.value:
        if job is not None and job.status == JobStatus.FAILED.value:
            fail([_("Lỗi: %(p)s", p=_job_error(job.error))])
        fail([_("Lỗi: công việc %(id)d chưa xong sau %(s)d giây.", id=job_id, s=int(timeout))])
    assert job.result is not None  # a compile that succeeded always says what it did
    for line in _summary_lines(job.result):
        click.echo(line)


@results_cli.command("export")
@click.argument("slug")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--round", "round_code", default=None, help="Mã vòng (mặc định: vòng cuối).")
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="standard",
    show_default=True,
    help="standard: tệp kết quả; official: danh sách gửi UBND.",
)
def export_command(slug: str, path: str, round_code: str | None, layout: str) -> None:
    """Xuất kết quả lần tổng hợp mới nhất của một vòng ra tệp .csv hoặc .xlsx."""
    edition, round_ = _edition_and_round(slug, round_code)
    if not path.lower().endswith((".csv", ".xlsx")):
        fail([_("Lỗi: tên tệp phải kết thúc bằng .csv hoặc .xlsx.")])
    run = latest_run(round_)
    if run is None:
        fail(
            [
                _(
                    "Lỗi: vòng %(round)s chưa được tổng hợp (chạy “contest results compile”).",
                    round=round_.code,
                )
            ]
        )
    try:
        count = export_run(path, run, layout)
    except OSError as exc:
        fail([_("Lỗi: không ghi được tệp %(p)s: %(e)s", p=path, e=exc.strerror or str(exc))])
    click.echo(
        _(
            "Đã xuất %(n)d dòng của lần tổng hợp số %(number)d, vòng %(round)s, ra %(file)s.",
            n=count,
            number=run.number,
            round=round_.code,
            file=path,
        )
    )


def register(app: Flask) -> None:
    """Attach ``contest results``."""
    app.cli.add_command(results_cli)
