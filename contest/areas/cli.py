"""Command-line commands of the areas feature: ``contest areas seed`` and ``contest areas list``."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from . import operations as ops
from .official import UnknownProvince, seed_official_province


def register(app: Flask) -> None:
    """Attach the ``areas`` command group to ``app.cli``."""
    group = AppGroup("areas", help="Địa bàn (tỉnh, xã, phường) và đơn vị — area tree and units.")

    @group.command("seed")
    @click.option(
        "--province",
        default="Tuyên Quang",
        show_default=True,
        help='One of the 34 provinces since 1 July 2025, e.g. "Tuyên Quang", "Hà Nội".',
    )
    def seed_command(province: str) -> None:
        """Create the province and its communes/wards with their official codes, as they are
        since 1 July 2025 (from the vietnam-provinces package); idempotent, keyed by code."""
        try:
            result = seed_official_province(province)
        except UnknownProvince as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
        area = result.province
        state = "created" if result.province_created else "kept"
        click.echo(
            f"{area.name} (code {area.code}, {state}): {result.total} communes/wards — "
            f"{result.created} created, {result.kept} kept"
        )

    @group.command("list")
    @click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
    def list_command(as_json: bool) -> None:
        """Print the area tree, one area a line, indented, with its official code, level and
        unit count (or, with --json, a nested JSON tree)."""
        roots = ops.area_tree()
        if as_json:
            click.echo(json.dumps([_as_dict(root) for root in roots], ensure_ascii=False, indent=2))
            return
        if not roots:
            click.echo("No areas yet (run `contest areas seed --province NAME`).")
            return
        for root in roots:
            for node in root.walk():
                code = f"code {node.area.code}, " if node.area.code else ""
                click.echo(
                    f"{'  ' * node.depth}{node.area.name}  [{code}{node.area.level}, "
                    f"id {node.area.id}, {node.unit_count} unit(s)]"
                )

    app.cli.add_command(group)


def _as_dict(node: ops.AreaNode) -> dict:
    """One node of ``contest areas list --json``: id, code (null when none), name, level,
    units (count) and children."""
    return {
        "id": node.area.id,
        "code": node.area.code or None,
        "name": node.area.name,
        "level": node.area.level,
        "units": node.unit_count,
        "children": [_as_dict(child) for child in node.children],
    }
