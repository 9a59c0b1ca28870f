"""``contest publication publish|list|finalize`` (RULES §6).

* ``publish SLUG [--posting-days N] [--note TEXT] [--override-reason TEXT]`` publishes the
  latest run of the edition's last round as the next version (as the organizers' page does;
  the actor is ``--actor``, else the operating-system user). Refused, naming every entry and
  what it lacks, while judging is unfinished or a flag is unresolved (see ``publish``), unless
  ``--override-reason`` is given. Irreversible: a correction is a new version and needs ``--note``.
* ``list SLUG`` prints every version: number, state, when, winners, note, override.
* ``finalize`` records the end of the posting periods that are over (also run by beat).

Errors go to stderr with exit status 1.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..audit import actor as cli_actor
from ..cli import fail
from ..contests.operations import get_edition
from ..jobs.operations import commit
from ..timeutil import format_local, utcnow
from . import operations as pub

publication_cli = AppGroup("publication", help="Công bố kết quả: phiên bản, niêm yết.")


def _edition(slug: str):
    edition = get_edition(slug)
    if edition is None:
        fail(_("Lỗi: không có lần thi “%(slug)s”.", slug=slug))
    return edition


def state_text(publication, now) -> str:
    """The version's state as people read it."""
    state = pub.state(publication, now)
    if state == pub.State.POSTING:
        return _("Đang niêm yết đến %(at)s", at=format_local(publication.posting_ends_at))
    if state == pub.State.FINAL:
        return _("Chính thức")
    return _("Đã được thay thế")


@publication_cli.command("publish")
@click.argument("slug")
@click.option(
    "--posting-days",
    type=click.IntRange(0, pub.MAX_POSTING_DAYS),
    default=pub.DEFAULT_POSTING_DAYS,
    show_default=True,
    help="Số ngày niêm yết (0: chính thức ngay).",
)
@click.option("--note", default="", help="Lý do đính chính (bắt buộc từ phiên bản 2).")
@click.option(
    "--override-reason",
    default="",
    help=(
        "Lý do vẫn công bố khi còn vấn đề chưa xử lý (phiếu chấm thiếu hoặc nháp, thời gian "
        "chấm chưa kết thúc, cờ chưa xử lý)."
    ),
)
def publish_command(slug: str, posting_days: int, note: str, override_reason: str) -> None:
    """Công bố kết quả lần tổng hợp mới nhất của vòng cuối (không thể sửa; đính chính là
    phiên bản mới)."""
    edition = _edition(slug)
    try:
        publication = pub.publish(
            edition,
            cli_actor.current_user_or_none(),
            posting_days=posting_days,
            note=note,
            override_reason=override_reason,
        )
    except pub.PublishError as exc:
        fail(_("Lỗi: %(p)s", p=exc.message))
    version, count = publication.version, publication.entry_count
    ends = publication.posting_ends_at
    commit()
    click.echo(_("Đã công bố phiên bản %(n)d: %(count)d hồ sơ đạt giải.", n=version, count=count))
    if ends is not None:
        click.echo(_("Niêm yết đến %(at)s.", at=format_local(ends)))
    else:
        click.echo(_("Không niêm yết: kết quả là chính thức."))


@publication_cli.command("list")
@click.argument("slug")
def list_command(slug: str) -> None:
    """Liệt kê các phiên bản đã công bố của một lần thi."""
    edition = _edition(slug)
    now = utcnow()
    versions = pub.publications(edition)
    if not versions:
        click.echo(_("Lần thi “%(slug)s” chưa công bố kết quả.", slug=slug))
        return
    for publication in versions:
        line = _(
            "Phiên bản %(n)d · %(state)s · công bố %(at)s · %(count)d hồ sơ đạt giải",
            n=publication.version,
            state=state_text(publication, now),
            at=format_local(publication.published_at),
            count=publication.entry_count,
        )
        if publication.note:
            line += " · " + _("ghi chú: %(t)s", t=publication.note)
        if publication.override_reason:
            line += " · " + _("công bố khi còn cờ: %(t)s", t=publication.override_reason)
        click.echo(line)


@publication_cli.command("finalize")
def finalize_command() -> None:
    """Ghi nhận các phiên bản đã hết thời gian niêm yết (trở thành chính thức)."""
    count = pub.finalize_due()
    commit()
    click.echo(_("Đã ghi nhận %(n)d phiên bản hết thời gian niêm yết.", n=count))


def register(app: Flask) -> None:
    """Attach ``contest publication``."""
    app.cli.add_command(publication_cli)
