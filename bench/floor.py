"""The floor of ``make bench``: a bare Flask route returning 2.6 kB of HTML, served by gunicorn like the app.

Every page's throughput is reported as a share of this one's, measured in the same run on the same machine,
so that the figures compare across machines. ``gunicorn 'bench.floor:app'``.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)

_ROWS = "\n".join(f"      <li><a href=\"/events/{n}\">Event {n}</a> <time>2026-01-{n:02d}</time></li>"
                  for n in range(1, 29))
PAGE = f"""<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Floor</title></head>
  <body>
    <h1>Events</h1>
    <ul>
{_ROWS}
    </ul>
  </body>
</html>
"""
BODY = (PAGE + "<!--" + "-" * max(0, 2600 - len(PAGE) - 7) + "-->\n").encode()


@app.get("/")
def floor() -> tuple[bytes, int, dict[str, str]]:
    """2.6 kB of HTML, nothing else: no database, no template, no session."""
    return BODY, 200, {"Content-Type": "text/html; charset=utf-8"}
