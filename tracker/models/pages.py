"""Rendered pages kept for their next reader (:mod:`tracker.pagecache`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime


class CachedPage(Model):
    """One rendered page: its HTML under the key of everything it was built from.

    Kept in the database, not in process memory, so every worker and app server shares it. A row whose
    content generation has passed is never read again and is replaced when its page is stored anew; rows whose
    minute is long gone are removed whenever a page is stored.
    """

    __tablename__ = "page_cache"

    #: sha256 of the page's key (``pagecache.page_key``), hex.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The content generation the page was built from (``models.feeds.FeedGeneration``).
    #: Compared in the read itself (``pagecache._PAGE``), never searched by: no index.
    generation: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: The HTML, with the building request's CSRF token replaced by ``pagecache.TOKEN_PLACEHOLDER``.
    body: Mapped[str] = mapped_column(Text)
    #: The view's own headers (``[[name, value], ...]``: type, disposition, caching), cookies left out.
    headers: Mapped[list[list[str]]] = mapped_column(JSON)
