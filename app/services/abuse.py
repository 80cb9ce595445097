"""Abuse resistance for the public endpoints: rate limits per client address, a spam
check that needs no third-party service, and upload names that must match their content.

Each check raises `Refused` (a subclass says which) with a message in Indonesian and
English; nothing is stored by a refused request, because the checks run before the use
case. The web layer (app/limits.py) applies them to a route with one decorator.

Rate-limit counters live where every web worker sees them: in Redis when REDIS_URL is
set, otherwise in the database (table rate_limit_counters), each hit counted in its own
short transaction so that a refused or failed request still counts.
"""
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from functools import cache

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from app.extensions import db
from app.models import RateLimitCounter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    hits: int
    seconds: int


# Per client address. "complaint": filing (web and API); "track": looking a case up with
# its access code (the guessing target); "public": any other public POST (answers,
# objections, ratings) unless its route names its own scope.
DEFAULT_LIMITS = {
    "complaint": Limit(10, 3600),
    "track": Limit(30, 600),
    "public": Limit(30, 600),
}


class Refused(Exception):
    status = 400

    def __init__(self, indonesian: str, english: str, *, retry_after: int | None = None):
        super().__init__(indonesian)
        self.messages = (indonesian, english)
        self.retry_after = retry_after

    def message(self, lang: str) -> str:
        return self.messages[1] if lang == "en" else self.messages[0]


class RateLimited(Refused):
    status = 429


class SpamSuspected(Refused):
    status = 400


class UploadRefused(Refused):
    status = 400


# --- Rate limits ----------------------------------------------------------------------

def parse_limits(spec: str) -> dict[str, Limit]:
    """DEFAULT_LIMITS overridden by "scope=hits/seconds,..." (config DUMAS_RATE_LIMITS)."""
    limits = dict(DEFAULT_LIMITS)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        scope, _, rule = part.partition("=")
        hits, _, seconds = rule.partition("/")
        limits[scope.strip()] = Limit(int(hits), int(seconds))
    return limits


def count_hit(*, scope: str, client: str, limit: Limit, redis_url: str | None, namespace: str,
              now: float | None = None) -> None:
    """Count one request of `client` in `scope`; raise RateLimited past the limit."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds) * limit.seconds
    key = f"{scope}:{client}"
    hits = None
    if redis_url:
        try:
            hits = _redis_hit(redis_url, f"dumas:rl:{namespace}:{key}:{window}", limit.seconds)
        except OSError:  # redis' ConnectionError is an OSError: fall back, do not fail open
            log.warning("rate limit: Redis unreachable, counting in the database")
    if hits is None:
        hits = _database_hit(key, window, limit.seconds)
    if hits > limit.hits:
        retry_after = max(1, window + limit.seconds - int(now))
        minutes = -(-retry_after // 60)
        raise RateLimited(
            f"Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam {minutes} menit.",
            f"Too many requests from your address. Please try again in {minutes} minute(s).",
            retry_after=retry_after,
        )


def _database_hit(key: str, window: int, seconds: int) -> int:
    # Its own connection and transaction: the count survives whatever the request does.
    table = RateLimitCounter.__table__
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(table).values(key=key, window_start=window, hits=1, expires_at=window + seconds)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key, table.c.window_start], set_={"hits": table.c.hits + 1}
        ).returning(table.c.hits)
        hits = conn.execute(statement).scalar_one()
        if hits == 1:  # a new window: a good moment to drop the expired ones
            conn.execute(delete(table).where(table.c.expires_at < window))
    return hits


def _redis_hit(redis_url: str, key: str, seconds: int) -> int:
    pipeline = _redis(redis_url).pipeline()
    pipeline.incr(key)
    pipeline.expire(key, seconds + 60)
    hits, _ = pipeline.execute()
    return int(hits)


@cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def namespace_for(database_uri: str) -> str:
    """Installations sharing one Redis keep separate counters."""
    return hashlib.sha256(database_uri.encode()).hexdigest()[:12]


def hits_so_far(*, scope: str, client: str, limit: Limit, redis_url: str | None, namespace: str,
                now: float | None = None) -> int:
    """What count_hit has counted for `client` in `scope` in the current window, without
    counting: the login throttle asks this before it checks a password (same keys as
    count_hit; a Redis that does not answer falls back to the database, as count_hit does)."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds) * limit.seconds
    key = f"{scope}:{client}"
    if redis_url:
        try:
            value = _redis(redis_url).get(f"dumas:rl:{namespace}:{key}:{window}")
            return int(value or 0)
        except OSError:
            log.warning("rate limit: Redis unreachable, reading the database")
    table = RateLimitCounter.__table__
    with db.engine.connect() as conn:
        hits = conn.execute(
            select(table.c.hits).where(table.c.key == key, table.c.window_start == window)
        ).scalar()
    return int(hits or 0)


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
    return URLSafeSerializer(secret_key, salt="dumas-form-started").dumps(int(time.time() if now is None else now))


def check_form(*, fields: dict[str, str], secret_key: str, min_seconds: float, now: float | None = None) -> None:
    """A person leaves the hidden field empty and takes a few seconds to fill a form."""
    if (fields.get(HONEYPOT_FIELD) or "").strip():
        raise SpamSuspected("Laporan ditolak karena terdeteksi sebagai kiriman otomatis.",
                            "Refused: this looks like an automated submission.")
    if min_seconds <= 0:
        return
    now = time.time() if now is None else now
    try:
        started = URLSafeSerializer(secret_key, salt="dumas-form-started").loads(fields.get(STARTED_FIELD) or "")
    except BadSignature:
        started = None
    if not isinstance(started, int) or not min_seconds <= now - started <= MAX_FORM_AGE:
        raise SpamSuspected(
            "Formulir dikirim terlalu cepat atau tidak dibuka dari halaman ini. Buka formulir, isi, lalu kirim lagi.",
            "The form was sent too quickly or not from this page. Open the form, fill it in and send it again.",
        )


def check_content(texts: list[str]) -> None:
    """Simple signs of spam in what was typed, tuned to let any real complaint through:
    many links, link markup, one character repeated at length, one word over and over."""
    joined = "\n".join(t for t in texts if t)
    if len(_LINK.findall(joined)) > MAX_LINKS:
        raise SpamSuspected(f"Laporan ditolak: terlalu banyak tautan (paling banyak {MAX_LINKS}).",
                            f"Refused: too many links (at most {MAX_LINKS}).")
    if _MARKUP_LINK.search(joined):
        raise SpamSuspected("Laporan ditolak: kode tautan ([url] atau <a href>) tidak diterima.",
                            "Refused: link markup ([url] or <a href>) is not accepted.")
    if _RUN.search(joined):
        raise SpamSuspected("Laporan ditolak: satu karakter diulang terlalu panjang.",
                            "Refused: one character is repeated too many times.")
    words = [w.lower() for w in _WORD.findall(joined)]
    if len(words) >= 20 and max(words.count(w) for w in set(words)) > len(words) // 2:
        raise SpamSuspected("Laporan ditolak: satu kata diulang-ulang.",
                            "Refused: one word is repeated over and over.")


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
            f"{filename}: nama berkas harus sesuai isinya ({names}). Ganti nama berkas lalu kirim lagi.",
            f"{filename}: the file name must match its content ({names}). Rename the file and send it again.",
        )
