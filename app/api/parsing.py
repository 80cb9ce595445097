"""Reading request bodies and query parameters, refusing malformed ones with a 400."""

from flask import request
from flask_babel import gettext as _

from app.api.errors import ApiError
from app.i18n import current_language

_TRUE = {"1", "true", "yes", "ya"}
_FALSE = {"0", "false", "no", "tidak", ""}


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, _("Isi permintaan harus berupa objek JSON."))
    return body


def query_bool(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ApiError(400, _("Parameter '%(name)s' harus true atau false.", name=name))


def language() -> str:
    """The language of this request (?lang=, then Accept-Language; Indonesian default)."""
    return current_language()
