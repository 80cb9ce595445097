"""The spam check of the public forms (a hidden honeypot field, the time taken to fill
the form, simple signs in the content) and upload names that must match their content.
None needs a third-party service; each raises a `Refused` of app/services/intake/abuse.py.
"""
import re
from collections import Counter

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from app import clock
from app.services.intake.abuse import SpamSuspected, UploadRefused

# --- The spam check: honeypot, fill time, content ----------------------------------------

HONEYPOT_FIELD = "situs_web"  # hidden from people; a bot filling every field fills it
STARTED_FIELD = "formulir_dibuka"
MAX_FORM_AGE = 24 * 3600  # a token kept to be replayed by a script stops working
MAX_LINKS = 3
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_MARKUP_LINK = re.compile(r"\[url[=\]]|<a\s+href", re.IGNORECASE)
# Thirty of one character; not spaces or the usual separator lines of pasted text.
_RUN = re.compile(r"([^\s\-=_.*#])\1{29,}")
_WORD = re.compile(r"\w+", re.UNICODE)


def started_token(*, secret_key: str, now: float | None = None) -> str:
    """The signed moment a form was shown, put in a hidden field."""
    return URLSafeSerializer(secret_key, salt="dumas-form-started").dumps(int(clock.now() if now is None else now))


def form_started(*, token: str, secret_key: str, now: float | None = None) -> int | None:
    """The moment a form was first shown, if `token` is ours and under a day old. A form
    shown again after a refusal or an error keeps it, so a person correcting one field
    is never taken for a bot that filled everything at once."""
    now = clock.now() if now is None else now
    try:
        started = URLSafeSerializer(secret_key, salt="dumas-form-started").loads(token or "")
    except BadSignature:
        return None
    return started if isinstance(started, int) and 0 <= now - started <= MAX_FORM_AGE else None


def check_form(*, fields: dict[str, str], secret_key: str, min_seconds: float, now: float | None = None) -> None:
    """A person leaves the hidden field empty and takes a few seconds to fill a form."""
    if (fields.get(HONEYPOT_FIELD) or "").strip():
        raise SpamSuspected(_l("Laporan ditolak karena terdeteksi sebagai kiriman otomatis."))
    if min_seconds <= 0:
        return
    now = clock.now() if now is None else now
    started = form_started(token=fields.get(STARTED_FIELD) or "", secret_key=secret_key, now=now)
    if started is None:
        raise SpamSuspected(
            _l("Formulir tidak dibuka dari halaman ini atau sudah lebih dari sehari. Periksa isian Anda, "
               "lalu kirim sekali lagi."),
        )
    if now - started < min_seconds:
        raise SpamSuspected(
            _l("Formulir dikirim terlalu cepat. Isian Anda masih ada di formulir ini: periksa, "
               "lalu kirim sekali lagi."),
        )


# What the content heuristics read of each field: its documented length (the services
# refuse anything longer beside its field), so no check ever sees more than ~25 KB.
TEXT_LIMITS = {
    "nama_lengkap": 200, "pekerjaan": 100, "alamat": 500, "judul": 200, "uraian": 10000,
    "lokasi_kejadian": 255, "terlapor": 255, "email": 255, "nik": 16, "no_hp": 20,
    # complainants' replies (app/services/intake/complainant_replies.py), web and API names
    "text": 5000, "jawaban": 5000, "alasan": 5000, "comment": 1000, "komentar": 1000,
}
OTHER_FIELD_LIMIT = 255
MAX_FIELDS = 40  # the longest form has 16 fields; a body of thousands is not a form


def capped_texts(fields: dict[str, str]) -> list[str]:
    """Each field cut at its documented length, before any other processing."""
    return [value[:TEXT_LIMITS.get(name, OTHER_FIELD_LIMIT)]
            for name, value in list(fields.items())[:MAX_FIELDS]
            if isinstance(value, str) and name not in (HONEYPOT_FIELD, STARTED_FIELD)]


def check_content(texts: list[str]) -> None:
    """Simple signs of spam in what was typed, tuned to let any real complaint through:
    many links, link markup, one character repeated at length, one word over and over.
    Every check is one linear pass (give it capped_texts)."""
    joined = "\n".join(t for t in texts if t)
    if len(_LINK.findall(joined)) > MAX_LINKS:
        raise SpamSuspected(_l("Laporan ditolak: terlalu banyak tautan (paling banyak %(max_links)s).",
                               max_links=MAX_LINKS))
    if _MARKUP_LINK.search(joined):
        raise SpamSuspected(_l("Laporan ditolak: kode tautan ([url] atau <a href>) tidak diterima."))
    if _RUN.search(joined):
        raise SpamSuspected(_l("Laporan ditolak: satu karakter diulang terlalu panjang."))
    words = Counter(w.lower() for w in _WORD.findall(joined))
    total = words.total()
    if total >= 20 and words.most_common(1)[0][1] > total // 2:
        raise SpamSuspected(_l("Laporan ditolak: satu kata diulang-ulang."))


# --- Uploads: the name must say what the content is ---------------------------------------

_DOCUMENT_EXTENSIONS = (".pdf",)
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


def check_upload_name(*, filename: str, content_type: str | None) -> None:
    """`content_type` is what the first bytes say (complaints.sniff_type); the size and
    the type itself are checked by the complaint service. A file named .exe or .html
    that starts like a PDF, or a PDF named as a picture, is refused, so no download
    carries a misleading name. A PNG named .jpg (a renamed screenshot) is let through:
    both are pictures, and the stored type comes from the content."""
    if content_type is None:
        return  # not PDF/JPG/PNG at all: the service refuses it beside its field
    allowed = _DOCUMENT_EXTENSIONS if content_type == "application/pdf" else _IMAGE_EXTENSIONS
    if not filename.lower().endswith(allowed):
        names = " / ".join(allowed)
        raise UploadRefused(
            _l("%(filename)s: nama berkas harus sesuai isinya (%(names)s). Ganti nama berkas lalu kirim lagi.",
               filename=filename, names=names),
        )
