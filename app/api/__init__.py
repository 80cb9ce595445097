"""JSON API under /api/v1. Authenticated by bearer tokens, not cookies, so CSRF
protection does not apply to it. Described by /api/v1/openapi.json (app/api/openapi.py)."""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# The modules attach their routes and error handlers to bp.
from app.api import auth, errors, notes, openapi, public, register, routes  # noqa: E402,F401
