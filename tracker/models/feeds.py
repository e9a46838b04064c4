"""What each calendar feed last served: the HTTP validators that make conditional GETs honest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime


class FeedValidator(Model):
    """The ETag of a feed's last body and the instant that body was first served (its Last-Modified).

    Kept in the database, not in process memory: every app server must answer the same client alike.
    """

    __tablename__ = "feed_validators"

    #: Which feed: ``unit:<id>``, ``public:<language>``, ``event:<id>:<language>``, ``series:<id>:<language>``
    #: (``series:<id>:drafts:<language>`` for the organisers' view, whose body differs). Plain text, no foreign
    #: key: a row outliving its subject is harmless, and a new body under the same key only moves Last-Modified
    #: forward.
    feed: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: Werkzeug's ``generate_etag`` of the body, unquoted.
    etag: Mapped[str] = mapped_column(String(128))
    #: When a body with this ETag was first served; whole seconds, as HTTP dates carry.
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)
