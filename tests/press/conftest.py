"""Fixtures of the press-page tests: the reference scenario, the press page turned on, and page readers."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from tests.reports.reference import Reference, build_reference


@pytest.fixture
def reference(app: Any) -> Reference:
    """The reference scenario with both events held."""
    return build_reference(app)


@pytest.fixture
def press_on(app: Any) -> Any:
    """The public press page turned on (it is off by default)."""
    app.config["PRESS_PAGE_ENABLED"] = True
    return app


class PageHead(HTMLParser):
    """What a page says about itself: ``<html lang>``, ``<meta property>``s, ``<link>``s, forms and links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.anchors: list[str] = []
        self.forms = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "link":
            self.links.append(values)
        elif tag == "a":
            self.anchors.append(values.get("href", ""))
        elif tag == "form":
            self.forms += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def hreflangs(self) -> dict[str, str]:
        """``<link rel="alternate" hreflang>``: language → address."""
        return {link["hreflang"]: link["href"] for link in self.links
                if link.get("rel") == "alternate" and "hreflang" in link}

    def feed_links(self) -> list[str]:
        return [link["href"] for link in self.links
                if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def read_page(html: str) -> PageHead:
    """Parse ``html`` with the standard library's parser."""
    parser = PageHead()
    parser.feed(html)
    return parser
