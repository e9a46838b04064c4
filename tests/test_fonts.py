"""The packaged font (Noto Sans, OFL): every file the stylesheet names is served by the site itself, as a font,
and allowed by the Content-Security-Policy; no other site is asked for one.
"""

from __future__ import annotations

import re
from io import BytesIO

from fontTools.ttLib import TTFont

from tracker.security import CONTENT_SECURITY_POLICY

#: ``url(...)`` inside the stylesheet's ``@font-face`` rules.
FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}")
URL = re.compile(r"""url\(\s*["']?(?P<url>[^"')]+)["']?\s*\)""")


def _font_faces(client) -> list[str]:
    response = client.get("/static/tracker.css")
    assert response.status_code == 200
    css = response.get_data(as_text=True)
    response.close()
    return [match["body"] for match in FONT_FACE.finditer(css)]


def test_every_font_of_the_stylesheet_is_served_as_a_font(client):
    faces = _font_faces(client)
    assert len(faces) == 6  # regular and bold, each in three script subsets
    for body in faces:
        assert '"Noto Sans"' in body and "font-display: swap" in body and "unicode-range:" in body
        (url,) = [match["url"] for match in URL.finditer(body)]
        assert not url.startswith(("http:", "https:", "//")), url
        response = client.get(f"/static/{url}")
        assert response.status_code == 200, url
        assert response.mimetype == "font/woff2", (url, response.mimetype)
        data = response.data
        response.close()
        assert data[:4] == b"wOF2"


def test_the_subsets_cover_azerbaijani_and_russian_letters(client):
    """Each letter sits in the file whose unicode-range claims it, in both weights (read back by fontTools)."""
    letters = "ƏəĞğIıİiŞşÇçÖöÜü" + "АаЁёЖжЩщЫыЭэЮюЯя№"
    for weight in ("400", "700"):
        covered = set()
        for body in _font_faces(client):
            if f"font-weight: {weight}" not in body:
                continue
            url = URL.search(body)["url"]
            ranges = re.search(r"unicode-range:\s*([^;]+)", body)[1]
            claimed = set()
            for part in ranges.split(","):
                start, _, end = part.strip()[2:].partition("-")
                claimed.update(range(int(start, 16), int(end or start, 16) + 1))
            response = client.get(f"/static/{url}")
            data = response.data
            response.close()
            cmap = TTFont(BytesIO(data)).getBestCmap()
            covered |= {letter for letter in letters if ord(letter) in claimed and ord(letter) in cmap}
        assert covered == set(letters), (weight, set(letters) - covered)


def test_the_policy_lets_the_site_load_its_own_fonts_only():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["font-src"] == "'self'"
