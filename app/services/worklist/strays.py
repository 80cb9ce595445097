"""Strays: waiting tasks that nobody can pick up.

A task waits for its lane's role and, where the process routed it to one unit, for that
unit (app/services/organisation/access.py, can_work_on). It is stranded when no active account could
open it: none holds the role in the case's organisation (or nationally), none belongs to
the unit, or the unit is not one of the case's organisation at all (a value that reached
the workflow before choices were scoped, or a decision table naming another agency's
unit). The check is one query, so an operator can run it on a large deployment.
"""
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_

from app.extensions import db
from app.models import Case, OrgUnit, TaskIndexEntry, User, user_roles


@dataclass(frozen=True)
class StrayTask:
    tracking_number: str
    task: str
    lane: str
    unit: str | None
    unit_name: str | None
    organisation: str | None
    # Indonesian, as the command prints it: why nobody can work on the task.
    reason: str


def _someone_can_work_it():
    return exists().where(
        User.active.is_(True),
        user_roles.c.user_id == User.id,
        user_roles.c.role_name == TaskIndexEntry.role,
        or_(User.organisation_code.is_(None), User.organisation_code == Case.organisation_code),
        or_(TaskIndexEntry.org_unit.is_(None), User.unit_code == TaskIndexEntry.org_unit),
    ).correlate(TaskIndexEntry, Case)


def _unit_of_the_case_organisation():
    # OrgUnit.organisation is "" for a unit of no organisation, as a case's is NULL.
    return exists().where(
        OrgUnit.code == TaskIndexEntry.org_unit,
        OrgUnit.organisation == func.coalesce(Case.organisation_code, ""),
    ).correlate(TaskIndexEntry, Case)


def stray_tasks() -> list[StrayTask]:
    """Every waiting task no active account can work on, oldest case first."""
    workable = _someone_can_work_it()
    own_unit = _unit_of_the_case_organisation()
    unit = db.aliased(OrgUnit)
    rows = db.session.execute(
        db.select(TaskIndexEntry, Case, unit.name, workable.label("workable"), own_unit.label("own_unit"))
        .join(Case, TaskIndexEntry.case_id == Case.id)
        .outerjoin(unit, unit.code == TaskIndexEntry.org_unit)
        .where(or_(~workable, and_(TaskIndexEntry.org_unit.is_not(None), ~own_unit)))
        .order_by(Case.id, TaskIndexEntry.id)
    ).all()
    strays = []
    for entry, case, unit_name, is_workable, is_own_unit in rows:
        reasons = []
        if entry.org_unit and not is_own_unit:
            reasons.append("unit bukan milik instansi kasus" if unit_name else "unit tidak dikenal")
        if not is_workable:
            reasons.append("tidak ada akun aktif dengan peran" + (" dan unit" if entry.org_unit else "") + " ini")
        strays.append(StrayTask(
            tracking_number=case.tracking_number or str(case.id), task=entry.title, lane=entry.lane,
            unit=entry.org_unit, unit_name=unit_name, organisation=case.organisation_code, reason="; ".join(reasons),
        ))
    return strays
