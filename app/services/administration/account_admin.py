"""Administering staff accounts in the browser (/admin/akun).

Two kinds of administrator: the system administrator (role `Administrator Sistem`)
manages every account; an agency administrator (role `Administrator Instansi`, with an
organisation) manages only the accounts of their own organisation, grants only the
lanes of that organisation's SOP, and never a system role. The boundary is applied in
each query (`AdminScope.users`), so an account outside it is simply not found.

Accounts are never deleted, since the audit trail names them: they are deactivated,
which ends their sessions and API tokens and releases the tasks they had claimed.
"""
import secrets
from collections.abc import Set
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Organisation, OrgUnit, ProcessDefinition, ProcessVersion, Role, TaskIndexEntry, User
from app.services.audit_trail.audit import record_event
from app.services.organisation.accounts import (
    AGENCY_ADMIN_ROLE,
    MIN_PASSWORD_LENGTH,
    SYSTEM_ADMIN_ROLE,
    SYSTEM_ROLES,
    AccountError,
)
from app.services.organisation.delegations import end_delegations_of

PAGE_SIZE = 50


class NotInScope(AccountError):
    """The account, unit or organisation does not exist for this administrator."""


@dataclass(frozen=True)
class AdminScope:
    """What one administrator may manage: everything (organisation None, the system
    administrator) or the accounts and units of one organisation."""

    actor: str
    organisation_code: str | None

    @property
    def system(self) -> bool:
        return self.organisation_code is None

    def users(self):
        query = db.select(User)
        if not self.system:
            query = query.where(User.organisation_code == self.organisation_code)
        return query

    def units(self):
        query = db.select(OrgUnit)
        if not self.system:
            query = query.where(OrgUnit.organisation == self.organisation_code)
        return query


def admin_scope(viewer: User | None) -> AdminScope | None:
    """The viewer's administrative reach, or None if they administer nothing. An agency
    administrator without an organisation administers nothing (never everything)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    roles = viewer.role_names
    if SYSTEM_ADMIN_ROLE in roles:
        return AdminScope(actor=viewer.username, organisation_code=None)
    if AGENCY_ADMIN_ROLE in roles and viewer.organisation_code:
        return AdminScope(actor=viewer.username, organisation_code=viewer.organisation_code)
    return None


@dataclass(frozen=True)
class UserFilters:
    text: str = ""
    role: str = ""
    unit_code: str = ""
    organisation_code: str = ""
    status: str = ""  # "aktif", "nonaktif" or "" for both


def list_users(*, scope: AdminScope, filters: UserFilters, page: int = 1) -> tuple[list[User], int]:
    """One page of the accounts in scope, by username, and how many match in all."""
    query = scope.users()
    if filters.text.strip():
        like = f"%{filters.text.strip().lower()}%"
        query = query.where(db.or_(db.func.lower(User.username).like(like), db.func.lower(User.full_name).like(like),
                                   db.func.lower(User.email).like(like)))
    if filters.role:
        query = query.where(User.roles.any(Role.name == filters.role))
    if filters.unit_code:
        query = query.where(User.unit_code == filters.unit_code)
    if filters.organisation_code:
        query = query.where(User.organisation_code == filters.organisation_code)
    if filters.status == "aktif":
        query = query.where(User.active.is_(True))
    elif filters.status == "nonaktif":
        query = query.where(User.active.is_(False))
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    users = db.session.scalars(query.options(selectinload(User.unit)).order_by(User.username).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(users), total


def get_user(*, scope: AdminScope, user_id: int) -> User:
    user = db.session.scalars(scope.users().where(User.id == user_id)).first()
    if user is None:
        raise NotInScope(_("Akun tidak ditemukan."))
    return user


def grantable_roles(*, scope: AdminScope) -> list[str]:
    """Every role for the system administrator; for an agency administrator the lanes of
    their organisation's SOP (any version), never a system role."""
    if scope.system:
        return list(db.session.scalars(db.select(Role.name).order_by(Role.name)))
    process_key = db.session.scalar(
        db.select(Organisation.process_key).where(Organisation.code == scope.organisation_code))
    lanes: set[str] = set()
    if process_key:
        for version_lanes in db.session.scalars(
            db.select(ProcessVersion.lanes).join(ProcessDefinition, ProcessVersion.definition_id == ProcessDefinition.id)
            .where(ProcessDefinition.key == process_key)
        ):
            lanes.update(version_lanes or [])
    return sorted(lanes - SYSTEM_ROLES)


