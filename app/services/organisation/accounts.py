"""Staff accounts, roles, organisation units and API tokens."""
import time
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Organisation, OrgUnit, ProcessVersion, Role, User
from app.services.audit_trail.audit import record_event

TOKEN_MAX_AGE_SECONDS = 12 * 3600
# Not a lane: administers the working-day calendar.
SYSTEM_ADMIN_ROLE = "Administrator Sistem"
# Not a lane either: edits and deploys the diagrams, decision tables and forms.
PROCESS_OWNER_ROLE = "Pemilik Proses"
# Not a lane: manages the accounts and units of their own organisation (/admin/akun).
AGENCY_ADMIN_ROLE = "Administrator Instansi"
# Only the system administrator grants these.
SYSTEM_ROLES = frozenset({SYSTEM_ADMIN_ROLE, PROCESS_OWNER_ROLE, AGENCY_ADMIN_ROLE})
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A request about accounts that cannot be met; the message says why."""


class WrongPassword(AccountError):
    """The current password given to change it is not the user's."""


def create_user(
    *,
    username: str,
    password: str,
    roles: list[str],
    unit_code: str | None = None,
    full_name: str = "",
    organisation_code: str | None = None,
) -> User:
    """Create a staff account; commits. Roles must exist (deployed lanes create them)."""
    username = username.strip()
    if not username:
        raise AccountError(_l("Nama pengguna wajib diisi."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH))
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise AccountError(_l("Nama pengguna '%(username)s' sudah dipakai.", username=username))
    found = list(db.session.scalars(db.select(Role).where(Role.name.in_(roles))))
    missing = sorted(set(roles) - {r.name for r in found})
    if missing:
        raise AccountError(_l("Peran tidak dikenal: %(roles)s. Lihat `flask --app app roles`.",
                              roles=", ".join(missing)))
    if unit_code is not None and db.session.get(OrgUnit, unit_code) is None:
        raise AccountError(_l("Unit kerja tidak dikenal: %(unit_code)s.", unit_code=unit_code))
    if organisation_code is not None and db.session.get(Organisation, organisation_code) is None:
        raise AccountError(_l("Instansi tidak dikenal: %(organisation_code)s.", organisation_code=organisation_code))
    user = User(
        username=username,
        full_name=full_name,
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
        unit_code=unit_code,
        organisation_code=organisation_code,
        roles=found,
    )
    db.session.add(user)
    db.session.commit()
    return user


def ensure_system_roles() -> None:
    """Roles the application itself needs besides the lanes; commits."""
    if db.session.get(Role, SYSTEM_ADMIN_ROLE) is None:
        db.session.add(Role(name=SYSTEM_ADMIN_ROLE, description="Kalender hari kerja"))
        db.session.commit()
    if db.session.get(Role, PROCESS_OWNER_ROLE) is None:
        db.session.add(Role(name=PROCESS_OWNER_ROLE, description="Mengubah dan menerapkan diagram SOP"))
        db.session.commit()
    if db.session.get(Role, AGENCY_ADMIN_ROLE) is None:
        db.session.add(Role(name=AGENCY_ADMIN_ROLE, description="Mengelola akun dan unit kerja instansinya"))
        db.session.commit()


def ensure_unit(*, code: str, name: str, organisation: str = "") -> OrgUnit:
    unit = db.session.get(OrgUnit, code)
    if unit is None:
        unit = OrgUnit(code=code, name=name, organisation=organisation)
        db.session.add(unit)
        db.session.commit()
    return unit


def user_for_session(*, user_id: int, generation: int) -> User | None:
    """The user a session cookie names, while that session has not been ended."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


def end_sessions(*, user_id: int) -> None:
    """Logout, on the server: every session cookie and API token issued so far stops
    working, copies included (a user signed in on two devices is signed out of both).
    Commits."""
    user = db.session.get(User, user_id)
    if user is not None:
        user.session_generation += 1
        db.session.commit()


def change_password(*, user_id: int, current_password: str, new_password: str) -> User:
    """Set a new password after checking the current one; ends every other session and
    every API token (the caller signs the current browser in again). Commits."""
    user = db.session.get(User, user_id)
    if user is None or not check_password_hash(user.password_hash, current_password):
        raise WrongPassword(_l("Kata sandi saat ini salah."))
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH))
    if new_password == current_password:
        raise AccountError(_l("Kata sandi baru harus berbeda dari kata sandi saat ini."))
    user.password_hash = generate_password_hash(new_password, method=current_app.config["PASSWORD_HASH_METHOD"])
    user.session_generation += 1
    user.must_change_password = False
    record_event(case=None, action="account.password_changed", actor=user.username,
                 detail="Sesi dan token lain diakhiri")
    db.session.commit()
    return user


def change_email(*, user_id: int, current_password: str, email: str) -> User:
    """The user's own e-mail (staff digests, reset links), confirmed with their password
    so an unattended browser cannot redirect their mail. Commits."""
    user = db.session.get(User, user_id)
    if user is None or not check_password_hash(user.password_hash, current_password):
        raise WrongPassword(_l("Kata sandi saat ini salah."))
    email = email.strip()
    if email and ("@" not in email or len(email) > 255 or any(c.isspace() for c in email)):
        raise AccountError(_l("Alamat email tidak valid."))
    before = user.email or ""
    if email != before:
        user.email = email or None
        record_event(case=None, action="account.email_changed", actor=user.username,
                     data_before={"email": before}, data_after={"email": email})
    db.session.commit()
    return user


def lane_roles() -> list[str]:
    lanes: set[str] = set()
    for version_lanes in db.session.scalars(db.select(ProcessVersion.lanes)):
        lanes.update(version_lanes or [])
    return sorted(lanes)


def all_units() -> list[OrgUnit]:
    return list(db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.name)))


def _token_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="dumas-api-token")


def issue_token(*, user: User, secret_key: str) -> str:
    return _token_serializer(secret_key).dumps({"uid": user.id, "gen": user.session_generation})


@lru_cache(maxsize=4096)
def _verified_token(token: str, secret_key: str) -> tuple[object, object, float]:
    """(uid, generation, signed at) of a token whose signature is ours; raises BadSignature.
    Cached: a client sends the same token with every call. Only the signature check is
    kept; its age, the account and its generation are checked at every call."""
    payload, signed_at = _token_serializer(secret_key).loads(token, return_timestamp=True)
    if not isinstance(payload, dict):
        raise BadSignature("not a token")
    return payload.get("uid"), payload.get("gen"), signed_at.timestamp()


def user_for_token(*, token: str, secret_key: str) -> User | None:
    try:
        uid, generation, signed_at = _verified_token(token, secret_key)
    except BadSignature:  # not signed with our key, or altered
        return None
    if not isinstance(uid, int) or time.time() - signed_at > TOKEN_MAX_AGE_SECONDS:
        return None
    # With its roles in the same statement (the relationship would select them next).
    user = db.session.get(User, uid, options=[joinedload(User.roles)])
    # A token issued before the last logout or password change names an older generation.
    if user is None or not user.active or generation != user.session_generation:
        return None
    return user
