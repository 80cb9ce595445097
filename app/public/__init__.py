from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import routes, tracking  # noqa: E402,F401  (routes attach themselves to bp)