@dataclass(frozen=True)
class AccountFields:
    full_name: str
    email: str
    roles: list[str]
    unit_code: str | None
    organisation_code: str | None


def _checked(scope: AdminScope, fields: AccountFields, *, kept_roles: Set[str] = frozenset()) -> tuple[list[Role], AccountFields]:
    """The fields as stored, after checking them against the administrator's scope."""
    organisation_code = fields.organisation_code or None
    if not scope.system:
        if organisation_code not in (None, scope.organisation_code):
            raise NotInScope(_("Anda hanya dapat mengelola akun instansi Anda sendiri."))
        organisation_code = scope.organisation_code
    if organisation_code is not None and db.session.get(Organisation, organisation_code) is None:
        raise AccountError(_("Instansi tidak dikenal: %(code)s.", code=organisation_code))
    unit_code = fields.unit_code or None
    if unit_code is not None:
        unit = db.session.scalars(scope.units().where(OrgUnit.code == unit_code)).first()
        if unit is None:
            raise AccountError(_("Unit kerja tidak dikenal: %(code)s.", code=unit_code))
        if unit.organisation and unit.organisation != (organisation_code or ""):
            raise AccountError(_("Unit kerja %(unit)s bukan bagian dari instansi akun ini.", unit=unit.name))
    wanted = set(fields.roles)
    allowed = set(grantable_roles(scope=scope))
    refused = sorted(wanted - allowed - kept_roles)
    if refused:
        raise AccountError(_("Peran ini tidak dapat Anda berikan: %(roles)s.", roles=", ".join(refused)))
    if AGENCY_ADMIN_ROLE in wanted and organisation_code is None:
        # Without an organisation the role would administer nothing (admin_scope).
        raise AccountError(_("Administrator Instansi harus punya instansi."))
    roles = list(db.session.scalars(db.select(Role).where(Role.name.in_(wanted))))
    email = fields.email.strip()
    if email and ("@" not in email or len(email) > 255 or any(c.isspace() for c in email)):
        raise AccountError(_("Alamat email tidak valid."))
    return roles, AccountFields(fields.full_name.strip()[:255], email, sorted(wanted), unit_code, organisation_code)


def _snapshot(user: User) -> dict:
    return {"nama": user.full_name, "email": user.email or "", "peran": sorted(user.role_names),
            "unit": user.unit_code or "", "instansi": user.organisation_code or "", "aktif": user.active}


