"""The SQL of the SLA dashboard and the semester report, in one place: GROUP BY over the
task index, the cases and the audit trail, so neither page loads case rows, and the
working-day arithmetic is done per organisation (a threshold) or per distinct due day.

The open-task queries join the task index to `cases` for the process version, the
unit-scoped routing and "still open"; they filter first on the task index's own copy of
the organisation, so a dashboard reads one organisation's tasks, not every open task."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, null, or_, select, text, union_all
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import AuditEvent, Case, CaseUnit, Complaint, Organisation, OrgUnit, TaskIndexEntry
from app.models.types import UTCDateTime
from app.services.definitions.references import FORWARDED
from app.services.organisation.calendar import calendar_for

# An urgent list longer than this is cut (the page says how many more): a head follows
# up the most urgent first, and a page of 50 000 rows helps nobody.
URGENT_SHOWN = 200


@dataclass(frozen=True)
class UrgencyLimits:
    """Per organisation, the moment before which an open deadline is at risk."""

    now: datetime
    at_risk_until: dict[str | None, datetime]

    def level(self):
        """2 overdue, 1 at risk, 0 neither (or no deadline), as a SQL expression over the
        task index joined to its case."""
        due = TaskIndexEntry.due_at
        by_organisation = case(
            *((Case.organisation_code == code, literal(limit, UTCDateTime))
              for code, limit in self.at_risk_until.items() if code is not None),
            else_=literal(self.at_risk_until[None], UTCDateTime))
        return case((due.is_(None), 0), (due < self.now, 2), (due < by_organisation, 1), else_=0)


def urgency_limits(*, now: datetime, days: int, organisation_codes: list[str] | None = None) -> UrgencyLimits:
    """The at-risk threshold of each organisation's calendar (of every organisation when
    `organisation_codes` is None), and of the default calendar for cases with none."""
    if organisation_codes is None:
        organisation_codes = list(db.session.scalars(select(Organisation.code)))
    limits: dict[str | None, datetime] = {code: calendar_for(code).at_risk_until(now=now, days=days) for code in organisation_codes}
    limits[None] = calendar_for(None).at_risk_until(now=now, days=days)
    return UrgencyLimits(now=now, at_risk_until=limits)


def _open_tasks(visibility):
    """Ready tasks of open cases passing `visibility`; the FROM of every dashboard query."""
    return (select().select_from(TaskIndexEntry).join(Case, TaskIndexEntry.case_id == Case.id)
            .where(Case.completed.is_(False), visibility))


def dashboard_counts(*, visibility, limits: UrgencyLimits) -> tuple[list[tuple], dict[int, int]]:
    """([(organisation code, lane, element id, step title, open, at risk, overdue)] per
    step, {most urgent level: cases}), a case counted once by its most urgent task. One
    statement: the visible open tasks are read (joined to their cases) once, as a common
    table both counts group."""
    tasks = _open_tasks(visibility).add_columns(
        TaskIndexEntry.case_id, Case.organisation_code, TaskIndexEntry.lane, TaskIndexEntry.element_id,
        TaskIndexEntry.title, limits.level().label("level")).cte("visible_tasks")
    per_step = select(
        literal(0), tasks.c.organisation_code, tasks.c.lane, tasks.c.element_id, func.min(tasks.c.title),
        func.count(), func.sum(case((tasks.c.level == 1, 1), else_=0)), func.sum(case((tasks.c.level == 2, 1), else_=0)),
    ).group_by(tasks.c.organisation_code, tasks.c.lane, tasks.c.element_id)
    per_case = (select(tasks.c.case_id, func.max(tasks.c.level).label("level"))
                .group_by(tasks.c.case_id).subquery())
    per_level = select(literal(1), null(), null(), null(), null(), func.count(), per_case.c.level, literal(0)
                       ).group_by(per_case.c.level)
    steps, levels = [], {}
    for kind, code, lane, element, title, count, at_risk, overdue in db.session.execute(
            union_all(per_step, per_level)):
        if kind == 0:
            steps.append((code, lane, element, title, count, at_risk, overdue))
        else:
            levels[at_risk] = count
    return steps, levels


def dashboard_urgent_tasks(*, visibility, limits: UrgencyLimits, limit: int = URGENT_SHOWN) -> list[tuple]:
    """The tasks overdue or at risk, most urgent first, at most `limit` (how many there
    are in all is the sum of the step counts' at risk and overdue)."""
    level = limits.level()
    query = (_open_tasks(visibility)
             .outerjoin(OrgUnit, OrgUnit.code == TaskIndexEntry.org_unit)
             .add_columns(Case.id, Case.tracking_number, TaskIndexEntry.lane, TaskIndexEntry.title,
                          TaskIndexEntry.due_at, level.label("level"),
                          func.coalesce(OrgUnit.name, TaskIndexEntry.org_unit))
             # The plain bound first, so that an index on due_at can serve it.
             .where(TaskIndexEntry.due_at < max(limits.at_risk_until.values()), level > 0)
             .order_by(TaskIndexEntry.due_at, TaskIndexEntry.id).limit(limit))
    return [tuple(row) for row in db.session.execute(query)]


# --- the semester report ------------------------------------------------------------

def _period_cases(organisation_code: str, start: datetime, end: datetime):
    return (Case.organisation_code == organisation_code, Case.created_at >= start, Case.created_at < end)


def _non_empty(value):
    return and_(value.is_not(None), value != "")


def _room_to_sort() -> None:
    """PostgreSQL: a report groups and ranks a semester's cases at once, which spills past
    the default 4 MB of sort memory to disk; give this transaction more (SET LOCAL ends
    with it, so web requests keep the server's setting)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def report_case_groups(*, organisation_code: str, start: datetime, end: datetime) -> list[tuple]:
    """The cases received in [start, end), grouped by everything the report counts them
    by: (status, forwarded?, last routing decision's route, type, confidential?, cases).
    The route's last decision and the type recorded at the start come from the audit trail."""
    in_period = select(Case.id).where(*_period_cases(organisation_code, start, end))
    postgresql = db.session.get_bind().dialect.name == "postgresql"

    def join_last(query, value_of, conditions_on):
        """`query` outer-joined to each case's last event meeting the conditions, and the
        value read from it. PostgreSQL ranks the events with a window (no second visit to
        the trail); SQLite, which scans a window's or a join's result again for every case,
        finds max(id) per case (which it indexes on the fly) and reads that event by its key."""
        if postgresql:
            ranked = (select(AuditEvent.case_id, value_of(AuditEvent).label("value"),
                             func.row_number().over(partition_by=AuditEvent.case_id,
                                                    order_by=AuditEvent.id.desc()).label("rank"))
                      .where(AuditEvent.case_id.in_(in_period), *conditions_on(AuditEvent)).subquery())
            last = select(ranked.c.case_id, ranked.c.value).where(ranked.c.rank == 1).subquery()
            return query.outerjoin(last, last.c.case_id == Case.id), last.c.value
        last = (select(AuditEvent.case_id, func.max(AuditEvent.id).label("id"))
                .where(AuditEvent.case_id.in_(in_period), *conditions_on(AuditEvent))
                .group_by(AuditEvent.case_id).subquery())
        event = aliased(AuditEvent)
        return (query.outerjoin(last, last.c.case_id == Case.id).outerjoin(event, event.id == last.c.id),
                value_of(event))

    def route(event):
        rute = event.data_after["rute"].as_string()
        return case((_non_empty(rute), rute), else_="unit_kerja")

    def routing_decision(event):
        return (event.action == "decision.evaluated",
                or_(_non_empty(event.data_after["rute"].as_string()),
                    _non_empty(event.data_after["unit_tujuan"].as_string())))

    # The type recorded at the start counts only for cases without a complaint (monitoring
    # and internal cases): a few, so their start events are the only ones read.
    without_complaint = select(Case.id).where(*_period_cases(organisation_code, start, end), ~select(
        Complaint.id).where(Complaint.case_id == Case.id).exists())
    forwarded = (select(AuditEvent.case_id).where(
        AuditEvent.case_id.in_(in_period), AuditEvent.action == FORWARDED,
        AuditEvent.data_after["kind"].as_string() == "penerusan").distinct().subquery())
    query = (select().select_from(Case).outerjoin(Complaint, Complaint.case_id == Case.id)
             .outerjoin(forwarded, forwarded.c.case_id == Case.id))
    query, decided = join_last(query, route, routing_decision)
    query, started_jenis = join_last(query, lambda event: event.data_after["jenis"].as_string(),
                                     lambda event: (event.action == "case.started",
                                                    event.case_id.in_(without_complaint)))
    jenis = case((Complaint.id.is_not(None), Complaint.jenis), else_=started_jenis)
    is_forwarded = forwarded.c.case_id.is_not(None)
    confidential = func.coalesce(Complaint.confidentiality == "rahasia", False)
    _room_to_sort()
    query = (query.add_columns(Case.status, is_forwarded, decided, jenis, confidential, func.count())
             .where(*_period_cases(organisation_code, start, end))
             .group_by(Case.status, is_forwarded, decided, jenis, confidential))
    return [tuple(row) for row in db.session.execute(query)]


def report_unit_counts(*, organisation_code: str, start: datetime, end: datetime) -> tuple[list[tuple], int]:
    """([(unit name, cases)], cases routed to no unit) for the cases received in [start, end)."""
    query = (select(func.coalesce(OrgUnit.name, CaseUnit.unit_code), func.count())
             .select_from(CaseUnit).join(Case, Case.id == CaseUnit.case_id)
             .outerjoin(OrgUnit, OrgUnit.code == CaseUnit.unit_code)
             .where(*_period_cases(organisation_code, start, end))
             .group_by(CaseUnit.unit_code, OrgUnit.name))
    counts = [tuple(row) for row in db.session.execute(query)]
    routed = select(CaseUnit.case_id).where(CaseUnit.case_id == Case.id).exists()
    unrouted = db.session.scalar(select(func.count()).select_from(Case).where(
        *_period_cases(organisation_code, start, end), ~routed))
    return counts, unrouted  # type: ignore[return-value]  # COUNT(*) always answers a number


def _step_events(organisation_code: str, start: datetime, end: datetime, *actions: str):
    return _step_events_of(AuditEvent, organisation_code, start, end, *actions)


def _step_events_of(event, organisation_code: str, start: datetime, end: datetime, *actions: str):
    return (event.occurred_at >= start, event.occurred_at < end, event.action.in_(actions),
            event.case_id.in_(select(Case.id).where(Case.organisation_code == organisation_code)))


def _done():
    return and_(AuditEvent.action == "task.completed", _non_empty(AuditEvent.engine_task_id))


def report_step_counts(*, organisation_code: str, start: datetime, end: datetime) -> dict:
    """Per element: completed tasks, deadlines met and missed, its title and lane (from its
    first completion, else its first deadline event); and the escalations (tenggat_ timers fired)."""
    where = _step_events(organisation_code, start, end, "task.completed", "deadline.met", "deadline.missed")
    kind = case((AuditEvent.action == "task.completed", "completed"), else_=AuditEvent.action)
    counts: dict[str, dict[str, int]] = {}
    for element, action, count in db.session.execute(
            select(AuditEvent.element_id, kind, func.count()).where(
                *where, or_(_done(), AuditEvent.action != "task.completed"))
            .group_by(AuditEvent.element_id, kind)):
        counts.setdefault(element, {})[action] = count
    _room_to_sort()
    firsts: dict[str, tuple[str, str]] = {}
    for first_of in (_done(), AuditEvent.action != "task.completed"):
        ids = select(func.min(AuditEvent.id)).where(*where, first_of).group_by(AuditEvent.element_id)
        for element, detail, lane in db.session.execute(
                select(AuditEvent.element_id, AuditEvent.detail, AuditEvent.lane).where(AuditEvent.id.in_(ids))):
            firsts.setdefault(element, (detail or element, lane or ""))
    # A deadline policy's escalation is `deadline.escalated`; its timer's `timer.fired` is
    # not counted again. Drawn escalations (older diagrams) only have the fired timer.
    policy = aliased(AuditEvent)
    escalated_by_policy = select(policy.id).where(
        *_step_events_of(policy, organisation_code, start, end, "deadline.escalated"),
        policy.case_id == AuditEvent.case_id, policy.element_id == AuditEvent.element_id).exists()
    escalations = db.session.scalar(select(func.count()).where(
        *_step_events(organisation_code, start, end, "timer.fired", "deadline.escalated"),
        or_(AuditEvent.action == "deadline.escalated",
            and_(AuditEvent.element_id.startswith("tenggat_", autoescape=True), ~escalated_by_policy))))
    return {"counts": counts, "titles": firsts, "escalations": escalations}


def report_step_durations(*, organisation_code: str, start: datetime, end: datetime):
    """(element id, task created at, task completed at) of each task completed in [start,
    end), streamed: three columns a row, never the events themselves."""
    created = aliased(AuditEvent)
    query = (select(AuditEvent.element_id, created.occurred_at, AuditEvent.occurred_at)
             .join(created, and_(created.case_id == AuditEvent.case_id, created.action == "task.created",
                                 created.engine_task_id == AuditEvent.engine_task_id))
             .where(*_step_events(organisation_code, start, end, "task.completed"), _done()))
    return db.session.execute(query.execution_options(yield_per=5000))


def report_open_tasks(*, organisation_code: str, limits: UrgencyLimits) -> list[tuple]:
    """(tracking number, step, lane, unit name, due at) of the organisation's open tasks
    overdue or at risk, soonest first."""
    query = (_open_tasks(Case.organisation_code == organisation_code)
             .outerjoin(OrgUnit, OrgUnit.code == TaskIndexEntry.org_unit)
             .add_columns(Case.tracking_number, TaskIndexEntry.title, TaskIndexEntry.lane,
                          func.coalesce(OrgUnit.name, TaskIndexEntry.org_unit, ""), TaskIndexEntry.due_at)
             .where(TaskIndexEntry.due_at.is_not(None),
                    TaskIndexEntry.due_at < limits.at_risk_until.get(organisation_code, limits.at_risk_until[None]))
             .order_by(TaskIndexEntry.due_at, TaskIndexEntry.id))
    return [tuple(row) for row in db.session.execute(query)]
