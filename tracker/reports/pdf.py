"""The press release as PDF (WeasyPrint), with the packaged fonts and no network or file access outside them."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .content import PressRelease
from .html import FONT_DIR, render_release_html

#: The only directory the PDF renderer may read from: the package's own static files.
STATIC_DIR = FONT_DIR.parent
#: Photos in the PDF: at most this resolution at their printed size, re-encoded at this JPEG quality.
PHOTO_DPI = 300
PHOTO_JPEG_QUALITY = 82
#: The largest PDF a release with ten photos may make (tests/photos check it).
PDF_SIZE_BUDGET = 10 * 1024 * 1024


class RefusedURL(ValueError):
    """A resource outside the package was asked for; WeasyPrint logs it and carries on without it."""


class PackageURLFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``root`` and refuses everything else (http, data, other files).

    Report texts are typed by people; should markup ever slip through, the renderer still cannot be
    made to read the server's files or call out to the network.
    """

    def __init__(self, root: Path = STATIC_DIR, pictures: Mapping[str, bytes] | None = None) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.root = root.resolve()
        #: The release's photos, by the exact URL the page gives them (handed in, never read from disk).
        self.pictures = dict(pictures or {})
        #: URLs served and refused, in order (the tests read them).
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the file behind ``url`` when it lies inside ``root``; raise :class:`RefusedURL` otherwise."""
        if url in self.pictures:
            self.served.append(url)
            return URLFetcherResponse(url, body=self.pictures[url], headers={"Content-Type": "image/jpeg"})
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
    """The release as an A4 PDF in the release's language (title, author and language set).

    Its photos are the JPEGs handed in with the release (the print size), embedded as they are; pictures
    wider than :data:`PHOTO_DPI` at their printed size are downscaled to it, which keeps a release with ten
    photos under :data:`PDF_SIZE_BUDGET`.
    """
    base = FONT_DIR.as_uri() + "/"
    names = [f"release-photo-{index}.jpg" if photo.image else "" for index, photo in enumerate(release.photos)]
    pictures = {urljoin(base, name): photo.image for name, photo in zip(names, release.photos, strict=True) if name}
    # WeasyPrint (70) fails an assertion when a line wraps right after a space followed by U+2029 (PARAGRAPH
    # SEPARATOR), which people paste from Word; U+2028 (LINE SEPARATOR) breaks the line the same way safely.
    html = render_release_html(release, for_pdf=True, photo_sources=names).replace("\u2029", "\u2028")
    if fetcher is None:
        fetcher = PackageURLFetcher(pictures=pictures)
    else:
        fetcher.pictures.update(pictures)
    document = HTML(string=html, base_url=base, url_fetcher=fetcher)
    # Tagged PDF: headings, lists and reading order for screen readers and reflow.
    return document.write_pdf(pdf_tags=True, dpi=PHOTO_DPI, jpeg_quality=PHOTO_JPEG_QUALITY)
