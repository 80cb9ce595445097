"""The SLA dashboard for heads: open cases per lane and step, at risk and overdue.

Who may open it: the system administrator, the heads' lanes below, and the members of a
unit-scoped lane (the Eselon II unit's officials, who head that unit's follow-up). What it
counts: only the open cases the viewer may see (app/services/access.py: their
organisation; a unit-scoped role only the cases routed to their unit); the system
administrator, who holds no lane, sees every open case of their organisation scope."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from app.extensions import db
from app.models import Case, Organisation, TaskIndexEntry, User
from app.services.access import can_view_case, same_organisation
from app.services.accounts import SYSTEM_ADMIN_ROLE
from app.services.calendar import calendar_for
from app.services.processes import deployed_processes
from app.services.report_data import AT_RISK_DAYS

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
        return sorted(((lane, *t) for lane, t in totals.items()), key=lambda t: (-t[1], t[0]))


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
    urgent task."""
    now = now or datetime.now(timezone.utc)
    result = Dashboard(at_risk_days=at_risk_days)
    if not may_view_dashboard(user):
        return result
    query = (db.select(TaskIndexEntry, Case).join(Case, TaskIndexEntry.case_id == Case.id)
             .where(Case.completed.is_(False)).order_by(TaskIndexEntry.due_at))
    if user.organisation_code is not None:
        query = query.where(Case.organisation_code == user.organisation_code)
    names = {code: name for code, name in db.session.execute(db.select(Organisation.code, Organisation.name))}
    admin = SYSTEM_ADMIN_ROLE in user.role_names
    visible: dict[int, bool] = {}
    rows: dict[tuple, StepRow] = {}
    urgency: dict[int, int] = {}  # case id -> 2 overdue, 1 at risk, 0 neither
    for entry, case in db.session.execute(query).tuples():
        if case.id not in visible:
            visible[case.id] = same_organisation(user, case) and (admin or can_view_case(user, case))
        if not visible[case.id]:
            continue
        key = (case.organisation_code, entry.lane, entry.element_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = StepRow(organisation=names.get(case.organisation_code, case.organisation_code or ""),
                                      lane=entry.lane, element_id=entry.element_id, step=entry.title)
        row.open += 1
        level = 0
        if entry.due_at is not None:
            if entry.due_at < now:
                row.overdue += 1
                level = 2
            elif calendar_for(case.organisation_code).working_days_left(entry.due_at, now=now) <= at_risk_days:
                row.at_risk += 1
                level = 1
        if level:
            result.urgent.append(UrgentTask(case_id=case.id, tracking_number=case.tracking_number, lane=entry.lane,
                                            step=entry.title, due_at=entry.due_at, overdue=level == 2,
                                            unit=entry.unit_label))
        urgency[case.id] = max(urgency.get(case.id, 0), level)
    result.rows = sorted(rows.values(), key=lambda r: (r.organisation, r.lane, r.step))
    result.open_cases = len(urgency)
    result.at_risk_cases = sum(1 for level in urgency.values() if level == 1)
    result.overdue_cases = sum(1 for level in urgency.values() if level == 2)
    return result
