"""Security headers on every response, set by one after_request hook.

Our own hook rather than flask-talisman (1.1.0, checked on PyPI): Talisman's defaults
redirect every request to https and force SESSION_COOKIE_SECURE on, which breaks the
embedded default served on plain http://127.0.0.1; switching those off and adding our
Cache-Control rule leaves little of it, and these few lines are easier to read.

- Content-Security-Policy on HTML pages: scripts only from this site or carrying this
  request's nonce (`{{ csp_nonce() }}`); no plugins, no <base>, forms post only here,
  the page never framed (frame-ancestors, and X-Frame-Options for old browsers). Styles
  allow 'unsafe-inline': bpmn-js and dmn-js write style attributes while drawing, and a
  style cannot run code.
- Referrer-Policy: other sites see at most our origin, never a case's URL.
- Strict-Transport-Security only when SESSION_COOKIE_SECURE=1, i.e. the deployment says it
  is served over HTTPS; sent over plain http it would lock browsers out of the embedded
  default.
- Cache-Control: no-store on every page and API answer (they show identities, case
  details and CSRF tokens); only the static files and editor libraries may be cached.
"""
import secrets

from flask import Flask, Response, current_app, g, request

_CACHEABLE_ENDPOINTS = {"static", "vendor.asset"}
HSTS = "max-age=31536000"


def install(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_set_headers)


def csp_nonce() -> str:
    """This request's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _set_headers(response: Response) -> Response:
    headers = response.headers
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint not in _CACHEABLE_ENDPOINTS and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response
