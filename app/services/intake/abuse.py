"""Abuse resistance for the public endpoints: what a refusal is, and rate limits per
client address, device and identity. The spam check and the upload names are in
app/services/intake/spam_checks.py.

Each check raises `Refused` (a subclass says which) with a lazy message, translated where
it is shown; nothing is stored by a refused request, because the checks run before the use
case. The web layer (app/limits.py) applies them to a route with one decorator.

Rate-limit counters live where every web worker sees them: in Redis when REDIS_URL is
set, otherwise in the database (table rate_limit_counters), each hit counted in its own
short transaction so that a refused or failed request still counts.
"""
import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass
from functools import cache
from typing import cast

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.i18n import in_language
from app.models import RateLimitCounter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    hits: int
    seconds: int


# Who is counted. Many citizens share one public address (carrier-grade NAT on mobile
# networks, a village kiosk), so the address is counted generously and only stops floods;
# the device (a random id in the signed session cookie) and the identity given (NIK,
# email, phone, each hashed) are counted strictly. A client that drops its cookies gets a
# new device each time but stays under its address's count.
ADDRESS, DEVICE, IDENTITY = "address", "device", "identity"

# scope -> who -> limit. "complaint": filing (web and API); "track": looking a case up
# with its access code (the guessing target); "public": any other public POST (answers,
# objections, ratings) unless its route names its own scope.
DEFAULT_LIMITS = {
    "complaint": {ADDRESS: Limit(120, 3600), DEVICE: Limit(20, 3600), IDENTITY: Limit(10, 86400)},
    "track": {ADDRESS: Limit(300, 600), DEVICE: Limit(30, 600)},
    "public": {ADDRESS: Limit(300, 600), DEVICE: Limit(30, 600)},
}
# Warn on the form's page when this share of a limit is used or fewer than 3 are left.
NEAR_SHARE = 0.8

_REFUSALS = {
    ADDRESS: _l("Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam %(wait)s."),
    DEVICE: _l("Terlalu banyak kiriman dari perangkat ini. Coba lagi dalam %(wait)s."),
    IDENTITY: _l("Terlalu banyak laporan dengan NIK, email atau nomor HP ini. Coba lagi dalam %(wait)s."),
}


class Refused(Exception):
    """`text` is a lazy message: it is translated where it is shown."""

    status = 400

    def __init__(self, text: LazyString, *, retry_after: int | None = None):
        super().__init__(text)
        self.text = text
        self.retry_after = retry_after

    def message(self, lang: str) -> str:
        return in_language(self.text, lang)


class RateLimited(Refused):
    status = 429


class SpamSuspected(Refused):
    status = 400


class UploadRefused(Refused):
    status = 400


class TooLarge(Refused):
    status = 413


# --- Rate limits ----------------------------------------------------------------------

def parse_limits(spec: str) -> dict[str, dict[str, Limit]]:
    """DEFAULT_LIMITS overridden by "scope=hits/seconds,scope.device=hits/seconds,..."
    (config DUMAS_RATE_LIMITS); a bare scope names its per-address limit."""
    limits = {scope: dict(rules) for scope, rules in DEFAULT_LIMITS.items()}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, rule = part.partition("=")
        scope, _, who = name.strip().partition(".")
        hits, _, seconds = rule.partition("/")
        limits.setdefault(scope, {})[who or ADDRESS] = Limit(int(hits), int(seconds))
    return limits


def identity_keys(*, fields: dict[str, str], secret_key: str) -> list[str]:
    """A keyed hash of each NIK, email and phone given, normalised so that spacing or
    case does not make a new identity; the plain values are never stored or logged."""
    nik = re.sub(r"\D", "", fields.get("nik") or "")[:16]
    email = (fields.get("email") or "").strip().lower()[:255]
    phone = re.sub(r"\D", "", fields.get("no_hp") or "")[:20]
    phone = "62" + phone[1:] if phone.startswith("0") else phone
    values = [f"nik:{nik}" if nik else "", f"email:{email}" if email else "", f"hp:{phone}" if phone else ""]
    return [hmac.new(secret_key.encode(), v.encode(), hashlib.sha256).hexdigest()[:32] for v in values if v]


def count_hit(*, scope: str, client: str, limit: Limit, redis_url: str | None, namespace: str,
              who: str = ADDRESS, now: float | None = None) -> None:
    """Count one request of `client` (an address, device id or identity hash) in
    `scope`; raise RateLimited past the limit."""
    count_hits(scope=scope, clients=[(who, client, limit)], redis_url=redis_url, namespace=namespace, now=now)


