"""Registers every ``flask --app tracker …`` command group."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the command groups of each area to ``app.cli``."""
    from .auth.cli import users_cli
    from .demo import demo_cli
    from .mail.cli import mail_cli

    for group in (users_cli, demo_cli, mail_cli):
        app.cli.add_command(group)
