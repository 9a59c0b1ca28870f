"""The ``contest`` command line: the Flask CLI of the app plus the contest commands.

Each feature keeps its commands in ``<feature>/cli.py`` with a ``register(app)`` function.
Every contest command gets ``--actor EMAIL`` here (FORMATS.md): the account recorded in the
audit log; without it, the operating-system user is recorded. A command stops on a refusal
with :func:`fail`; a :class:`~contest.errors.UserError` it lets through is printed the same way
(``Lỗi: message``, nothing written) and sets the exit status to the error's ``exit_code``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_cli(app: Flask) -> None:
    """Attach every feature's commands to ``app.cli``."""
    from . import demo
    from .accounts import cli as accounts_cli
    from .areas import cli as areas_cli
    from .contests import cli as contests_cli
    from .entries import cli as entries_cli
    from .jobs import cli as jobs_cli
    from .judging import cli as judging_cli
    from .national import cli as national_cli
    from .publication import cli as publication_cli
    from .results import cli as results_cli
    from .season import cli as season_cli

    for module in (
        accounts_cli,
        areas_cli,
        contests_cli,
        entries_cli,
        jobs_cli,
        judging_cli,
        national_cli,
        results_cli,
        publication_cli,
        season_cli,
        demo,
    ):
        module.register(app)
    for command in _contest_commands(app.cli):
        _add_actor_option(command)
        _report_user_errors(command)


def fail(lines: Iterable[str] | str, exit_code: int = 1) -> NoReturn:
    """Stop the command: roll back what it wrote, print ``lines`` to stderr, exit with
    ``exit_code``."""
    from .extensions import db

    db.session.rollback()
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(exit_code)


def _contest_commands(group: click.Group):
    """Every leaf command under ``group`` (the app's own commands, not Flask's)."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            yield from _contest_commands(command)
        else:
            yield command


def _add_actor_option(command: click.Command) -> None:
    """Give ``command`` an ``--actor EMAIL`` option that sets the command line's actor."""
    if any(param.name == "actor" for param in command.params):
        return
    from flask.cli import with_appcontext

    command.params.append(
        click.Option(
            ["--actor"],
            metavar="EMAIL",
            default=None,
            help="Tài khoản ghi vào nhật ký (mặc định: người dùng hệ điều hành).",
        )
    )
    callback = command.callback

    @with_appcontext
    def run_as_actor(*args, actor=None, **kwargs):
        from flask_babel import gettext as _

        from .audit import actor as cli_actor

        user = None
        if actor:
            user = user_by_email(actor)
            if user is None:
                raise click.ClickException(
                    _("Không có tài khoản “%(email)s” (--actor).", email=actor)
                )
        token = cli_actor.activate(cli_actor.CliActor(user, cli_actor.os_user()))
        assert callback is not None  # a command given an actor option runs something
        try:
            return callback(*args, **kwargs)
        finally:
            cli_actor.deactivate(token)

    command.callback = run_as_actor


def _report_user_errors(command: click.Command) -> None:
    """Make ``command`` stop on a user error it lets through as :func:`fail` does."""
    callback = command.callback

    def reporting_user_errors(*args, **kwargs):
        from flask_babel import gettext as _

        from .errors import UserError, message_of

        assert callback is not None  # only commands with a callback are wrapped
        try:
            return callback(*args, **kwargs)
        except UserError as error:
            fail(_("Lỗi: %(p)s", p=message_of(error)), exit_code=error.exit_code)

    command.callback = reporting_user_errors


def user_by_email(email: str):
    """The account whose e-mail address is ``email`` (any case), or None."""
    from sqlalchemy import func, select

    from .accounts.models import User
    from .extensions import db

    return db.session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower()).limit(1)
    )


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Quản lý cuộc thi sáng tạo — contest management (run ``contest demo`` to try it)."""
