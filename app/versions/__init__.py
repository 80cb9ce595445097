from flask import Blueprint

bp = Blueprint("versions", __name__, url_prefix="/admin/model")

from app.versions import routes  # noqa: E402,F401  (routes attach themselves to bp)
