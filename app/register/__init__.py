"""The case register: /kasus, every case the signed-in user may see, with filters,
search and export (app/services/reporting/register.py)."""
from flask import Blueprint

bp = Blueprint("register", __name__)

from app.register import routes  # noqa: E402,F401  (routes attach themselves to bp)
