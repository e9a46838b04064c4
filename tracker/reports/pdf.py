"""The press release as PDF (WeasyPrint), with the packaged fonts and no network or file access outside them."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .content import PressRelease
from .html import FONT_DIR, render_release_html

#: The only directory the PDF renderer may read from: the package's own static files.
STATIC_DIR = FONT_DIR.parent


class RefusedURL(ValueError):
    """A resource outside the package was asked for; WeasyPrint logs it and carries on without it."""


class PackageURLFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``root`` and refuses everything else (http, data, other files).

    Report texts are typed by people; should markup ever slip through, the renderer still cannot be
    made to read the server's files or call out to the network.
    """

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.root = root.resolve()
        #: URLs served and refused, in order (the tests read them).
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the file behind ``url`` when it lies inside ``root``; raise :class:`RefusedURL` otherwise."""
        parts = urlsplit(url)
        path = None
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            candidate = Path(url2pathname(parts.path)).resolve()
            if candidate.is_relative_to(self.root) and candidate.is_file():
                path = candidate
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"reports may only load files of the package, not {url}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def build_release_pdf(release: PressRelease, fetcher: PackageURLFetcher | None = None) -> bytes:
    """The release as an A4 PDF in the release's language (title, author and language set)."""
    # WeasyPrint (70) fails an assertion when a line wraps right after a space followed by U+2029 (PARAGRAPH
    # SEPARATOR), which people paste from Word; U+2028 (LINE SEPARATOR) breaks the line the same way safely.
    html = render_release_html(release, for_pdf=True).replace("\u2029", "\u2028")
    document = HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher or PackageURLFetcher())
    # Tagged PDF: headings, lists and reading order for screen readers and reflow.
    return document.write_pdf(pdf_tags=True)
