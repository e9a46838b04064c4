"""``flask --app tracker mail …``: deliver the outbox."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask.cli import AppGroup

from ..bounds import RECORD_ID
from ..extensions import db
from ..models import OutboxMessage
from . import delivery

mail_cli = AppGroup("mail", help="Deliver queued emails.")


@mail_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Deliver at most this many messages.")
def send_command(limit: int | None) -> None:
    """Deliver every message that is due, once, and exit."""
    report = delivery.deliver_due(limit=limit)
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    click.echo(report.summary())


@mail_cli.command("worker")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between two looks at the outbox.")
def worker_command(interval: float) -> None:
    """Deliver due messages every few seconds until stopped (SIGTERM or Ctrl-C end it cleanly)."""
    logging.basicConfig(level=logging.INFO, format="mail worker: %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        # Finish the message in hand, then leave; a second signal is not needed.
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"mail worker: delivering every {interval:g} s; stop with Ctrl-C or SIGTERM")
    try:
        delivery.run_worker(interval=interval, stop=stop, on_report=lambda r: click.echo(f"mail worker: {r.summary()}"))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("mail worker: stopped")


@mail_cli.command("status")
@click.option("--all", "show_all", is_flag=True, help="List sent messages too.")
def status_command(show_all: bool) -> None:
    """List waiting and failed messages with their attempts and last error."""
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if not show_all:
        query = query.where(OutboxMessage.status != delivery.SENT)
    messages = db.session.execute(query).scalars().all()
    if not messages:
        click.echo("The outbox is empty." if show_all else "Nothing waiting or failed.")
        return
    for message in messages:
        when = message.sent_at if message.status == delivery.SENT else message.next_attempt_at
        click.echo(f"{message.id:>6} {message.status:<8} {message.attempts:>2} attempts  {when:%Y-%m-%d %H:%M} UTC  "
                   f"{message.kind:<12} {', '.join(message.recipients)}  {message.subject or '(not composed yet)'}")
        if message.last_error:
            click.echo(f"       last error: {message.last_error}")


@mail_cli.command("retry")
@click.argument("message_ids", nargs=-1, type=click.IntRange(RECORD_ID.low, RECORD_ID.high))
@click.option("--failed", "all_failed", is_flag=True, help="Retry every failed message.")
def retry_command(message_ids: tuple[int, ...], all_failed: bool) -> None:
    """Put failed messages back in the queue with a fresh count of attempts."""
    if not message_ids and not all_failed:
        raise click.UsageError("name message ids or pass --failed")
    query = db.select(OutboxMessage).where(OutboxMessage.status == delivery.FAILED)
    if message_ids:
        query = query.where(OutboxMessage.id.in_(message_ids))
    messages = db.session.execute(query).scalars().all()
    for message in messages:
        message.status = delivery.PENDING
        message.attempts = 0
        message.next_attempt_at = delivery.utcnow()
    db.session.commit()
    click.echo(f"{len(messages)} message(s) queued again.")
