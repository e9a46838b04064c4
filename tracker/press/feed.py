"""The Atom 1.0 feed of a press page, built with feedgen from plain data (no request, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape


@dataclass(frozen=True)
class FeedEntry:
    """One release in the feed: its stable address is also its id (the same across versions)."""

    url: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    published: datetime
    updated: datetime


@dataclass(frozen=True)
class FeedHead:
    """The feed itself: id (the press page's address), title, author (the agency), language, links."""

    page_url: str
    feed_url: str
    title: str
    author: str
    language: str
    updated: datetime


def _content(entry: FeedEntry) -> str:
    parts = [Markup("<p>{}</p>").format(entry.summary)] if entry.summary else []
    parts += [Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
              for block in entry.paragraphs]
    return str(Markup("\n").join(parts))


def build_feed(head: FeedHead, entries: Sequence[FeedEntry]) -> bytes:
    """The feed as UTF-8 XML: ``xml:lang`` on the feed, every entry with id, title, updated, link and content."""
    feed = FeedGenerator()
    feed.id(head.page_url)
    feed.title(head.title)
    feed.author({"name": head.author})
    feed.language(head.language)
    feed.updated(head.updated)
    feed.link(href=head.page_url, rel="alternate", type="text/html", hreflang=head.language)
    feed.link(href=head.feed_url, rel="self", type="application/atom+xml")
    feed.generator(generator="")
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(item.url)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html", hreflang=head.language)
        entry.published(item.published)
        entry.updated(item.updated)
        entry.author({"name": head.author})
        if item.summary:
            entry.summary(item.summary)
        entry.content(_content(item), type="html")
    return bytes(feed.atom_str(pretty=True))
