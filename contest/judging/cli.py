"""``contest panel add``, ``contest judging assign`` and ``contest scores import``
(FORMATS.md "Command line"). Each command commits once at the end, or rolls back and exits 1
printing every problem."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..accounts.operations import find_user
from ..cli import fail
from ..contests.operations import get_edition
from ..entries.import_rows import ImportFailed
from ..extensions import db
from .assigning import auto_assign
from .errors import JudgingError
from .imports import import_scores
from .panels import add_judges, ensure_panel, find_field, find_round

panel_cli = AppGroup("panel", help="Tiểu ban giám khảo.")
judging_cli = AppGroup("judging", help="Phân công chấm.")
scores_cli = AppGroup("scores", help="Phiếu chấm.")


def _edition(slug: str):
    """The edition ``slug``, or exit 1."""
    edition = get_edition(slug)
    if edition is None:
        fail([_("Lỗi: không có lần thi “%(slug)s”.", slug=slug)])
    return edition


def _round(edition, code: str | None):
    """The round ``code`` (or the current round); a :class:`JudgingError` (exit 1) when
    there is none."""
    return find_round(edition, code)


@panel_cli.command("add")
@click.argument("slug")
@click.option("--field", "field_code", required=True, help="Mã lĩnh vực.")
@click.option("--round", "round_code", default=None, help="Mã vòng (mặc định: vòng hiện tại).")
@click.argument("emails", nargs=-1, required=True)
def panel_add_command(slug: str, field_code: str, round_code: str | None, emails) -> None:
    """Đưa các tài khoản giám khảo (theo e-mail) vào tiểu ban của một lĩnh vực."""
    edition = _edition(slug)
    round_ = _round(edition, round_code)
    field = find_field(edition, field_code)
    judges, problems = [], []
    for email in emails:
        user = find_user(email)
        if user is None:
            problems.append(_("Lỗi: không có tài khoản %(email)s.", email=email))
        else:
            judges.append(user)
    if problems:
        fail(problems + [_("Không có gì được ghi.")])
    try:
        panel = ensure_panel(edition, field, round_, None)
        added = add_judges(panel, judges, None)
    except JudgingError as exc:
        fail([_("Lỗi: %(p)s", p=str(exc.message)), _("Không có gì được ghi.")])
    db.session.commit()
    click.echo(
        _(
            "Tiểu ban %(field)s, vòng %(round)s: thêm %(added)d giám khảo, tổng %(total)d.",
            field=field.code,
            round=round_.code,
            added=len(added),
            total=len(panel.members),
        )
    )


@judging_cli.command("assign")
@click.argument("slug")
@click.option("--round", "round_code", default=None, help="Mã vòng (mặc định: vòng hiện tại).")
def assign_command(slug: str, round_code: str | None) -> None:
    """Phân công tự động; in các hồ sơ còn thiếu giám khảo và lý do."""
    edition = _edition(slug)
    round_ = _round(edition, round_code)
    result = auto_assign(edition, round_, None)
    db.session.commit()
    click.echo(
        _(
            "Vòng %(round)s: đã phân công thêm %(n)d lượt chấm.",
            round=round_.code,
            n=len(result.created),
        )
    )
    if result.shortfalls:
        click.echo(_("%(n)d hồ sơ còn thiếu giám khảo:", n=len(result.shortfalls)))
        for item in result.shortfalls:
            click.echo(f"  {item.entry_code}: {item.message}")
    else:
        click.echo(_("Mọi hồ sơ đã đủ giám khảo."))


@scores_cli.command("import")
@click.argument("slug")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--round", "round_code", default=None, help="Mã vòng (mặc định: vòng hiện tại).")
@click.option("--create-judges", is_flag=True, help="Tạo tài khoản giám khảo chưa có.")
def import_command(slug: str, path: str, round_code: str | None, create_judges: bool) -> None:
    """Nhập phiếu chấm giấy (CSV hoặc XLSX) thành phiếu đã nộp; lỗi ở bất kỳ dòng nào thì
    không ghi gì."""
    edition = _edition(slug)
    try:
        with open(path, "rb") as handle:
            result = import_scores(
                edition, handle, path, None, round_code=round_code, create_judges=create_judges
            )
    except OSError as exc:
        fail([_("Lỗi: không đọc được tệp %(p)s: %(e)s", p=path, e=exc.strerror or str(exc))])
    except ImportFailed as exc:
        fail([_("Lỗi: %(p)s", p=str(p)) for p in exc.problems] + [_("Không có gì được ghi.")])
    db.session.commit()
    for warning in result.warnings:
        click.echo(_("Cảnh báo: %(w)s", w=warning))
    click.echo(
        _(
            "Đã nhập %(file)s vào %(slug)s, vòng %(round)s: %(created)d phiếu mới, "
            "%(updated)d cập nhật, %(unchanged)d không đổi; %(judges)d tài khoản giám khảo mới.",
            file=path,
            slug=slug,
            round=result.round_code,
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
            judges=len(result.judges_created),
        )
    )


def register(app: Flask) -> None:
    """Attach ``contest panel``, ``contest judging`` and ``contest scores``."""
    for group in (panel_cli, judging_cli, scores_cli):
        app.cli.add_command(group)