def count_hits(*, scope: str, clients: list[tuple[str, str, Limit]], redis_url: str | None, namespace: str,
               now: float | None = None) -> None:
    """count_hit for each (who, client, limit) in turn, stopping at the first past its
    limit (those after it are not counted, as a request refused there never reached
    them), in one Redis round trip for all of them."""
    now = time.time() if now is None else now
    counted = [(f"{scope}:{client}" if who == ADDRESS else f"{scope}.{who}:{client}", limit,
                int(now // limit.seconds) * limit.seconds) for who, client, limit in clients]
    refused = _first_past_limit(counted, redis_url=redis_url, namespace=namespace, now=now)
    if refused is None:
        return
    who, limit, window = clients[refused][0], counted[refused][1], counted[refused][2]
    retry_after = max(1, window + limit.seconds - int(now))
    raise RateLimited(LazyString(lambda: str(_REFUSALS[who]) % {"wait": _wait(retry_after)}),
                      retry_after=retry_after)


def remaining_hits(*, scope: str, client: str, limit: Limit, redis_url: str | None, namespace: str,
                   who: str = ADDRESS, now: float | None = None) -> tuple[int, int]:
    """(hits left in the current window, seconds until it ends), counting nothing."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds) * limit.seconds
    key = f"{scope}:{client}" if who == ADDRESS else f"{scope}.{who}:{client}"
    hits = _hit(key, window, limit.seconds, redis_url=redis_url, namespace=namespace, now=now, count=False)
    return max(0, limit.hits - hits), max(1, window + limit.seconds - int(now))


def is_near(left: int, limit: Limit) -> bool:
    return left < 3 or left <= limit.hits * (1 - NEAR_SHARE)


def _wait(seconds: int) -> LazyString:
    minutes = -(-seconds // 60)
    if minutes <= 90:
        return _l("%(n)s menit", n=minutes)
    return _l("%(n)s jam", n=-(-minutes // 60))


# While Redis is unreachable, counts go to the database and Redis is tried again only
# after this pause, so an outage costs no request a connect timeout and the log gets
# one line when it starts and one when it ends, not one per request.
REDIS_RETRY_SECONDS = 5.0
_redis_down_since: float | None = None
_redis_retry_at = 0.0


def _redis_usable() -> bool:
    return time.monotonic() >= _redis_retry_at


def _redis_failed(error: Exception, now: float) -> None:
    global _redis_down_since, _redis_retry_at
    _redis_retry_at = time.monotonic() + REDIS_RETRY_SECONDS
    if _redis_down_since is None:
        _redis_down_since = now
        log.warning("rate limit: Redis unreachable (%s); counting in the database until it is back",
                    type(error).__name__)


def _redis_answered(now: float) -> None:
    global _redis_down_since
    if _redis_down_since is not None:
        log.warning("rate limit: Redis reachable again after %.0f s; counting in Redis", now - _redis_down_since)
        _redis_down_since = None


def _first_past_limit(counted: list[tuple[str, Limit, int]], *, redis_url: str | None, namespace: str,
                      now: float) -> int | None:
    """Count (key, limit, window) in order; the index of the first past its limit, or None."""
    if redis_url and _redis_usable():
        from redis.exceptions import RedisError

        try:
            refused = _redis_count(redis_url, [(f"dumas:rl:{namespace}:{key}:{window}", limit) for key, limit, window
                                               in counted])
        except RedisError as error:  # ConnectionError, TimeoutError ...: not OSErrors
            _redis_failed(error, now)
        else:
            _redis_answered(now)
            return refused
    for index, (key, limit, window) in enumerate(counted):
        if _database_hit(key, window, limit.seconds) > limit.hits:
            return index
    return None


def _hit(key: str, window: int, seconds: int, *, redis_url: str | None, namespace: str, now: float,
         count: bool = True) -> int:
    if redis_url and _redis_usable():
        from redis.exceptions import RedisError

        try:
            hits = _redis_hit(redis_url, f"dumas:rl:{namespace}:{key}:{window}", seconds, count=count)
        except RedisError as error:
            _redis_failed(error, now)
        else:
            _redis_answered(now)
            return hits
    return _database_hit(key, window, seconds, count=count)


def _database_hit(key: str, window: int, seconds: int, *, count: bool = True) -> int:
    # Its own connection and transaction: the count survives whatever the request does.
    table = cast(Table, RateLimitCounter.__table__)
    with db.engine.begin() as conn:
        if not count:
            hits = conn.execute(select(table.c.hits).where(table.c.key == key, table.c.window_start == window))
            return hits.scalar() or 0
        insert: postgresql.Insert | sqlite.Insert = (
            postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table))
        statement = insert.values(key=key, window_start=window, hits=1, expires_at=window + seconds)
        counted = statement.on_conflict_do_update(
            index_elements=[table.c.key, table.c.window_start], set_={"hits": table.c.hits + 1}
        ).returning(table.c.hits)
        hits = conn.execute(counted).scalar_one()
        if hits == 1:  # a new window: a good moment to drop the expired ones
            conn.execute(delete(table).where(table.c.expires_at < window))
    return hits


def _redis_hit(redis_url: str, key: str, seconds: int, *, count: bool = True) -> int:
    client = _redis(redis_url)
    if not count:
        return int(client.get(key) or 0)
    pipeline = client.pipeline()
    pipeline.incr(key)
    pipeline.expire(key, seconds + 60)
    hits, _ = pipeline.execute()
    return int(hits)


# Counts each key in turn (INCR, then its expiry a minute past its window) and stops at
# the first past its limit: a filing's address, device and identity counts in one round
# trip, counted exactly as one INCR each would, in order, until a refusal.
_COUNT_SCRIPT = """
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[2 * i - 1])
  if hits > tonumber(ARGV[2 * i]) then return i end
end
return 0
"""


def _redis_count(redis_url: str, keys: list[tuple[str, Limit]]) -> int | None:
    args = [value for _key, limit in keys for value in (limit.seconds + 60, limit.hits)]
    refused = int(_count_script(redis_url)(keys=[key for key, _limit in keys], args=args))
    return refused - 1 if refused else None


@cache
def _count_script(url: str):
    return _redis(url).register_script(_COUNT_SCRIPT)


@cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def namespace_for(database_uri: str) -> str:
    """Installations sharing one Redis keep separate counters."""
    return hashlib.sha256(database_uri.encode()).hexdigest()[:12]
