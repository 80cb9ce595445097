"""Every error under /api/v1 is JSON, `{"message": ...}` in the caller's language, plus
`errors` (field -> message) where input was refused field by field."""
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app.api import bp
from app.errors import error_response
from app.i18n import LANGUAGES


class ApiError(Exception):
    """Raised by a route to answer with an error; the blueprint turns it into JSON."""

    def __init__(self, status: int, message: str, *, headers: dict | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def _http_message(code: int | None) -> str:
    # Built per call, not at import: gettext needs the request's locale.
    messages = {
        400: _("Permintaan tidak valid."),
        401: _("Autentikasi diperlukan."),
        403: _("Anda tidak berhak melakukan ini."),
        404: _("Alamat tidak ditemukan."),
        405: _("Metode ini tidak diizinkan untuk alamat ini."),
        413: _("Permintaan terlalu besar."),
        415: _("Jenis isi permintaan tidak didukung."),
        500: _("Terjadi kesalahan pada server."),
    }
    return messages.get(code, _("Permintaan tidak dapat diproses."))


def _http_error(exc: HTTPException):
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return error_response(exc.code or 500, _http_message(exc.code), headers=headers)


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_response(exc.status, exc.message, headers=exc.headers, **exc.extra)


# Also catches unexpected exceptions: Flask logs them, then hands this handler an
# InternalServerError, so no traceback or HTML page reaches an API client.
@bp.errorhandler(HTTPException)
def _http_exception(exc: HTTPException):
    return _http_error(exc)


@bp.before_request
def _known_language():
    """`lang` is an enum in the OpenAPI document: another value is refused, not ignored."""
    chosen = request.args.get("lang")
    if chosen is not None and chosen not in LANGUAGES:
        return error_response(400, _("Parameter 'lang' harus id atau en."), errors={"lang": "id, en"})
    return None


@bp.before_app_request
def _json_routing_errors():
    """Blueprint error handlers never see a URL that matched no route (or not with this
    method): Flask raises those before it knows the blueprint. Answer them here for
    paths under /api/v1; every other path keeps the application's own handling."""
    exc = request.routing_exception
    if not isinstance(exc, (NotFound, MethodNotAllowed)):
        return None
    if request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/"):
        return _http_error(exc)
    return None
