"""Plt. (pelaksana tugas): a colleague acts for an absent user for a window.

While a delegation is in force (`starts_at` ≤ now < `ends_at`, not ended early) the Plt.
sees and may complete what the absent user could (app/services/organisation/access.py asks
`active_delegations`), sees a complainant's identity only where the absent user could
(app/services/organisation/identity.py), and every step they take on the absent user's behalf records
`on_behalf_of` in its audit data ("X a.n. Y" on the timeline and in the printed file).

The window is read from the clock on every check, so access opens and closes exactly on
time. Moving claimed tasks is a write, done once per edge: when the window opens, the
absent user's claimed tasks move to the Plt.; when it closes, they (and what the Plt.
claimed only by the delegation) go back to the absent user, or are released if that user
can no longer hold them. `apply_due_delegations` does both; the timer sweeper runs it, and
so does every signed-in request (app/delegations), so nobody waits for the next round.

Only colleagues of the same organisation may act for each other: a Plt. from elsewhere
would see another organisation's cases.
"""
from datetime import datetime, timezone
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, and_, or_

from app import clock
from app.extensions import db
from app.models import Delegation, TaskIndexEntry, User
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.definitions.transaction_memo import forget_remembered, remembered
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE
from app.services.organisation.supervision import headed_organisations
from app.services.organisation.task_holders import holds_task

REASONS = ("dinas_luar", "cuti", "sakit", "tugas_belajar", "lainnya")
CREATED, STARTED, ENDED = "delegation.created", "delegation.started", "delegation.ended"
DELEGATED, RETURNED = "task.delegated", "task.returned"
COMMAND_LINE_ACTOR = "cli"


class DelegationError(Exception):
    """Refused; the message is for the person who asked (in their language)."""


class DelegationNotFound(DelegationError):
    """No such delegation, or not one this user may manage (routes answer 404)."""


def reason_label(code: str) -> str:
    return {"dinas_luar": _("Dinas luar"), "cuti": _("Cuti"), "sakit": _("Sakit"),
            "tugas_belajar": _("Tugas belajar"), "lainnya": _("Lainnya")}.get(code, code)


def now_utc() -> datetime:
    return datetime.fromtimestamp(clock.now(), timezone.utc)



def active_delegations(user: User | None) -> list[Delegation]:
    """The delegations under which `user` acts for someone now (their absent colleagues
    still active accounts)."""
    if user is None or getattr(user, "id", None) is None:
        return []
    user_id, now = user.id, now_utc()
    # Asked by the inbox's filter, every task and case check and the identity rules of
    # one request: the user's delegations not yet over are read once per transaction
    # (app/services/definitions/transaction_memo.py); which are in force is decided at each call.
    open_ones = remembered(("open_delegations", user_id), lambda: list(db.session.scalars(
        db.select(Delegation).join(User, Delegation.from_user_id == User.id)
        .where(Delegation.to_user_id == user_id, Delegation.ended_at.is_(None), Delegation.ends_at > now,
               User.active.is_(True))
        .order_by(Delegation.id)
    ).unique()))
    return [d for d in open_ones if d.ended_at is None and d.starts_at <= now < d.ends_at]


def may_manage(actor: User, absent: User) -> bool:
    """The absent user themself, a head of their organisation, or the system
    administrator (of that organisation, or national)."""
    if actor.id == absent.id:
        return True
    if actor.organisation_code not in (None, absent.organisation_code):
        return False
    # A head (app/services/organisation/supervision.py: the organisation's head roles) records a Plt.
    # for their staff, as the system administrator may.
    return SYSTEM_ADMIN_ROLE in actor.role_names or (
        actor.organisation_code is not None and absent.organisation_code in headed_organisations(actor))


def _user(username: str) -> User:
    user = db.session.scalars(db.select(User).where(User.username == (username or "").strip())).first()
    if user is None or not user.active:
        raise DelegationError(_("Pengguna %(name)s tidak ditemukan atau tidak aktif.", name=username or "—"))
    return user


