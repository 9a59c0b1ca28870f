"""Command-line commands of the jobs feature."""

from flask import Flask


def register(app: Flask) -> None:
    """Attach this feature's commands to ``app.cli``."""
