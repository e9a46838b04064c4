"""``flask --app tracker mail fetch [--watch]``: calendar replies from the organiser's mailbox.

The command belongs to the calendar (it takes calendar messages) and is shown in the ``mail`` group, where
whoever runs the mail worker looks; ``tracker/cli.py`` attaches it there (``tracker/mail/`` imports no area).
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from ..settings import Settings, settings
from . import mailbox

#: Exit status when the mailbox cannot be read (IMAP_URL unset or wrong, server unreachable, TLS or login refused).
MAILBOX_UNREADABLE = 2
#: Exit status when the database failed during the pass (a restart, SQLite locked): rolled back; the messages not
#: yet moved stay in the folder for the next run.
DATABASE_UNAVAILABLE = 3


@click.command("fetch")
@click.option("--watch", is_flag=True,
              help="Keep reading: wait for new mail (IMAP IDLE, or every IMAP_POLL_SECONDS) until stopped.")
@with_appcontext
def fetch_command(watch: bool) -> None:
    """Take the calendar replies in the organiser's mailbox (IMAP_URL) and move them to the Applied or
    Refused folder; other mail is left unread."""
    current = settings()
    if not watch:
        try:
            report = mailbox.fetch_mailbox(current)
        except mailbox.MailboxError as error:
            click.echo(f"mail fetch: {error}", err=True)
            raise click.exceptions.Exit(MAILBOX_UNREADABLE) from None
        except OperationalError as error:
            click.echo(f"mail fetch: database error, the pass stopped (the rest is left for the next run): "
                       f"{mailbox.describe_database_error(error)}", err=True)
            raise click.exceptions.Exit(DATABASE_UNAVAILABLE) from None
        for line in report.errors:
            click.echo(f"  {line}", err=True)
        click.echo(report.summary())
        return
    _watch(current)


def _watch(current: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="mail fetch: %(message)s")
    try:
        reader = mailbox.MailboxReader.from_settings(current)
    except mailbox.MailboxError as error:
        click.echo(f"mail fetch: {error}", err=True)
        raise click.exceptions.Exit(MAILBOX_UNREADABLE) from None
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        # Finish the message in hand (its commit and move), then leave.
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"mail fetch: watching {reader.settings.display()}; stop with Ctrl-C or SIGTERM")
    try:
        mailbox.watch_mailbox(current, stop=stop, on_report=lambda r: click.echo(f"mail fetch: {r.summary()}"))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("mail fetch: stopped")
