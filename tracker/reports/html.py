"""The press release as a standalone HTML page (inline CSS, print styles, no external requests).

Rendered with a Jinja environment of its own so that the builder works without a Flask app or request;
the same template, with the packaged fonts declared, is what WeasyPrint turns into the PDF.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .content import PressRelease

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


def render_release_html(release: PressRelease, *, for_pdf: bool = False) -> str:
    """The release as an HTML document; ``for_pdf`` declares the packaged fonts and page furniture."""
    template = _environment().get_template("reports/release.html")
    return template.render(release=release, for_pdf=for_pdf)


def build_release_html(release: PressRelease) -> bytes:
    """The standalone HTML page, UTF-8 encoded."""
    return render_release_html(release).encode("utf-8")
