from flask import Blueprint

bp = Blueprint("cases", __name__)

from app.cases import mail, notes, offline, routes  # noqa: E402,F401  (routes attach themselves to bp)
