"""The SLA dashboard for heads: open cases per lane and step, at risk and overdue.

Who may open it: the system administrator, the heads' lanes below, and the members of a
unit-scoped lane (the Eselon II unit's officials, who head that unit's follow-up). What it
counts: only the open cases the viewer may see (app/services/organisation/access.py: their
organisation; a unit-scoped role only the cases routed to their unit); the system
administrator, who holds no lane, sees every open case of their organisation scope."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import and_, false, or_, true

from app.extensions import db
from app.models import Case, Organisation, TaskIndexEntry, User
from app.services.definitions.processes import deployed_processes
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE
from app.services.organisation.delegations import active_delegations
from app.services.reporting.aggregates import (
    dashboard_counts,
    dashboard_urgent_tasks,
    urgency_limits,
)
from app.services.reporting.register import visible_cases
from app.services.reporting.report_data import AT_RISK_DAYS

# The "Kepala" lanes of the five SOPs: heads who supervise deadlines and receive escalations.
HEAD_ROLES = frozenset({
    "Kepala Inspektorat", "Kepala BSN", "Inspektur", "Pejabat Pengelola Pengaduan",
    "Kepala Subbidang", "Kepala Bidang", "Asdep Dumas", "Deputi Hublemmas",
})


@dataclass
class StepRow:
    organisation: str
    lane: str
    element_id: str
    step: str
    open: int = 0
    at_risk: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class UrgentTask:
    case_id: int
    tracking_number: str
    lane: str
    step: str
    due_at: datetime
    overdue: bool
    unit: str | None = None  # the routed unit's name (its code if unknown here)


@dataclass
class Dashboard:
    at_risk_days: int
    rows: list[StepRow] = field(default_factory=list)
    # The tasks past or near their deadline, most urgent first: what a head follows up.
    urgent: list[UrgentTask] = field(default_factory=list)
    urgent_total: int = 0  # the urgent list shows at most aggregates.URGENT_SHOWN of them
    open_cases: int = 0
    at_risk_cases: int = 0
    overdue_cases: int = 0

    def lanes(self) -> list[tuple[str, int, int, int]]:
        """(lane, open, at risk, overdue) tasks per lane, for the chart."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in self.rows:
            total = totals[row.lane]
            total[0] += row.open
            total[1] += row.at_risk
            total[2] += row.overdue
        return sorted(((lane, t[0], t[1], t[2]) for lane, t in totals.items()), key=lambda t: (-t[1], t[0]))


def _unit_scoped_lanes() -> set[str]:
    return {lane for version in deployed_processes() for lane in (version.unit_scoped_lanes or [])}


def may_view_dashboard(user: User) -> bool:
    roles = user.role_names
    if SYSTEM_ADMIN_ROLE in roles or roles & HEAD_ROLES:
        return True
    return bool(user.unit_code and roles & _unit_scoped_lanes())


def dashboard(*, user: User, now: datetime | None = None, at_risk_days: int = AT_RISK_DAYS) -> Dashboard:
    """The open tasks of the cases `user` may see, counted per lane and step. A task with
    no deadline counts as open only; a case counts once as at risk or overdue, by its most
    urgent task. Counted in the database (app/services/reporting/aggregates.py): one statement for
    the counts, one for the 200 most urgent tasks, whatever the number of cases."""
    now = now or datetime.now(timezone.utc)
    result = Dashboard(at_risk_days=at_risk_days)
    if not may_view_dashboard(user):
        return result
    codes = None if user.organisation_code is None else [user.organisation_code]
    limits = urgency_limits(now=now, days=at_risk_days, organisation_codes=codes)
    visibility = dashboard_visibility(user, admin=SYSTEM_ADMIN_ROLE in user.role_names)
    names: dict[str, str] = dict(db.session.execute(db.select(Organisation.code, Organisation.name)).tuples().all())
    steps, levels = dashboard_counts(visibility=visibility, limits=limits)
    result.rows = sorted(
        (StepRow(organisation=names.get(code, code or ""), lane=lane, element_id=element, step=title,
                 open=open_, at_risk=int(at_risk or 0), overdue=int(overdue or 0))
         for code, lane, element, title, open_, at_risk, overdue in steps),
        key=lambda r: (r.organisation, r.lane, r.step))
    result.open_cases = sum(levels.values())
    result.at_risk_cases, result.overdue_cases = levels.get(1, 0), levels.get(2, 0)
    result.urgent_total = sum(row.at_risk + row.overdue for row in result.rows)
    urgent = dashboard_urgent_tasks(visibility=visibility, limits=limits) if result.urgent_total else []
    result.urgent = [UrgentTask(case_id=case_id, tracking_number=tracking_number, lane=lane, step=step,
                                due_at=due_at, overdue=level == 2, unit=unit)
                     for case_id, tracking_number, lane, step, due_at, level, unit in urgent]
    return result


def dashboard_visibility(user: User, *, admin: bool):
    """The SQL condition on Case equal to what the dashboard showed case by case:
    `same_organisation(user, case) and (admin or can_view_case(user, case))`, with the
    unit-scoped lanes' routing as one EXISTS on case_units instead of a query per case."""
    # The task index's own copy of the organisation first: the planner then reads only the
    # organisation's tasks (ix_task_index_team) instead of probing every open task's case.
    condition = true() if user.organisation_code is None else and_(
        TaskIndexEntry.organisation_code == user.organisation_code, Case.organisation_code == user.organisation_code)
    if admin:
        return condition
    principals = [user, *(d.from_user for d in active_delegations(user))]
    return and_(condition, or_(*(visible_cases(p) for p in principals), false()))
