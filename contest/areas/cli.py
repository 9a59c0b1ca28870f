"""Command-line commands of the areas feature: ``contest areas seed`` and ``contest areas list``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from . import operations as ops


def register(app: Flask) -> None:
    """Attach the ``areas`` command group to ``app.cli``."""
    group = AppGroup("areas", help="Địa bàn (tỉnh, huyện, xã) và đơn vị — area tree and units.")

    @group.command("seed")
    @click.option("--province", default="Tỉnh Tuyên Quang", show_default=True)
    def seed_command(province: str) -> None:
        """Create the province and its districts (Tuyên Quang by default); idempotent."""
        root = ops.seed_province(province)
        db.session.commit()
        districts = len(ops.children_with_counts(root))
        click.echo(f"{root.name}: {districts} district(s)")

    @group.command("list")
    def list_command() -> None:
        """Print the area tree, one area a line, indented, with its level and unit count."""
        roots = ops.area_tree()
        if not roots:
            click.echo("No areas yet (run `contest areas seed`).")
            return
        for root in roots:
            for node in root.walk():
                click.echo(
                    f"{'  ' * node.depth}{node.area.name}  [{node.area.level}, id {node.area.id}, "
                    f"{node.unit_count} unit(s)]"
                )

    app.cli.add_command(group)
