"""Who may see and work on what, checked per object.

- Organisation: a user of an organisation sees only that organisation's cases; a user
  with no organisation (a national role such as Admin Nasional) sees every one's.
- A task: the user holds the role its lane names and, where the process routed the task
  to one unit, belongs to that unit.
- A case: the user holds a role of the case's process that is not unit-scoped, or holds a
  unit-scoped role and the case has been routed to the user's unit.
- A Plt. (app/services/organisation/delegations.py) may, while the delegation is in force, also do
  and see what the absent user could; `acting_for` names whom a step is done for.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuditEvent, Case, CaseUnit, ProcessVersion, TaskIndexEntry, User
from app.services.definitions.processes import deployed_processes
from app.services.organisation.delegations import active_delegations
from app.services.organisation.organisations import organisation_running
from app.services.organisation.supervision import headed_organisations
from app.services.organisation.task_holders import holds_task, same_organisation


class NotAllowed(Exception):
    """The user may not see or do this. Routes answer 404 so nothing leaks."""


def can_work_on(user: User, entry: TaskIndexEntry) -> bool:
    if holds_task(user, entry):
        return True
    return any(holds_task(d.from_user, entry) for d in active_delegations(user))


def acting_for(user: User, entry: TaskIndexEntry) -> User | None:
    """Whom `user` works on this task for: None in their own right; the absent user when
    only a delegation lets them, or when the task was moved to them from that user."""
    delegations = active_delegations(user)
    moved = next((d for d in delegations if entry.engine_task_id in (d.moved_task_ids or [])), None)
    if moved is not None:
        return moved.from_user
    if holds_task(user, entry):
        return None
    return next((d.from_user for d in delegations if holds_task(d.from_user, entry)), None)


def workable_clause(user: User):
    """The inbox's task filter in SQL: the lanes (and unit) of the user and of everyone
    they act for now. The organisation is the same for both (a Plt. is a colleague)."""
    def own(u: User):
        return and_(TaskIndexEntry.role.in_(u.role_names or {""}),
                    or_(TaskIndexEntry.org_unit.is_(None), TaskIndexEntry.org_unit == u.unit_code))
    return or_(own(user), *(own(d.from_user) for d in active_delegations(user)))


def may_hold_task(user: User, entry: TaskIndexEntry) -> bool:
    """Who may be given a task by a head: an active account that may work on it (its
    lane's role, the case's organisation, the routed unit). The one place that says so;
    a delegation (Plt.) extends it here."""
    return user.active and can_work_on(user, entry)


def can_assign(head: User, entry: TaskIndexEntry, *, reach: set[str] | None = None) -> bool:
    """A head may assign the tasks of the organisations whose work they head
    (app/services/organisation/supervision.py); `reach`, those organisations read once for a batch."""
    return entry.case.organisation_code in (reach if reach is not None else set(headed_organisations(head)))


def can_view_case(user: User, case: Case) -> bool:
    if _views_case(user, case):
        return True
    return any(_views_case(d.from_user, case) for d in active_delegations(user))


def _views_case(user: User, case: Case) -> bool:
    if not same_organisation(user, case):
        return False
    version = case.process_version
    roles = user.role_names
    lanes = set(version.lanes or [])
    unit_scoped = set(version.unit_scoped_lanes or [])
    if roles & (lanes - unit_scoped):
        return True
    if roles & unit_scoped and user.unit_code:
        routed = db.session.get(CaseUnit, {"case_id": case.id, "unit_code": user.unit_code})
        return routed is not None
    return False


def task_for(user: User, task_id: str) -> TaskIndexEntry:
    # With its case in the same query: the checks below read the case's organisation.
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)
                               .options(joinedload(TaskIndexEntry.case))).first()
    if entry is None or not can_work_on(user, entry):
        raise NotAllowed(_l("Tugas tidak ditemukan."))
    return entry


def case_for(user: User, case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not can_view_case(user, case):
        raise NotAllowed(_l("Kasus tidak ditemukan."))
    return case


def completed_by(*, user: User, task_id: str) -> str | None:
    """Who completed a task that is no longer ready, if `user` could have worked on it
    (its lane's role and, for a task routed to a unit, that unit); else None, so that
    nobody learns of a task they were never allowed to see."""
    events = {
        event.action: event
        for event in db.session.scalars(
            db.select(AuditEvent).where(
                AuditEvent.engine_task_id == task_id,
                AuditEvent.action.in_(("task.created", "task.completed")),
            )
        )
    }
    created, done = events.get("task.created"), events.get("task.completed")
    if created is None or done is None or created.lane not in user.role_names:
        return None
    org_unit = (created.data_after or {}).get("org_unit")
    if org_unit and org_unit != user.unit_code:
        return None
    return done.actor


def startable_processes(user: User) -> list[ProcessVersion]:
    """The newest versions of processes this user may start by hand: the diagram's start
    event stands in one of the user's lanes, in the user's organisation."""
    result = []
    for version in deployed_processes():
        if not set(version.start_lanes or []) & user.role_names:
            continue
        organisation = organisation_running(version.definition.key)
        if user.organisation_code is None or (organisation and organisation.code == user.organisation_code):
            result.append(version)
    return result
