"""One-time links to set a password (an administrator's reset, a new account).

The link carries a random token; only its SHA-256 is stored, so a copy of the database
opens nothing. A link works once and for RESET_LINK_HOURS; issuing a new one voids the
older ones of that user. Time is read from app/clock.py, which tests move.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult
from werkzeug.security import generate_password_hash

from app import clock
from app.extensions import db
from app.models import Notification, PasswordResetToken, User
from app.services.administration.account_admin import AdminScope, get_user
from app.services.audit_trail.audit import record_event
from app.services.casefile.email_render import render_email
from app.services.organisation.accounts import MIN_PASSWORD_LENGTH, AccountError

RESET_LINK_HOURS = 24


class ResetLinkInvalid(AccountError):
    """The link is unknown, used, expired or its account deactivated."""


def _now() -> datetime:
    return datetime.fromtimestamp(clock.now(), timezone.utc)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    path: str  # /akun/atur-sandi/<token>; shown once, never stored
    expires_at: datetime
    mailed_to: str | None


def issue_reset_link(*, scope: AdminScope, user_id: int, mail: bool, base_url: str = "") -> IssuedLink:
    """A new one-time link for an account in the administrator's scope, either returned
    to show once or queued in the mail outbox to the account's e-mail. Commits."""
    user = get_user(scope=scope, user_id=user_id)
    if not user.active:
        raise AccountError(_("Akun ini nonaktif; aktifkan dahulu."))
    if mail and not user.email:
        raise AccountError(_("Akun ini tidak punya alamat email; tampilkan tautannya saja."))
    now = _now()
    # Older links of this user stop working: only the newest one is meant to be used.
    db.session.execute(db.update(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                           PasswordResetToken.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=RESET_LINK_HOURS)
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=_digest(token), expires_at=expires_at,
                                      created_by=scope.actor, created_at=now))
    path = f"/akun/atur-sandi/{token}"
    if mail:
        rendered = render_email("password_reset", lang="id", name=user.full_name or user.username,
                                username=user.username, link=f"{base_url}{path}", hours=RESET_LINK_HOURS)
        db.session.add(Notification(user_id=user.id, kind="password_reset", recipient=(user.email or "").strip(),
                                    language="id", subject=rendered.subject, body=rendered.text,
                                    body_html=rendered.html))
    record_event(case=None, action="account.reset_link_issued", actor=scope.actor, detail=user.username,
                 data_after={"berlaku_sampai": expires_at.isoformat(), "dikirim": "email" if mail else "ditampilkan"})
    db.session.commit()
    return IssuedLink(path=path, expires_at=expires_at, mailed_to=user.email if mail else None)


def _usable(token: str) -> PasswordResetToken:
    row = db.session.scalars(db.select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token))).first()
    if row is None or row.used_at is not None:
        raise ResetLinkInvalid(_("Tautan ini tidak berlaku atau sudah dipakai. Mintalah tautan baru kepada administrator."))
    if row.expires_at <= _now():
        raise ResetLinkInvalid(_("Tautan ini sudah kedaluwarsa. Mintalah tautan baru kepada administrator."))
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        raise ResetLinkInvalid(_("Tautan ini tidak berlaku atau sudah dipakai. Mintalah tautan baru kepada administrator."))
    return row


def account_for_link(*, token: str) -> User:
    """The account a link would set the password of, or ResetLinkInvalid."""
    return db.session.get_one(User, _usable(token).user_id)


def set_password_with_link(*, token: str, new_password: str) -> User:
    """Use the link: the new password is set, the link spent, every session and API
    token of the account ended. Commits."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Kata sandi minimal %(min)d karakter.", min=MIN_PASSWORD_LENGTH))
    row = _usable(token)
    # Spend the link first, conditionally, so two submissions of it cannot both succeed.
    spent = cast(CursorResult, db.session.execute(db.update(PasswordResetToken).where(PasswordResetToken.id == row.id,
                                                                   PasswordResetToken.used_at.is_(None))
                               .values(used_at=_now()))).rowcount
    if not spent:
        db.session.rollback()
        raise ResetLinkInvalid(_("Tautan ini tidak berlaku atau sudah dipakai. Mintalah tautan baru kepada administrator."))
    user = db.session.get_one(User, row.user_id)
    user.password_hash = generate_password_hash(new_password, method=current_app.config["PASSWORD_HASH_METHOD"])
    user.must_change_password = False
    user.session_generation += 1
    record_event(case=None, action="account.password_reset", actor=user.username, detail="Lewat tautan sekali pakai")
    db.session.commit()
    return user