def create_account(*, scope: AdminScope, username: str, fields: AccountFields, password: str = "") -> User:
    """A new account. With a password typed by the administrator the user must change it
    at first sign-in; without one the account gets an unusable password and the
    administrator then issues a one-time link (app/services/administration/password_reset.py). Commits."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError(_("Nama pengguna wajib diisi, tanpa spasi, paling banyak 80 karakter."))
    if password and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Kata sandi minimal %(min)d karakter.", min=MIN_PASSWORD_LENGTH))
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise AccountError(_("Nama pengguna '%(username)s' sudah dipakai.", username=username))
    roles, fields = _checked(scope, fields)
    user = User(
        username=username, full_name=fields.full_name, email=fields.email or None,
        password_hash=generate_password_hash(password or secrets.token_urlsafe(32),
                                             method=current_app.config["PASSWORD_HASH_METHOD"]),
        unit_code=fields.unit_code, organisation_code=fields.organisation_code, roles=roles,
        must_change_password=bool(password),
    )
    db.session.add(user)
    db.session.flush()
    record_event(case=None, action="account.created", actor=scope.actor, detail=username, data_after=_snapshot(user))
    db.session.commit()
    return user


def _guard_system_account(scope: AdminScope, user: User) -> None:
    if not scope.system and user.role_names & SYSTEM_ROLES and user.username != scope.actor:
        raise NotInScope(_("Akun ini memegang peran sistem; hanya Administrator Sistem yang dapat mengubahnya."))


def update_account(*, scope: AdminScope, user_id: int, fields: AccountFields) -> User:
    """Change name, e-mail, roles, unit and organisation. Roles the administrator could
    not grant but the user already holds may stay; none may be added. Commits."""
    user = get_user(scope=scope, user_id=user_id)
    _guard_system_account(scope, user)
    before = _snapshot(user)
    roles, fields = _checked(scope, fields, kept_roles=user.role_names)
    if user.username == scope.actor and (set(before["peran"]) & {SYSTEM_ADMIN_ROLE, AGENCY_ADMIN_ROLE}) - set(fields.roles):
        raise AccountError(_("Anda tidak dapat mencabut peran administrator Anda sendiri."))
    user.full_name, user.email = fields.full_name, fields.email or None
    user.roles, user.unit_code, user.organisation_code = roles, fields.unit_code, fields.organisation_code
    after = _snapshot(user)
    if any(after[key] != before[key] for key in ("peran", "unit", "instansi")):
        # A narrower account must not keep working through a session made for the wider one.
        user.session_generation += 1
    if after != before:
        record_event(case=None, action="account.updated", actor=scope.actor, detail=user.username,
                     data_before=before, data_after=after)
    db.session.commit()
    return user


def deactivate_account(*, scope: AdminScope, user_id: int, reason: str) -> list[TaskIndexEntry]:
    """The user can no longer sign in; their sessions and API tokens end; every Plt.
    delegation they are part of (either side) ends; the tasks they had claimed go back to
    their lane, each released in its case's trail. Returns the released tasks. Commits."""
    user = get_user(scope=scope, user_id=user_id)
    _guard_system_account(scope, user)
    if user.username == scope.actor:
        raise AccountError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    reason = reason.strip()
    if not reason:
        raise AccountError(_("Alasan penonaktifan wajib diisi."))
    if not user.active:
        return []
    user.active = False
    user.session_generation += 1
    # Before the claims are released: ending a delegation hands the tasks it moved back
    # (to the absent user, or to the lane when that user is the one leaving).
    ended = end_delegations_of(user, actor=scope.actor)
    released = list(db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.claimed_by == user.username)))
    for entry in released:
        entry.claimed_by, entry.claimed_at = None, None
        record_event(case=entry.case, action="task.released", actor=scope.actor, engine_task_id=entry.engine_task_id,
                     element_id=entry.element_id, lane=entry.lane,
                     detail=f"{entry.title}: akun {user.username} dinonaktifkan")
    record_event(case=None, action="account.deactivated", actor=scope.actor, detail=f"{user.username}: {reason}",
                 data_after={"tugas_dilepas": len(released), "plt_diakhiri": ended})
    db.session.commit()
    return released


def reactivate_account(*, scope: AdminScope, user_id: int) -> User:
    user = get_user(scope=scope, user_id=user_id)
    _guard_system_account(scope, user)
    if not user.active:
        user.active = True
        record_event(case=None, action="account.reactivated", actor=scope.actor, detail=user.username)
        db.session.commit()
    return user


def scoped_units(*, scope: AdminScope) -> list[OrgUnit]:
    return list(db.session.scalars(scope.units().order_by(OrgUnit.name)))


def scoped_organisations(*, scope: AdminScope) -> list[Organisation]:
    query = db.select(Organisation).order_by(Organisation.name)
    if not scope.system:
        query = query.where(Organisation.code == scope.organisation_code)
    return list(db.session.scalars(query))