def create_delegation(*, absent: str, acting: str, starts_at: datetime, ends_at: datetime, reason: str,
                      note: str = "", actor: User | None) -> Delegation:
    """Record that `acting` is Plt. for `absent` from `starts_at` to `ends_at`; commits.
    A window that has already begun starts at once. `actor` None: the command line."""
    absent_user, acting_user = _user(absent), _user(acting)
    if actor is not None and not may_manage(actor, absent_user):
        raise DelegationError(_("Anda tidak berwenang menunjuk Plt. untuk %(name)s.", name=absent_user.username))
    if absent_user.id == acting_user.id:
        raise DelegationError(_("Seseorang tidak dapat menjadi Plt. untuk dirinya sendiri."))
    if acting_user.organisation_code != absent_user.organisation_code:
        raise DelegationError(_("Plt. harus dari instansi yang sama dengan pegawai yang digantikan."))
    if reason not in REASONS:
        raise DelegationError(_("Pilih alasan: dinas luar, cuti, sakit, tugas belajar atau lainnya."))
    if ends_at <= starts_at:
        raise DelegationError(_("Tanggal selesai harus sesudah tanggal mulai."))
    if ends_at <= now_utc():
        raise DelegationError(_("Rentang waktu itu sudah lewat."))
    overlapping = db.session.scalar(db.select(Delegation.id).where(
        Delegation.from_user_id == absent_user.id, Delegation.ended_at.is_(None),
        Delegation.starts_at < ends_at, Delegation.ends_at > starts_at))
    if overlapping is not None:
        raise DelegationError(_("Sudah ada Plt. untuk %(name)s pada rentang waktu itu.", name=absent_user.username))
    delegation = Delegation(from_user=absent_user, to_user=acting_user, starts_at=starts_at, ends_at=ends_at,
                            reason=reason, note=(note or "").strip()[:500], created_by=_name(actor),
                            moved_task_ids=[])
    db.session.add(delegation)
    db.session.flush()
    record_event(case=None, action=CREATED, actor=_name(actor), data_after=_summary(delegation),
                 detail=f"{acting_user.username} a.n. {absent_user.username}")
    _apply_due(now_utc())
    db.session.commit()
    return delegation


def end_delegation(*, delegation_id: int, actor: User | None) -> Delegation:
    """End a delegation now (the absent user is back early); commits."""
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or (actor is not None and not may_manage(actor, delegation.from_user)):
        raise DelegationNotFound(_("Plt. tidak ditemukan."))
    now = now_utc()
    if delegation.ended_at is not None or not _take(delegation, "ended_at", now):
        raise DelegationError(_("Plt. ini sudah berakhir."))
    _end(delegation, now, actor=_name(actor))
    db.session.commit()
    return delegation


def end_delegations_of(user: User, *, actor: str) -> int:
    """End now every delegation not yet ended in which `user` is either side (their
    account is being deactivated): as Plt. they stop acting for anyone, and nobody acts
    for them any more. Each gets its `delegation.ended`, its tasks handed back as at any
    end. Does not commit (the deactivation does); returns how many ended."""
    now = now_utc()
    ended = 0
    for delegation in db.session.scalars(db.select(Delegation).where(
            Delegation.ended_at.is_(None),
            or_(Delegation.from_user_id == user.id, Delegation.to_user_id == user.id)).order_by(Delegation.id)).unique():
        if _take(delegation, "ended_at", now):
            _end(delegation, now, actor=actor, why="account_deactivated")
            ended += 1
    return ended


def _name(actor: User | None) -> str:
    return actor.username if actor is not None else COMMAND_LINE_ACTOR


def apply_due_delegations() -> int:
    """Start and end every delegation whose edge has passed; commits when anything did.
    Run by the sweeper and at every signed-in request; returns how many edges."""
    done = _apply_due(now_utc())
    if done:
        db.session.commit()
    return done


def _apply_due(now: datetime) -> int:
    due = list(db.session.scalars(db.select(Delegation).where(
        Delegation.ended_at.is_(None),
        or_(and_(Delegation.started_at.is_(None), Delegation.starts_at <= now), Delegation.ends_at <= now),
    ).order_by(Delegation.id).with_for_update(skip_locked=True, of=Delegation)).unique())
    done = 0
    for delegation in due:
        if delegation.started_at is None and delegation.starts_at <= now and _take(delegation, "started_at", now):
            _start(delegation, now)
            done += 1
        if delegation.ends_at <= now and _take(delegation, "ended_at", now):
            _end(delegation, now, actor=SYSTEM_ACTOR)
            done += 1
    return done


