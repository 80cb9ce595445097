"""Error pages for people (the API answers JSON itself: app/api/errors.py); a client that
sent or asked for JSON (the modeler's editors) gets `{"message": ...}` instead of a page."""
from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.extensions import login_manager

# Seconds a client is told to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 30


def error_response(status: int, message: str, *, headers: dict | None = None, **extra: object) -> Response:
    """The API's error answer, `{"message": ...}` plus `extra`: here, not in the API's
    blueprint, because the answers for the whole app (a database outage, refused input)
    give it to /api/ requests too."""
    response = jsonify({"message": message, **extra})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def _answer(code: int, message: str, headers: dict | None = None):
    if _wants_json():
        response = jsonify({"message": message})
    else:
        response = render_template("error.html", code=code, message=message)
    return response, code, headers or {}


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _page(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        messages = {
            400: _("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
            403: _("Anda tidak berhak membuka halaman ini."),
            404: _("Halaman tidak ditemukan, atau Anda tidak berhak membukanya."),
            405: _("Cara membuka halaman ini tidak diizinkan."),
            413: _("Berkas yang dikirim terlalu besar. Lampiran paling banyak 5 berkas, masing-masing paling besar 5 MB. Kembali ke halaman sebelumnya, lalu pilih berkas yang lebih kecil."),
            500: _("Terjadi kesalahan pada server. Data yang sudah tersimpan tidak hilang; coba lagi beberapa saat lagi."),
        }
        return _answer(exc.code, messages.get(exc.code, _("Permintaan tidak dapat diproses.")))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _database_unavailable(exc: Exception):
        """The database refused the connection, went away or is locked: a temporary
        outage (503, try again later), not a fault of this request (500)."""
        app.logger.error("Database unavailable: %s", exc.__class__.__name__, exc_info=exc)
        # The page header asks whether someone is logged in, which would ask the
        # database again; this request is answered as for a visitor.
        g._login_user = login_manager.anonymous_user()
        message = _("Layanan sedang tidak dapat menjangkau basis data. Data yang sudah tersimpan tidak hilang; "
                    "coba lagi dalam beberapa saat.")
        if request.path.startswith("/api/"):
            return error_response(503, message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return _answer(503, message, {"Retry-After": str(RETRY_AFTER_SECONDS)})
