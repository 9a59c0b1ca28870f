"""Command-line commands of the accounts feature."""

from flask import Flask


def register(app: Flask) -> None:
    """Attach this feature's commands to ``app.cli``."""
