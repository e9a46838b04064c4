"""``flask --app tracker mail …``: deliver the outbox."""

from __future__ import annotations

from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Deliver queued emails.")
