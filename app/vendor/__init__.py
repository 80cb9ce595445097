"""The modeler's browser libraries (bpmn-js, camunda-bpmn-js, dmn-js), served from the
project's own node_modules: installed by `npm ci` from package.json and its lock file,
never from a CDN, since these machines and many government networks have no internet."""
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

# Only the built bundles and their stylesheets and fonts, nothing else under node_modules.
SERVED_PACKAGES = ("bpmn-js", "camunda-bpmn-js", "dmn-js")


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    if package not in SERVED_PACKAGES:
        abort(404)
    dist = Path(current_app.config["DUMAS_NODE_MODULES"]) / package / "dist"
    # send_from_directory refuses paths that leave `dist` (../ and absolute paths).
    return send_from_directory(dist, filename, max_age=3600)
