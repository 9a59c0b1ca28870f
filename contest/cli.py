"""The ``contest`` command line: the Flask CLI of the app plus the contest commands.

Each feature keeps its commands in ``<feature>/cli.py`` with a ``register(app)`` function.
"""

from __future__ import annotations

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
    from .publication import cli as publication_cli
    from .results import cli as results_cli

    for module in (
        accounts_cli,
        areas_cli,
        contests_cli,
        entries_cli,
        jobs_cli,
        judging_cli,
        results_cli,
        publication_cli,
        demo,
    ):
        module.register(app)


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Quản lý cuộc thi sáng tạo — contest management (run ``contest demo`` to try it)."""
