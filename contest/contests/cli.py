"""``contest edition …``: create (from a definition file or a template), export, list, clone.

Every command writes all or nothing: on any problem it prints each one (with its key path),
writes nothing and exits with status 1.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..cli import fail
from ..extensions import db
from ..timeutil import LOCAL_TZ, format_local
from . import operations
from .definition import export_edition
from .models import ContestKind
from .validation import InvalidEdition, Severity

DEFAULT_DEADLINE_TIME = time(17, 0)

edition_cli = AppGroup("edition", help="Lần thi: tạo, xuất định nghĩa, liệt kê, nhân bản.")


def parse_local_moment(text: str, default_time: time = DEFAULT_DEADLINE_TIME) -> datetime:
    """An ISO date or date-time typed by a person: without an offset it is Vietnam local
    time; a date alone means ``default_time`` (17:00) that day. Raises ValueError."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), default_time, tzinfo=LOCAL_TZ)
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


def _moment_option(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_local_moment(value)
    except ValueError:
        fail(
            [
                _(
                    "%(name)s: không đọc được ngày giờ '%(v)s' (ví dụ 2025-07-31 hoặc "
                    "2025-07-31T17:00)",
                    name=name,
                    v=value,
                )
            ]
        )
    return None


def _read(path: str) -> str:
    """The text of a UTF-8 file (a BOM is allowed); exits 1 when it cannot be read."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        fail([_("Lỗi: không đọc được tệp %(p)s: %(e)s", p=path, e=str(exc))])
    return ""


def _province_id(name: str) -> int:
    """The id of the province on the instance called ``name`` (typed as for ``areas seed``);
    exits 1 when it is no province or is not on the instance yet."""
    from ..areas.operations import AreaError
    from ..areas.provinces_admin import instance_province

    try:
        return instance_province(name).id
    except AreaError as error:
        fail([_("Lỗi: %(p)s", p=str(error.message)), _("Không có gì được ghi.")])
    return 0


def _report(exc: InvalidEdition) -> None:
    lines = []
    for problem in exc.problems:
        if problem.severity == Severity.WARNING:
            lines.append(_("Cảnh báo: %(p)s", p=str(problem)))
        else:
            lines.append(_("Lỗi: %(p)s", p=str(problem)))
    if exc.warnings and not exc.errors:
        lines.append(_("Chạy lại với --confirm để chấp nhận cảnh báo."))
    lines.append(_("Không có gì được ghi."))
    fail(lines)


@edition_cli.command("create", help="Tạo lần thi từ tệp định nghĩa JSON hoặc từ mẫu có sẵn.")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="Tệp định nghĩa JSON.")
@click.option("--template", type=click.Choice([k.value for k in ContestKind]))
@click.option("--slug", help="Mã lần thi (với --template).")
@click.option("--title", help="Tên lần thi (với --template).")
@click.option("--deadline", help="Hạn nộp, giờ Việt Nam: 2025-07-31 (17:00) hoặc 2025-07-31T17:00.")
@click.option("--opens", help="Mở nhận hồ sơ (với --template); bỏ trống: lần thi ở dạng nháp.")
@click.option("--confirm", is_flag=True, help="Chấp nhận các cảnh báo (ví dụ tổng điểm ≠ 100).")
@click.option(
    "--province",
    help='Tỉnh, thành phố tổ chức lần thi, ví dụ "Tuyên Quang" (đã có trên hệ thống); '
    "bỏ trống: tỉnh duy nhất của hệ thống.",
)
def create_command(path, template, slug, title, deadline, opens, confirm, province) -> None:
    """Create an edition from a definition file or from a built-in template."""
    if bool(path) == bool(template):
        fail([_("Lỗi: dùng đúng một trong hai: --file hoặc --template.")])
    province_id = _province_id(province) if province is not None else None
    try:
        if path:
            if slug or title or deadline or opens:
                fail([_("Lỗi: --slug, --title, --deadline, --opens chỉ dùng với --template.")])
            edition = operations.create_from_definition(
                _read(path), None, confirm=confirm, province_id=province_id
            )
        else:
            missing = [
                name
                for name, value in (("--slug", slug), ("--title", title), ("--deadline", deadline))
                if not value
            ]
            if missing:
                fail([_("Lỗi: thiếu %(opts)s.", opts=", ".join(missing))])
            deadline_at = _moment_option(deadline, "--deadline")
            assert deadline_at is not None  # --deadline was required above
            edition = operations.create_from_template(
                template,
                slug,
                title,
                deadline_at,
                None,
                opens_at=_moment_option(opens, "--opens"),
                province_id=province_id,
            )
    except InvalidEdition as exc:
        _report(exc)
        return
    db.session.commit()
    click.echo(
        _(
            "Đã tạo lần thi %(slug)s: %(title)s (hạn nộp %(due)s).",
            slug=edition.slug,
            title=edition.title,
            due=format_local(edition.submission_deadline),
        )
    )
    if edition.province is not None:
        click.echo(_("Tỉnh, thành phố: %(province)s.", province=edition.province.name))


@edition_cli.command(
    "export", help="In định nghĩa JSON của lần thi (dùng lại được với create --file)."
)
@click.argument("slug")
def export_command(slug: str) -> None:
    """Print the edition's definition as JSON (round-trips with ``create --file``)."""
    edition = operations.get_edition(slug)
    if edition is None:
        fail([_("Lỗi: không có lần thi mã '%(s)s'.", s=slug)])
    click.echo(export_edition(edition), nl=False)


@edition_cli.command("list", help="Liệt kê các lần thi: mã, loại, giai đoạn, hạn nộp, tên.")
def list_command() -> None:
    """List the editions: slug, contest, phase, deadline, title."""
    for edition in operations.list_editions():
        phase = operations.edition_phase(edition)
        click.echo(
            "\t".join(
                [
                    edition.slug,
                    edition.kind,
                    str(phase),
                    format_local(edition.submission_deadline),
                    edition.title,
                ]
            )
        )


@edition_cli.command("clone", help="Tạo lần thi tiếp theo: chép cấu hình, dời mọi ngày.")
@click.argument("slug")
@click.option("--slug", "new_slug", required=True, help="Mã của lần thi mới.")
@click.option("--title", required=True, help="Tên của lần thi mới.")
@click.option("--shift-years", default=0, type=int, help="Dời mọi ngày đi N năm.")
@click.option("--shift-days", default=0, type=int, help="Dời mọi ngày đi N ngày.")
def clone_command(slug, new_slug, title, shift_years, shift_days) -> None:
    """Launch the next edition: copy the configuration, shifting every date."""
    source = operations.get_edition(slug)
    if source is None:
        fail([_("Lỗi: không có lần thi mã '%(s)s'.", s=slug)])
    try:
        edition = operations.clone_edition(
            source,
            new_slug,
            title,
            None,
            years=shift_years,
            offset=timedelta(days=shift_days) if shift_days else None,
        )
    except InvalidEdition as exc:
        _report(exc)
        return
    db.session.commit()
    click.echo(
        _(
            "Đã tạo lần thi %(slug)s từ %(source)s (hạn nộp %(due)s).",
            slug=edition.slug,
            source=slug,
            due=format_local(edition.submission_deadline),
        )
    )


def register(app: Flask) -> None:
    """Attach ``contest edition …`` to ``app.cli``."""
    app.cli.add_command(edition_cli)
