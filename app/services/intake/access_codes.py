"""How a complaint's access code is stored and checked.

The code is 10 characters from an alphabet of 31 (about 49.5 bits), drawn by `secrets`,
and every lookup counts against the `track` rate limits (app/services/intake/abuse.py). A slow
password hash protects low-entropy secrets people choose; it buys nothing here and cost
every filing and every lookup 100-150 ms of scrypt. The code is stored as an
HMAC-SHA-256 under a server key instead (docs/notifications-and-abuse.md, "Access codes",
gives the arithmetic): without the key, a copy of the database gives nothing to guess
against offline; with it, guessing 2^49.5 codes offline is still out of reach for any one
case, and online guessing is bounded by the limits.

The tracking number is part of what is hashed, so a stored hash opens only its own case:
someone able to write the table cannot copy the hash of a code they know onto another
complaint.

Codes stored before this (werkzeug scrypt hashes) are checked the old way and rehashed
on their next successful lookup.
"""
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from werkzeug.security import check_password_hash

SCHEME = "hmac-sha256$"
_DERIVATION = b"dumas access-code key v1"


def access_code_key() -> bytes:
    """DUMAS_ACCESS_CODE_KEY, or one derived from SECRET_KEY when it is not set (the
    embedded default). Changing either makes every stored code stop working."""
    configured = current_app.config.get("DUMAS_ACCESS_CODE_KEY") or ""
    if configured:
        return configured.encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), _DERIVATION, hashlib.sha256).digest()


def normalised_code(code: str) -> str:
    return code.strip().upper()


def keyed_hash(*, tracking_number: str, code: str, key: bytes | None = None) -> str:
    message = f"{tracking_number.strip().upper()}\x00{normalised_code(code)}".encode()
    digest = hmac.new(key if key is not None else access_code_key(), message, hashlib.sha256).hexdigest()
    return SCHEME + digest


@dataclass(frozen=True)
class Check:
    matches: bool
    # The stored hash is of the old kind and should be replaced by keyed_hash().
    outdated: bool = False


def check_code(*, stored: str, tracking_number: str, code: str) -> Check:
    """Whether `code` is the one stored for `tracking_number`, compared in constant time."""
    if stored.startswith(SCHEME):
        expected = keyed_hash(tracking_number=tracking_number, code=code)
        return Check(hmac.compare_digest(expected.encode(), stored.encode()))
    # A werkzeug hash (scrypt, or pbkdf2 on an old test database): compare_digest inside.
    matches = check_password_hash(stored, normalised_code(code))
    return Check(matches, outdated=matches)
