"""``--actor EMAIL`` on every contest command (FORMATS.md): the account is recorded in the audit
log; without it the operating-system user is, never a blank."""

from __future__ import annotations

import click
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db


def _leaves(group: click.Group):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from ((f"{name} {sub}", c) for sub, c in _leaves(command))
        else:
            yield name, command


def test_every_contest_command_accepts_actor(app):
    commands = dict(_leaves(app.cli))
    assert "publication publish" in commands and "entries import" in commands
    missing = [name for name, c in commands.items() if "--actor" not in _options(c)]
    assert missing == []


def _options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", ())}


def _create(runner, slug: str, *extra: str):
    return runner.invoke(
        args=[
            "edition", "create", "--template", "youth", "--slug", slug,
            "--title", "Lần thứ nhất", "--deadline", "2027-05-01", *extra,
        ]
    )  # fmt: skip


def test_the_actor_is_recorded_and_an_unknown_one_refused(runner, users):
    organizer = users["organizer"]
    refused = _create(runner, "ttn-a", "--actor", "khong-co@example.vn")
    assert refused.exit_code == 1 and "khong-co@example.vn" in refused.output
    assert db.session.scalar(select(AuditEntry)) is None
    done = _create(runner, "ttn-b", "--actor", organizer.email)
    assert done.exit_code == 0, done.output
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.actor_id == organizer.id


def test_without_actor_the_os_user_is_recorded(runner, users):
    done = _create(runner, "ttn-c")
    assert done.exit_code == 0, done.output
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.actor_id is None and entry.details["cli_user"]
    assert entry.actor_label == f"Dòng lệnh (người dùng máy chủ {entry.details['cli_user']})"
