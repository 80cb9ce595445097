from flask import Blueprint

bp = Blueprint("modeler", __name__, url_prefix="/admin/model")

from app.modeler import routes, settings  # noqa: E402,F401  (routes attach themselves to bp)
