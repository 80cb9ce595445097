"""Staff accounts. A role is what a diagram's lane names; an organisation unit scopes
the tasks a process routes to one unit."""
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model, db
from app.models.types import UTCDateTime, utcnow

user_roles = Table(
    "user_roles",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_name", ForeignKey("roles.name", ondelete="CASCADE"), primary_key=True),
)


class Role(Model):
    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    description: Mapped[str] = mapped_column(String(255), default="")


class Organisation(Model):
    """An agency. `process_key` is the SOP it runs here; an agency not hosted here has
    none, and what is forwarded to it is recorded as an outgoing letter."""

    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    process_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(50), default="Asia/Jakarta")
    # Offered on the public complaint form (SOP 004's monitoring office is not).
    accepts_complaints: Mapped[bool] = mapped_column(default=False)
    # The working week as weekday numbers, Monday = 0: "0,1,2,3,4" is Monday to Friday.
    working_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    # Who signs the printed case file (app/services/organisation/signatory.py): the place written
    # before the date, and the official's name, NIP and position.
    signing_place: Mapped[str | None] = mapped_column(String(100))
    signatory_name: Mapped[str | None] = mapped_column(String(255))
    signatory_nip: Mapped[str | None] = mapped_column(String(18))
    signatory_position: Mapped[str | None] = mapped_column(String(255))
    # The inbound mailbox and how its mail is handled (app/services/mail/mail_settings.py):
    # imap_host, imap_port, imap_user, imap_ssl, auto_reply, allow, deny. The password is
    # never stored here: DUMAS_IMAP_PASSWORDS in the environment (app/config.py).
    mail_settings: Mapped[dict | None] = mapped_column(JSON)
    # The roles whose members head this organisation's work (the "Tim" tab, assigning
    # tasks): a list of role names, or None for the default, the supervising lanes of its
    # SOP (app/services/organisation/supervision.py). Set with `organisations heads`.
    head_roles: Mapped[list | None] = mapped_column(JSON)
    # Lanes of its SOP (role names) whose members see a confidential reporter's identity
    # (app/services/organisation/identity.py), and those that enter offline complaints
    # (app/services/intake/offline.py); set in the browser (/admin/instansi/<code>), seeded for
    # the shipped agencies from seed/organisations.json, checked by the deploy gate.
    identity_lanes: Mapped[list | None] = mapped_column(JSON, default=list)
    intake_lanes: Mapped[list | None] = mapped_column(JSON, default=list)
    # Who the half-yearly report is addressed to, in the SOP's words (None: its head), and
    # the lanes of its SOP that compile or receive it (may read it at /laporan).
    report_recipient: Mapped[str | None] = mapped_column(String(255))
    report_lanes: Mapped[list | None] = mapped_column(JSON, default=list)
    # The process owner's choices where the SOP leaves one (app/services/organisation/org_settings.py):
    # anonymous reports, the objection period, working or calendar days, the deadline
    # policy. None or a missing key: the SOP's default.
    process_settings: Mapped[dict | None] = mapped_column(JSON)

    @property
    def hosted(self) -> bool:
        return self.process_key is not None


class Holiday(Model):
    """The administrator's change to the package's calendar (app/engine/scripts.py): a day
    off it does not know, cuti bersama (for every organisation) or a regional holiday (for
    one), which deadlines skip; or kind "bukan_libur", a day it lists that is worked after
    all (for everyone or one organisation), `name` then saying why."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("day", "organisation_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))  # "cuti_bersama", "daerah" or "bukan_libur"
    organisation_code: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarRevision(Model):
    """One row whose version goes up with every calendar change, in the change's own
    transaction: each process (gunicorn workers, Celery) compares it with the version its
    cached calendars were built from, once per transaction."""

    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrgUnit(Model):
    """An organisation unit, e.g. an Eselon II directorate; `code` is what tasks carry."""

    __tablename__ = "org_units"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    organisation: Mapped[str] = mapped_column(String(100), default="")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("org_units.code"))
    # None for national roles (e.g. Admin Nasional) that work on every organisation's cases.
    organisation_code: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"))
    active: Mapped[bool] = mapped_column(default=True)
    # Raised by logout and a password change: every session cookie and API token carries
    # the value it was issued with and stops working once it differs (server-side logout).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by an administrator who chose the password (a new account, a reset they typed):
    # until the user picks their own, every page leads to /akun/kata-sandi.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    unit: Mapped[OrgUnit | None] = relationship()

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session generation."""
        return f"{self.id}.{self.session_generation}"


class PasswordResetToken(Model):
    """A one-time link to set a new password. Only the SHA-256 of the token is kept, so
    whoever reads the database cannot use a link; it works once, until `expires_at`."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
