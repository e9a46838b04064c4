"""``flask --app tracker demo``: load the reference scenario of DESIGN §1 as demo data."""

from __future__ import annotations

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
