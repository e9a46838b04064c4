"""``flask --app tracker users …`` and ``tokens …``: manage accounts and their API tokens from the shell."""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup

from ..directory.services import find_unit_by_code
from ..i18n import site_languages
from ..models import Role, User
from ..transactions import committed
from .services import AccountError, NewAccount, create_user, find_user_by_email
from .tokens import SHOWN_CHARACTERS, TokenError, create_token, revoke_token, tokens_of, tokens_with_prefix

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


tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _account(email: str) -> User:
    """The account with ``email``, or exit with an error on stderr."""
    user = find_user_by_email(email)
    if user is None:
        click.echo(f"Error: no account with email {email!r}", err=True)
        sys.exit(2)
    return user


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Make an API token for the account with EMAIL; the token alone is printed on the last line."""
    try:
        with committed():
            token, raw = create_token(_account(email), name)
    except TokenError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    click.echo(f"Created token {token.prefix}… {token.name!r} for {email}; it is shown only now:")
    click.echo(raw)


@tokens_cli.command("list")
@click.argument("email")
def list_tokens_command(email: str) -> None:
    """List the API tokens of the account with EMAIL."""
    for token in tokens_of(_account(email)):
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never used"
        state = f"revoked {token.revoked_at.isoformat(timespec='minutes')}" if token.revoked_at else "active"
        click.echo(f"{token.prefix}  {state}  created {token.created_at.isoformat(timespec='minutes')}  "
                   f"last used {used}  {token.name}")


@tokens_cli.command("revoke")
@click.argument("email")
@click.argument("prefix")
def revoke_token_command(email: str, prefix: str) -> None:
    """Revoke the API token of the account with EMAIL whose first characters are PREFIX."""
    with committed():
        found = tokens_with_prefix(_account(email), prefix)
        if len(found) != 1:
            click.echo(f"Error: {len(found)} tokens of {email} start with {prefix!r}; "
                       f"give the {SHOWN_CHARACTERS} characters `tokens list` shows", err=True)
            sys.exit(2)
        revoke_token(found[0])
    click.echo(f"Revoked token {found[0].prefix}… {found[0].name!r} of {email}")
