"""JSON API under /api/v1. Authenticated by bearer tokens, not cookies, so CSRF
protection does not apply to it."""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from app.api import routes  # noqa: E402,F401  (routes attach themselves to bp)
