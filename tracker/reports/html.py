"""The press release as a standalone HTML page (inline CSS, print styles, no external requests).

Rendered with a Jinja environment of its own so that the builder works without a Flask app or request;
the same template, with the packaged fonts declared, is what WeasyPrint turns into the PDF.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .content import PressRelease, ReleasePhoto

#: Fonts shipped with the package for pages and the PDF (Noto Sans, OFL: Azerbaijani Latin and Cyrillic).
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"


def _templates_dir() -> Path:
    """``tracker/templates`` in an installed wheel, else the top-level ``templates/`` of a checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(_templates_dir())),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def data_url(photo: ReleasePhoto) -> str:
    """The photo's picture as a ``data:`` URL: the page stays one file that loads nothing."""
    return f"data:{photo.media_type};base64,{base64.b64encode(photo.image).decode('ascii')}"


def render_release_html(release: PressRelease, *, for_pdf: bool = False,
                        photo_sources: Sequence[str] | None = None) -> str:
    """The release as an HTML document; ``for_pdf`` declares the packaged fonts and page furniture.

    ``photo_sources`` gives the address of each photo's picture in ``release.photos`` order (the PDF's renderer
    is handed the bytes under these names); by default the pictures are written into the page.
    """
    template = _environment().get_template("reports/release.html")
    sources = list(photo_sources) if photo_sources is not None else [
        data_url(photo) if photo.image else "" for photo in release.photos
    ]
    return template.render(release=release, for_pdf=for_pdf, photo_sources=sources)


def build_release_html(release: PressRelease) -> bytes:
    """The standalone HTML page, UTF-8 encoded."""
    return render_release_html(release).encode("utf-8")
