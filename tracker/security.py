"""Security headers on every response, and trusting a reverse proxy's ``X-Forwarded-*`` headers.

The pages load nothing but the application's own files (no inline script or style, no CDN), so the policy
can forbid everything else. Framing is refused twice: ``frame-ancestors`` for current browsers,
``X-Frame-Options`` for the ones that ignore CSP.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

#: Sent unless the view set the header itself (the standalone press-release page has its own policy).
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Not ``no-referrer``: Flask-WTF refuses an HTTPS form post without a same-origin Referer
    # (WTF_CSRF_SSL_STRICT). ``same-origin`` sends nothing to other sites, so the token of an answer link,
    # a feed or a password reset never leaves in a Referer; our own logs mask it (tracker.logs).
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    """``after_request`` hook: add each header of :data:`SECURITY_HEADERS` the response does not carry yet."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def register_security(app: Flask) -> None:
    """Add the security headers to every response and, with ``PROXY_FIX_HOPS`` > 0, trust that many proxies.

    ``PROXY_FIX_HOPS`` is the number of reverse proxies in front of the app that set ``X-Forwarded-For``,
    ``-Proto``, ``-Host`` and ``-Prefix``. Left at 0 the headers are ignored: anyone could send them.
    """
    app.after_request(add_security_headers)
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]
