"""``flask --app tracker users …``: manage accounts from the shell."""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup

from ..directory.services import find_unit_by_code
from ..i18n import site_languages
from ..models import Role
from ..transactions import committed
from .services import AccountError, NewAccount, create_user

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What the account may do.")
@click.option("--unit", "unit_code", help="Unit code; required for representatives.")
@click.option("--name", default="", help="Full name (defaults to the email).")
@click.option("--password", envvar="TRACKER_NEW_PASSWORD", help="Password; generated and printed when omitted.")
# The choices are read at import, before any configuration: the default site languages (tracker.config).
@click.option("--language", type=click.Choice(site_languages()), default=None)
def create_command(
    email: str, role: str, unit_code: str | None, name: str, password: str | None, language: str | None
) -> None:
    """Create an account with EMAIL."""
    unit = None
    if unit_code:
        unit = find_unit_by_code(unit_code)
        if unit is None:
            click.echo(f"Error: no unit with code {unit_code!r}", err=True)
            sys.exit(2)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        with committed():
            user = create_user(NewAccount(email, name, password, role,
                                          unit_id=unit.id if unit else None, language=language))
    except AccountError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    click.echo(f"Created {user.role} {user.email}" + (f" for unit {unit.code}" if unit else ""))
    if generated:
        click.echo(f"Password: {password}")
