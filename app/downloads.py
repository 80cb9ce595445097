"""The Content-Disposition of every download, bounded and safe whatever the name.

A stored upload's name is the complainant's: it may be 10,000 characters long, carry
quotes, semicolons, line breaks or non-Latin letters. Put as is into a header it made a
10 KB header (and a quote ends the filename early). Here the name is cut to
MAX_NAME_CHARS keeping its extension, stripped of control characters, quotes and path
separators, given as ASCII in `filename` and in full UTF-8 in `filename*` (RFC 6266), so
the header stays under about 1 KB.
"""
import re
import unicodedata
from urllib.parse import quote

MAX_NAME_CHARS = 80
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;:*?<>|]+')


def bounded_name(filename: str, *, fallback: str = "berkas") -> str:
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", filename or "")).strip(" ._") or fallback
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= 10:
        return stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
    return name[:MAX_NAME_CHARS]


def content_disposition(filename: str, *, inline: bool = False) -> str:
    name = bounded_name(filename)
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value
