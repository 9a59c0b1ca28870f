"""``contest national export|import|mark``: the province-to-national package.

* ``export SLUG FILE [--province NAME]`` writes the package of the edition's national
  selection (:mod:`.package`), signed with ``NATIONAL_PACKAGE_KEY``; written to ``FILE.part``
  then renamed, so a failed export leaves no file.
* ``import FILE --into SLUG`` verifies the package (signature, every file's size and SHA-256)
  and receives it into the national edition SLUG; re-importing is idempotent.
* ``mark SLUG [--unset]`` flags an edition as national (or not).

Errors go to stderr with exit status 1 and nothing written.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..audit import actor as cli_actor
from ..cli import fail
from ..contests.operations import get_edition
from ..extensions import db
from ..timeutil import utcnow
from . import intake
from .package import PackageError, package_key, sending_province, write_package

national_cli = AppGroup("national", help="Cấp toàn quốc: gói hồ sơ gửi từ tỉnh, tiếp nhận.")


def _fail(message: str) -> None:
    fail(_("Lỗi: %(message)s", message=message))


def _edition(slug: str):
    edition = get_edition(slug)
    if edition is None:
        _fail(_("không có lần thi “%(slug)s”.", slug=slug))
    return edition


@national_cli.command("export")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--province", default=None, help="Tỉnh gửi (mặc định: tỉnh của lần thi).")
def export_command(slug: str, file: Path, province: str | None) -> None:
    """Ghi gói hồ sơ gửi dự thi toàn quốc (ZIP đã ký) của lần thi SLUG vào FILE."""
    edition = _edition(slug)
    partial = file.with_name(file.name + ".part")
    try:
        key = package_key()
        if province is None and edition.province is not None:
            province = edition.province.code or edition.province.name  # the edition's own
        area = sending_province(province)
        with open(partial, "wb") as target:
            manifest = write_package(target, edition, area, key, utcnow())
        os.replace(partial, file)
    except PackageError as exc:
        partial.unlink(missing_ok=True)
        _fail(exc.message)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    files = sum(len(e["attachments"]) for e in manifest["entries"])
    click.echo(
        _("Đã ghi gói hồ sơ: %(n)d sản phẩm, %(f)d tệp → %(file)s",
          n=len(manifest["entries"]), f=files, file=file)
    )  # fmt: skip


@national_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--into", "into", required=True, help="Lần thi toàn quốc nhận sản phẩm.")
def import_command(file: Path, into: str) -> None:
    """Kiểm tra và tiếp nhận gói hồ sơ FILE vào lần thi toàn quốc --into."""
    edition = _edition(into)
    try:
        key = package_key()
        with open(file, "rb") as source:
            result = intake.import_file(source, edition, cli_actor.current_user_or_none(), key)
    except PackageError as exc:
        _fail(exc.message)
    db.session.commit()
    intake.delete_stale(result.stale_keys)
    click.echo(
        _("Đã tiếp nhận từ %(province)s: %(c)d sản phẩm mới, %(u)d cập nhật, %(s)d không đổi.",
          province=result.province_name, c=len(result.created), u=len(result.updated),
          s=len(result.unchanged))
    )  # fmt: skip
    for code in result.created:
        click.echo(_("  mới: %(code)s", code=code))
    for code in result.updated:
        click.echo(_("  cập nhật: %(code)s", code=code))


@national_cli.command("mark")
@click.argument("slug")
@click.option("--unset", is_flag=True, help="Bỏ đánh dấu lần thi toàn quốc.")
def mark_command(slug: str, unset: bool) -> None:
    """Đánh dấu lần thi SLUG là lần thi toàn quốc (nhận sản phẩm từ các tỉnh)."""
    edition = _edition(slug)
    try:
        changed = intake.mark(edition, cli_actor.current_user_or_none(), national=not unset)
    except PackageError as exc:
        _fail(exc.message)
    db.session.commit()
    if unset:
        click.echo(
            _("Đã bỏ đánh dấu toàn quốc.")
            if changed
            else _("Lần thi không được đánh dấu toàn quốc.")
        )
    else:
        click.echo(
            _("Đã đánh dấu lần thi toàn quốc.")
            if changed
            else _("Lần thi đã là lần thi toàn quốc.")
        )


def register(app: Flask) -> None:
    """Attach ``contest national``."""
    app.cli.add_command(national_cli)
