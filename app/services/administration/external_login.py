"""Signing in through the agency's OpenID Connect provider (e.g. Keycloak): which local
account a verified identity belongs to. Roles, unit and organisation stay local: the
provider only says who the person is."""
import secrets
from dataclasses import dataclass

from flask import current_app
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Organisation, User
from app.services.audit_trail.audit import record_event


class ExternalLoginRefused(Exception):
    """No usable local account for this identity; `reason` is for the audit trail."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ExternalLoginSettings:
    issuer: str
    match_claim: str  # "preferred_username" (matched to the username) or "email"
    create_in_organisation: str  # "" = never create accounts


def account_for_identity(*, claims: dict, settings: ExternalLoginSettings) -> User:
    """The active local account whose username (or e-mail) equals the claim; with
    creation configured, a new account without roles in that organisation, which an
    administrator then gives roles. Records the sign-in; commits."""
    value = claims.get(settings.match_claim)
    if not isinstance(value, str) or not value.strip():
        raise ExternalLoginRefused(f"klaim {settings.match_claim} tidak ada")
    value = value.strip()
    if settings.match_claim == "email":
        if claims.get("email_verified") is False:
            raise ExternalLoginRefused("email belum diverifikasi penyedia identitas")
        matches = list(db.session.scalars(db.select(User).where(db.func.lower(User.email) == value.lower()).limit(2)))
        if len(matches) > 1:  # two local accounts share it: never guess which one is meant
            raise ExternalLoginRefused(f"lebih dari satu akun memakai email {value}")
        user = matches[0] if matches else None
    else:
        user = db.session.scalars(db.select(User).where(User.username == value)).first()
    if user is None and settings.create_in_organisation:
        user = _create(value, claims, settings)
    if user is None:
        raise ExternalLoginRefused(f"tidak ada akun untuk {value}")
    if not user.active:
        raise ExternalLoginRefused(f"akun {user.username} nonaktif")
    record_event(case=None, action="account.signed_in_external", actor=user.username,
                 detail=f"{settings.issuer} sub={claims.get('sub', '')}")
    db.session.commit()
    return user


def _create(value: str, claims: dict, settings: ExternalLoginSettings) -> User:
    if db.session.get(Organisation, settings.create_in_organisation) is None:
        raise ExternalLoginRefused(f"instansi {settings.create_in_organisation} tidak dikenal")
    username = value if settings.match_claim != "email" else value.split("@")[0]
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise ExternalLoginRefused(f"nama pengguna {username} sudah dipakai akun lain")
    user = User(username=username[:80], full_name=str(claims.get("name") or "")[:255],
                email=claims.get("email") if isinstance(claims.get("email"), str) else None,
                # Signs in only through the provider until an administrator issues a link.
                password_hash=generate_password_hash(secrets.token_urlsafe(32),
                                                     method=current_app.config["PASSWORD_HASH_METHOD"]),
                organisation_code=settings.create_in_organisation, roles=[])
    db.session.add(user)
    db.session.flush()
    record_event(case=None, action="account.created", actor=user.username,
                 detail=f"{user.username}: dibuat saat masuk lewat {settings.issuer}")
    return user


def refuse(*, reason: str) -> None:
    """A refused external sign-in, in the audit trail (who tried is the provider's word)."""
    record_event(case=None, action="account.external_login_refused", actor="oidc", detail=reason)
    db.session.commit()
