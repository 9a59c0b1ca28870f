"""``contest entries …``: import an entries file (FORMATS.md, all or nothing) and export the
entry list to XLSX."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..cli import fail
from ..contests.operations import get_edition
from ..extensions import db
from .exports import export_edition
from .imports import ImportFailed, import_entries

entries_cli = AppGroup("entries", help="Hồ sơ dự thi: nhập từ tệp, xuất danh sách.")


def _edition(slug: str):
    edition = get_edition(slug)
    if edition is None:
        fail([_("Lỗi: không có lần thi “%(slug)s”.", slug=slug)])
    return edition


@entries_cli.command("import")
@click.argument("slug")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
def import_command(slug: str, path: str) -> None:
    """Nhập hồ sơ từ tệp CSV hoặc XLSX (khoá: cột code); lỗi ở bất kỳ dòng nào thì không ghi
    gì."""
    edition = _edition(slug)
    try:
        with open(path, "rb") as handle:
            result = import_entries(edition, handle, path, None)
    except OSError as exc:
        fail([_("Lỗi: không đọc được tệp %(p)s: %(e)s", p=path, e=exc.strerror or str(exc))])
    except ImportFailed as exc:
        fail([_("Lỗi: %(p)s", p=str(p)) for p in exc.problems] + [_("Không có gì được ghi.")])
    db.session.commit()
    click.echo(
        _(
            "Đã nhập %(file)s vào %(slug)s: %(created)d hồ sơ mới, %(updated)d cập nhật, "
            "%(unchanged)d không đổi.",
            file=path,
            slug=slug,
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
        )
    )


@entries_cli.command("export")
@click.argument("slug")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
def export_command(slug: str, path: str) -> None:
    """Xuất danh sách hồ sơ (trừ bản nháp) ra tệp XLSX có tiêu đề tiếng Việt."""
    edition = _edition(slug)
    try:
        count = export_edition(path, edition)
    except OSError as exc:
        fail([_("Lỗi: không ghi được tệp %(p)s: %(e)s", p=path, e=exc.strerror or str(exc))])
    click.echo(_("Đã xuất %(n)d hồ sơ ra %(file)s.", n=count, file=path))


def register(app: Flask) -> None:
    """Attach ``contest entries``."""
    app.cli.add_command(entries_cli)
