"""``contest backup DIR [--verify]`` and ``contest restore DIR [--force]``.

Exit status 0 on success, 1 when the backup or the restore was refused or failed (the reason
is printed, one problem a line). Both record an audit entry (``--actor EMAIL``; default: the
operating-system user). ``contest restore`` resolves ``--actor`` in the *restored* database,
since the database may be empty before.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..cli import fail, user_by_email
from ..extensions import db
from ..storage import get_storage
from .backup import BackupError, create_backup, verify_backup
from .restore import RestoreRefused, restore_backup


def _problem_lines(problems: list[str]) -> list[str]:
    """The first 50 ``problems``, one a line, and how many more there are."""
    more = [f"  … (+{len(problems) - 50})"] if len(problems) > 50 else []
    return [*(f"  - {problem}" for problem in problems[:50]), *more]


def _size(n: int) -> str:
    from ..display import points

    return f"{points(round(n / 1024 / 1024, 1))} MB"


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--verify", is_flag=True, help="Only check an existing backup (nothing changes).")
@with_appcontext
def backup_command(folder: Path, verify: bool) -> None:
    """Back up the database and the stored files into FOLDER (new or empty), with a manifest
    of checksums; with --verify, check the backup in FOLDER instead."""
    if verify:
        try:
            manifest = verify_backup(folder)
        except BackupError as exc:
            fail(
                [
                    _("Bản sao lưu KHÔNG hợp lệ: %(reason)s", reason=str(exc)),
                    *_problem_lines(exc.problems),
                ]
            )
        click.echo(
            _(
                "Bản sao lưu hợp lệ: %(files)d tệp khớp mã kiểm tra SHA-256; cơ sở dữ liệu "
                "%(dialect)s, %(rows)d dòng, tạo lúc %(at)s.",
                files=len(manifest.files),
                dialect=manifest.dialect,
                rows=manifest.total_rows,
                at=manifest.created_at,
            )
        )
        return
    try:
        manifest = create_backup(
            folder,
            database_url=db.engine.url.render_as_string(hide_password=False),
            storage=get_storage(),
        )
    except (BackupError, RuntimeError, ValueError, OSError) as exc:
        fail(
            [
                _("Không sao lưu được: %(reason)s", reason=str(exc)),
                *_problem_lines(getattr(exc, "problems", [])),
            ]
        )
    from ..audit.operations import record

    keys = manifest.stored_keys
    record(
        None,
        "backup.created",
        "backup",
        manifest.created_at,
        folder=str(folder.resolve()),
        rows=manifest.total_rows,
        files=len(keys),
    )
    db.session.commit()
    click.echo(
        _(
            "Đã sao lưu vào %(folder)s: %(tables)d bảng, %(rows)d dòng, %(files)d tệp "
            "(%(size)s); phiên bản lược đồ %(revision)s.",
            folder=str(folder),
            tables=len(manifest.row_counts),
            rows=manifest.total_rows,
            files=len(keys),
            size=_size(sum(manifest.files[f"files/{k}"]["size"] for k in keys)),
            revision=manifest.alembic_revision or "-",
        )
    )
    for key in manifest.missing_files:
        click.echo(_("Cảnh báo: tệp %(key)s bị xoá trong lúc sao lưu.", key=key), err=True)


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the content of a database that is not empty.")
@click.option(
    "--actor",
    metavar="EMAIL",
    default=None,
    help="Tài khoản ghi vào nhật ký (tìm trong dữ liệu đã khôi phục).",
)
@with_appcontext
def restore_command(folder: Path, force: bool, actor: str | None) -> None:
    """Restore the backup in FOLDER: check every checksum first, refuse a database that is
    not empty unless --force, then restore the database and the stored files."""
    db.session.remove()
    try:
        report = restore_backup(folder, engine=db.engine, storage=get_storage(), force=force)
    except RestoreRefused as exc:
        fail(
            [
                _("Không khôi phục: cơ sở dữ liệu đang có dữ liệu (dùng --force để ghi đè)."),
                *_problem_lines(exc.problems),
            ]
        )
    except BackupError as exc:
        fail(
            [
                _("Không khôi phục được: %(reason)s", reason=str(exc)),
                *_problem_lines(exc.problems),
            ]
        )
    except (RuntimeError, ValueError, OSError) as exc:
        fail(_("Không khôi phục được: %(reason)s", reason=str(exc)))
    _record_restore(folder, report, actor)
    manifest = report.manifest
    click.echo(
        _(
            "Đã khôi phục bản sao lưu tạo lúc %(at)s: %(tables)d bảng, %(rows)d dòng, "
            "%(files)d tệp (%(size)s).",
            at=manifest.created_at,
            tables=report.tables,
            rows=report.rows,
            files=report.files,
            size=_size(report.bytes),
        )
    )
    for table, count in sorted(report.row_counts.items()):
        click.echo(f"  {table:<32} {count:>8}")
    if report.extra_files:
        click.echo(
            _(
                "%(n)d tệp trong thư mục lưu trữ không có trong bản sao lưu (để nguyên).",
                n=report.extra_files,
            )
        )
    head = _head_revision()
    if head and manifest.alembic_revision != head:
        click.echo(
            _(
                "Lược đồ của bản sao lưu là %(old)s, mã nguồn ở %(new)s: chạy "
                "“contest db upgrade”.",
                old=manifest.alembic_revision or "-",
                new=head,
            )
        )


def _record_restore(folder: Path, report, email: str | None) -> None:
    """The audit entry of a restore, written into the restored database."""
    from ..audit import actor as cli_actor
    from ..audit.operations import record

    user = user_by_email(email) if email else None
    details = {"folder": str(folder.resolve()), "rows": report.rows, "files": report.files}
    if email and user is None:
        details["actor_email"] = email
    if user is None:
        details["cli_user"] = cli_actor.os_user()
    record(user, "backup.restored", "backup", report.manifest.created_at, **details)
    db.session.commit()


def _head_revision() -> str | None:
    """The newest migration of this code (None if it cannot be read)."""
    try:
        from alembic.script import ScriptDirectory

        config = current_app.extensions["migrate"].migrate.get_config()
        return ScriptDirectory.from_config(config).get_current_head()
    except Exception:  # informative only
        return None


def register(app: Flask) -> None:
    """Attach ``contest backup`` and ``contest restore``."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
