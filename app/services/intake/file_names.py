"""The name an uploaded file is stored and offered for download under.

Werkzeug's secure_filename keeps ASCII only, so "док.pdf" became "pdf" and a name in
Arabic script became nothing. Here letters and digits of every script are kept, the
rest becomes "_", directories are dropped, the extension is kept (or, if the name has
none, taken from the sniffed content type) and the name is cut to fit the column."""
import re
import unicodedata

MAX_STEM_CHARS = 120  # plus a dot and an extension of at most 10: well inside String(255)
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_EXTENSION = re.compile("[A-Za-z0-9]{1,10}")
# \w is Unicode-aware in Python: letters and digits of any script, and "_".
_NOT_IN_NAME = re.compile(r"[^\w.-]+")


def stored_filename(filename: str, *, content_type: str | None = None) -> str:
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if not _EXTENSION.fullmatch(extension):
        extension = _EXTENSIONS.get(content_type or "", "")
    stem = _NOT_IN_NAME.sub("_", stem).strip("._-")[:MAX_STEM_CHARS].rstrip("._-") or "berkas"
    return f"{stem}.{extension.lower()}" if extension else stem

