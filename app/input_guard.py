"""The request boundary: input that no page or service should ever see.

- Ids in URLs (`<int:...>`) match only numbers the database can hold: a larger one is a
  404 like any id that does not exist, instead of an overflow inside the query (SQLite
  stops at 2^63, PostgreSQL's INTEGER columns at 2^31).
- Text with a NUL character or a lone UTF-16 surrogate is refused with a 400 naming the
  field, wherever it comes from (path, query, form, JSON body, file names, headers):
  PostgreSQL cannot store NUL in text, and neither database can encode a lone surrogate,
  so such a value would otherwise fail deep inside a query as a server error.
"""
import re

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.errors import error_response

# PostgreSQL INTEGER, the type of every id column; SQLite's range is wider.
MAX_DATABASE_ID = 2**31 - 1
# In a Python str, a non-BMP character is one code point, so any code point in the
# surrogate range is a lone half that UTF-8 cannot encode.
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


class DatabaseIdConverter(IntegerConverter):
    """`<int:name>` for ids: unsigned, and at most MAX_DATABASE_ID, else no route matches."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


def has_unsafe_text(value: str) -> bool:
    return _UNSAFE.search(value) is not None


def _strings(value, name: str):
    """(field name, text) of every string inside a JSON value, keys included."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield name or str(key), str(key)
            yield from _strings(item, name or str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, name)


def _request_strings():
    yield from ((name, str(value)) for name, value in (request.view_args or {}).items())
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            name = name or ""  # a multipart part without a name parameter has None
            yield name, name
            yield name, value
    for name, upload in request.files.items(multi=True):
        yield name or "", upload.filename or ""
    for name, value in request.headers.items():
        yield name, value
    if request.is_json:
        yield from _strings(request.get_json(silent=True), "")


def unsafe_field() -> str | None:
    """The name of the first field of this request holding unsafe text, if any."""
    for name, text in _request_strings():
        if has_unsafe_text(text):
            return name if not has_unsafe_text(name) else "?"
    return None


def _refuse_unsafe_text():
    field = unsafe_field()
    if field is None:
        return None
    message = _("Isian '%(field)s' berisi karakter yang tidak dapat disimpan (karakter NUL atau surrogate "
                "tunggal). Hapus karakter itu lalu kirim lagi.", field=field)
    if request.path.startswith("/api/"):
        return error_response(400, message, errors={field: message})
    return render_template("error.html", code=400, message=message), 400


def install(app: Flask) -> None:
    """Before any blueprint is registered: the id converter is bound when routes are added."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(_refuse_unsafe_text)
