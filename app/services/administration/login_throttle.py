"""Signing in with a password, guarded against guessing: failed attempts are counted per
username and per client address with the rate counters of app/services/intake/abuse.py (Redis,
or the database); past a few failures every further attempt waits a little longer, and
past the limit the username (or the address) is locked until its window ends, the right
password included. The lockout is an audit event.

The answer takes the same work whether the username exists or not (a password hash is
always checked, against a dummy hash for an unknown name), and a lockout applies to
unknown names too, so neither the time nor the message tells which usernames exist.
"""
from dataclasses import dataclass
from functools import cache

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.extensions import db
from app.i18n import in_language
from app.models import User
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.intake.abuse import ADDRESS, Limit, RateLimited, count_hit, parse_limits, remaining_hits

# Failed attempts per window; DUMAS_RATE_LIMITS ("login_user=5/900,...") overrides them.
# An address gets more than a username: several staff may share one office address.
DEFAULT_LOGIN_LIMITS = {"login_user": Limit(10, 900), "login_address": Limit(30, 900)}
# Failures that cost nothing; after them each attempt waits delay * 2**(n - FREE_FAILURES)
# seconds, at most MAX_DELAY_SECONDS (a person mistyping twice never notices; a script
# guessing gets about 40 s of waiting for its last 7 guesses before the lockout).
FREE_FAILURES = 3
MAX_DELAY_SECONDS = 8.0


@dataclass(frozen=True)
class LoginSettings:
    rate_limits: str  # DUMAS_RATE_LIMITS
    redis_url: str | None
    namespace: str  # abuse.namespace_for(database URI)
    password_hash_method: str
    delay_seconds: float  # DUMAS_LOGIN_DELAY_SECONDS, the first growing delay


class LoginRefused(Exception):
    """Wrong username or password, or locked out; `message(lang)` says which."""

    def __init__(self, text: LazyString, *, retry_after: int | None = None):
        super().__init__(text)
        self.text = text
        self.retry_after = retry_after

    @property
    def locked(self) -> bool:
        return self.retry_after is not None

    def message(self, lang: str) -> str:
        return in_language(self.text, lang)


def _wrong() -> LoginRefused:
    return LoginRefused(_l("Nama pengguna atau kata sandi salah."))


def _locked(scope: str, retry_after: int) -> LoginRefused:
    minutes = -(-retry_after // 60)
    if scope == "login_user":
        return LoginRefused(
            _l("Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini. Akun dikunci sementara; "
               "coba lagi dalam %(minutes)s menit atau hubungi administrator.", minutes=minutes),
            retry_after=retry_after,
        )
    return LoginRefused(
        _l("Terlalu banyak percobaan masuk yang gagal dari alamat Anda. Coba lagi dalam %(minutes)s menit.",
           minutes=minutes),
        retry_after=retry_after,
    )


@cache
def _dummy_hash(method: str) -> str:
    """A hash made with the same method and cost as the real ones, checked when the
    username is unknown so that the answer takes as long as for a known one."""
    return generate_password_hash("no such user, same work", method=method)


def sign_in(*, username: str, password: str, address: str, settings: LoginSettings) -> User:
    """The user whose password this is; raises LoginRefused. Commits only a lockout's
    audit event (counters are counted in their own transactions)."""
    username = username.strip()
    # DUMAS_RATE_LIMITS names a login scope's limit like any other ("login_user=10/900").
    limits = {**DEFAULT_LOGIN_LIMITS, **{k: v[ADDRESS] for k, v in parse_limits(settings.rate_limits).items()
                                         if k in DEFAULT_LOGIN_LIMITS and ADDRESS in v}}
    # Lowercased: "Admin" and "admin" are one target for a guesser.
    clients = {"login_user": username.lower()[:100], "login_address": address}
    now = clock.now()
    failures = 0
    for scope, client in clients.items():
        limit = limits[scope]
        left, _window = remaining_hits(scope=scope, client=client, limit=limit, redis_url=settings.redis_url,
                                       namespace=settings.namespace, now=now)
        counted = limit.hits - left  # what count_hit has counted so far, counting nothing
        if counted >= limit.hits:
            raise _locked(scope, _window_left(limit, now))
        failures = max(failures, counted)
    if failures >= FREE_FAILURES and settings.delay_seconds > 0:
        clock.sleep(min(MAX_DELAY_SECONDS, settings.delay_seconds * 2 ** (failures - FREE_FAILURES)))

    user = db.session.scalars(db.select(User).where(User.username == username)).first()
    stored = user.password_hash if user is not None else _dummy_hash(settings.password_hash_method)
    if check_password_hash(stored, password) and user is not None and user.active:
        return user

    for scope, client in clients.items():
        limit = limits[scope]
        try:
            # count_hit refuses the hit past its limit; one less makes the limit-th
            # failure the one that locks (the pre-check above refuses from then on).
            count_hit(scope=scope, client=client, limit=Limit(limit.hits - 1, limit.seconds),
                      redis_url=settings.redis_url, namespace=settings.namespace, now=now)
        except RateLimited as crossed:
            _record_lockout(username=username, address=address, scope=scope, limit=limit,
                            retry_after=crossed.retry_after or 0)
            raise _locked(scope, crossed.retry_after or 0) from None
    raise _wrong()


def _window_left(limit: Limit, now: float) -> int:
    window = int(now // limit.seconds) * limit.seconds
    return max(1, window + limit.seconds - int(now))


def _record_lockout(*, username: str, address: str, scope: str, limit: Limit, retry_after: int) -> None:
    """The failure that crossed the limit: one event per lockout (later attempts are
    refused before they are counted, so they never cross it again)."""
    what = "username" if scope == "login_user" else "address"
    record_event(
        case=None,
        action="account.locked",
        actor=SYSTEM_ACTOR,
        data_after={"username": username[:100], "address": address, "locked": what,
                    "failures": limit.hits, "window_seconds": limit.seconds, "retry_after": retry_after},
        detail=f"{limit.hits} percobaan masuk gagal dalam {limit.seconds // 60} menit",
    )
    db.session.commit()
