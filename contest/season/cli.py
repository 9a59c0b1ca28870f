"""``contest edition status SLUG [--json]``: the cockpit on the command line — the season's
stages, their state, counts and blocking problems (what the cockpit page shows; one function
builds both)."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask_babel import gettext as _

from ..contests.operations import get_edition
from ..timeutil import format_local
from .cockpit import COUNT_LABELS, as_json, cockpit


@click.command("status")
@click.argument("slug")
@click.option("--json", "as_json_output", is_flag=True, help="In dạng JSON (các khóa cố định).")
def status_command(slug: str, as_json_output: bool) -> None:
    """Tình hình mùa thi: các giai đoạn, trạng thái, số liệu, vướng mắc và việc tiếp theo."""
    edition = get_edition(slug)
    if edition is None:
        click.echo(_("Lỗi: không có lần thi “%(slug)s”.", slug=slug), err=True)
        sys.exit(1)
    with current_app.test_request_context("/"):
        data = as_json(cockpit(edition))
    if as_json_output:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in text_lines(data):
        click.echo(line)


def text_lines(data: dict) -> list[str]:
    """The cockpit as lines of text."""
    edition = data["edition"]
    lines = [f"{edition['title']} ({edition['slug']}) — {edition['phase_label']}"]
    action = data["next_action"]
    if action:
        lines.append(_("Việc tiếp theo: %(label)s", label=_with_url(action)))
    for stage in data["stages"]:
        lines.append("")
        counts = " · ".join(
            f"{COUNT_LABELS[key]}: {value}" for key, value in stage["counts"].items()
        )
        head = f"[{stage['state_label']}] {stage['name']}"
        if stage["until"]:
            head += " " + _("(đến %(at)s)", at=_local(stage["until"]))
        lines.append(head + (f" — {counts}" if counts else ""))
        lines += [f"  ! {_with_url(p)}" for p in stage["problems"]]
        lines += [f"  · {note}" for note in stage["notes"]]
        if stage["next_action"] and stage["state"] in ("now", "blocked"):
            lines.append("  → " + _with_url(stage["next_action"]))
    return lines


def _with_url(item: dict) -> str:
    text = item.get("message") or item.get("label") or ""
    return f"{text} ({item['url']})" if item.get("url") else text


def _local(iso: str) -> str:
    from datetime import datetime

    return format_local(datetime.fromisoformat(iso))


def register(app: Flask) -> None:
    """Add ``status`` to the ``edition`` command group."""
    group = app.cli.commands["edition"]
    assert isinstance(group, click.Group)  # the group of contest.contests.cli
    group.add_command(status_command)
