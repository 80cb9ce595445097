"""Reading request bodies and query parameters, refusing malformed ones with a 400."""
import re

from flask import request
from flask_babel import gettext as _

from app.api.errors import ApiError
from app.i18n import current_language
from app.input_guard import MAX_DATABASE_ID

_DIGITS = re.compile("[0-9]+")
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


def query_page(name: str = "page") -> int:
    """A page number: ASCII digits only (str.isdigit also takes "²", which int() refuses);
    one past the last page is the last page, so a huge number is cut before int()."""
    raw = request.args.get(name, "1").strip()
    digits = raw.lstrip("0")
    if not _DIGITS.fullmatch(raw) or not digits:
        raise ApiError(400, _("Parameter '%(name)s' harus bilangan bulat positif.", name=name))
    return MAX_DATABASE_ID if len(digits) > 10 else min(int(digits), MAX_DATABASE_ID)


def language() -> str:
    """The language of this request (?lang=, then Accept-Language; Indonesian default)."""
    return current_language()