def _take(delegation: Delegation, column: str, now: datetime) -> bool:
    """Mark an edge as handled, if no other sweeper or request has: the conditional
    UPDATE is what serialises them (on SQLite the earlier read held no snapshot)."""
    taken = cast(CursorResult, db.session.execute(
        db.update(Delegation).where(Delegation.id == delegation.id, getattr(Delegation, column).is_(None))
        .values({column: now}).execution_options(synchronize_session=False))).rowcount
    db.session.refresh(delegation)
    return bool(taken)


def _summary(delegation: Delegation) -> dict:
    return {"id": delegation.id, "from": delegation.from_user.username, "to": delegation.to_user.username,
            "starts_at": delegation.starts_at.isoformat(), "ends_at": delegation.ends_at.isoformat(),
            "reason": delegation.reason}


def _start(delegation: Delegation, now: datetime) -> None:
    forget_remembered()  # who acts for whom changes in this transaction
    absent, acting = delegation.from_user, delegation.to_user
    moved = []
    for entry in db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.claimed_by == absent.username)):
        entry.claimed_by, entry.claimed_at = acting.username, now
        moved.append(entry.engine_task_id)
        record_event(case=entry.case, action=DELEGATED, actor=SYSTEM_ACTOR, engine_task_id=entry.engine_task_id,
                     element_id=entry.element_id, lane=entry.lane, detail=entry.title,
                     data_after={"to": acting.username, "on_behalf_of": absent.username})
    delegation.moved_task_ids = moved
    record_event(case=None, action=STARTED, actor=SYSTEM_ACTOR, data_after=_summary(delegation) | {"moved": len(moved)},
                 detail=f"{acting.username} a.n. {absent.username}")


def _end(delegation: Delegation, now: datetime, *, actor: str, why: str | None = None) -> None:
    absent, acting = delegation.from_user, delegation.to_user
    forget_remembered()  # who acts for whom changes in this transaction
    delegation.ended_at = now
    if delegation.started_at is None:  # ended before it began: nothing was moved
        delegation.started_at = now
    held = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.claimed_by == acting.username))
    returned = 0
    for entry in held:
        # What was moved at the start, and what the Plt. took only by the delegation.
        if entry.engine_task_id not in (delegation.moved_task_ids or []) and (
                holds_task(acting, entry) or not holds_task(absent, entry)):
            continue
        back = absent.active and holds_task(absent, entry)
        entry.claimed_by, entry.claimed_at = (absent.username, now) if back else (None, None)
        returned += 1
        record_event(case=entry.case, action=RETURNED, actor=SYSTEM_ACTOR, engine_task_id=entry.engine_task_id,
                     element_id=entry.element_id, lane=entry.lane, detail=entry.title,
                     data_after={"from": acting.username, "to": absent.username if back else None})
    record_event(case=None, action=ENDED, actor=actor,
                 data_after=_summary(delegation) | {"returned": returned} | ({"why": why} if why else {}),
                 detail=f"{acting.username} a.n. {absent.username}")


def delegations_for(user: User) -> list[Delegation]:
    """What `user` may read on the Plt. page: their own (either side) and, for a head or
    administrator, those of their organisation; newest first."""
    query = db.select(Delegation).order_by(Delegation.starts_at.desc(), Delegation.id.desc()).limit(200)
    roles = user.role_names
    if SYSTEM_ADMIN_ROLE in roles and user.organisation_code is None:
        return list(db.session.scalars(query).unique())
    if SYSTEM_ADMIN_ROLE in roles or headed_organisations(user):
        colleagues = db.select(User.id).where(User.organisation_code == user.organisation_code)
        return list(db.session.scalars(query.where(Delegation.from_user_id.in_(colleagues))).unique())
    return list(db.session.scalars(query.where(
        or_(Delegation.from_user_id == user.id, Delegation.to_user_id == user.id))).unique())


def organisation_of(username: str) -> str | None:
    """The organisation whose zone turns a Plt.'s dates into times (None: unknown/national)."""
    return db.session.scalar(db.select(User.organisation_code).where(User.username == (username or "").strip()))


def colleagues_of(user: User) -> list[User]:
    """Active accounts a Plt. may be chosen from: the same organisation."""
    query = db.select(User).where(User.active.is_(True)).order_by(User.username)
    query = query.where(User.organisation_code.is_(None) if user.organisation_code is None
                        else User.organisation_code == user.organisation_code)
    return list(db.session.scalars(query))
