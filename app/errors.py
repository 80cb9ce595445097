"""Error pages for people (the API answers JSON itself: app/api/errors.py)."""
from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


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
        message = messages.get(exc.code, _("Permintaan tidak dapat diproses."))
        return render_template("error.html", code=exc.code, message=message), exc.code
