"""The SLA dashboard's and the semester report's figures as they were computed before
they moved into SQL (app/services/reporting/aggregates.py): case by case in Python, with the
calendar asked per row. Kept here only as the oracle the SQL is compared with."""
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from statistics import median

from app.extensions import db
from app.models import AuditEvent, Case, CaseUnit, Complaint, OrgUnit, TaskIndexEntry, User
from app.services.definitions.references import FORWARDED
from app.services.definitions.statuses import all_statuses
from app.services.organisation.access import can_view_case
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE
from app.services.organisation.calendar import calendar_for
from app.services.organisation.task_holders import same_organisation
from app.services.reporting.report_data import (
    _FORWARDING_ROUTES,
    NO_TYPE,
    NO_UNIT,
    NOT_FOLLOWED_UP,
    ROUTE_LABELS,
    TYPE_LABELS,
    _sorted,
    semester_period,
)


def old_dashboard(*, user: User, now: datetime, at_risk_days: int) -> dict:
    query = (db.select(TaskIndexEntry, Case).join(Case, TaskIndexEntry.case_id == Case.id)
             .where(Case.completed.is_(False)).order_by(TaskIndexEntry.due_at))
    if user.organisation_code is not None:
        query = query.where(Case.organisation_code == user.organisation_code)
    admin = SYSTEM_ADMIN_ROLE in user.role_names
    visible, rows, urgency, urgent = {}, {}, {}, []
    for entry, case in db.session.execute(query).tuples():
        if case.id not in visible:
            visible[case.id] = same_organisation(user, case) and (admin or can_view_case(user, case))
        if not visible[case.id]:
            continue
        row = rows.setdefault((case.organisation_code, entry.lane, entry.element_id), [0, 0, 0])
        row[0] += 1
        level = 0
        if entry.due_at is not None:
            if entry.due_at < now:
                row[2] += 1
                level = 2
            elif calendar_for(case.organisation_code).working_days_left(entry.due_at, now=now) <= at_risk_days:
                row[1] += 1
                level = 1
        if level:
            urgent.append((case.tracking_number, entry.title, entry.due_at, level == 2, entry.unit_label))
        urgency[case.id] = max(urgency.get(case.id, 0), level)
    return {
        "rows": {key: tuple(value) for key, value in rows.items()},
        "cases": (len(urgency), sum(1 for v in urgency.values() if v == 1), sum(1 for v in urgency.values() if v == 2)),
        "urgent": sorted(urgent),
    }


def _old_working_days_between(start, end, *, calendar) -> float:
    total = 0.0
    cursor = start.astimezone(calendar.zone)
    end = end.astimezone(calendar.zone)
    while cursor < end:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), tzinfo=calendar.zone)
        segment_end = min(end, next_midnight)
        if calendar.is_working_day(cursor.date()):
            total += (segment_end - cursor).total_seconds() / 86400
        cursor = segment_end
    return total


def _events(case_ids, actions):
    if not case_ids:
        return []
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id.in_(case_ids), AuditEvent.action.in_(actions)).order_by(AuditEvent.id)))


def _route_of(case, events) -> str:
    if case.status in NOT_FOLLOWED_UP:
        return "tidak_ditindaklanjuti"
    if any(e.action == FORWARDED and (e.data_after or {}).get("kind") == "penerusan" for e in events):
        return "diteruskan"
    route = None
    for event in events:
        outputs = (event.data_after or {}) if event.action == "decision.evaluated" else {}
        if outputs.get("rute"):
            route = outputs["rute"]
        elif outputs.get("unit_tujuan"):
            route = "unit_kerja"
    if route is None:
        return "belum_diputuskan"
    return _FORWARDING_ROUTES.get(route, route)


# The pre-SQL code kept as it was, so the oracle stays the old behaviour: not refactored.
def old_report(  # noqa: C901
        *, organisation_code: str, year: int, semester: int, now: datetime, at_risk_days: int) -> dict:
    calendar = calendar_for(organisation_code)
    period = semester_period(year=year, semester=semester, calendar=calendar)
    cases = list(db.session.scalars(db.select(Case).where(
        Case.organisation_code == organisation_code, Case.created_at >= period.start, Case.created_at < period.end)))
    ids = [c.id for c in cases]
    complaints = {c.case_id: c for c in db.session.scalars(db.select(Complaint).where(Complaint.case_id.in_(ids)))}
    started = {e.case_id: e for e in _events(ids, ("case.started",))}
    routing = defaultdict(list)
    for event in _events(ids, ("decision.evaluated", FORWARDED)):
        routing[event.case_id].append(event)
    units = defaultdict(list)
    names = dict(db.session.execute(db.select(OrgUnit.code, OrgUnit.name)).tuples().all())
    for row in db.session.scalars(db.select(CaseUnit).where(CaseUnit.case_id.in_(ids))):
        units[row.case_id].append(names.get(row.unit_code, row.unit_code))
    by_type, by_route, by_status, by_unit = Counter(), Counter(), Counter(), Counter()
    confidential = 0
    for case in cases:
        complaint = complaints.get(case.id)
        jenis = complaint.jenis if complaint else ((started.get(case.id) and started[case.id].data_after) or {}).get("jenis")
        by_type[TYPE_LABELS.get(jenis, jenis) if jenis else NO_TYPE] += 1
        route = _route_of(case, routing[case.id])
        by_route[ROUTE_LABELS.get(route, route)] += 1
        words = all_statuses().get(case.status)
        by_status[words.label[0] if words else case.status] += 1
        for unit in units[case.id] or [NO_UNIT]:
            by_unit[unit] += 1
        if complaint is not None and complaint.confidentiality == "rahasia":
            confidential += 1

    in_period = (AuditEvent.occurred_at >= period.start, AuditEvent.occurred_at < period.end)
    of_organisation = db.select(Case.id).where(Case.organisation_code == organisation_code)
    events = list(db.session.scalars(db.select(AuditEvent).where(
        *in_period, AuditEvent.case_id.in_(of_organisation),
        AuditEvent.action.in_(("task.completed", "deadline.met", "deadline.missed", "timer.fired",
                               "deadline.escalated")),
    ).order_by(AuditEvent.id)))
    completed = [e for e in events if e.action == "task.completed" and e.engine_task_id]
    created = {e.engine_task_id: e for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "task.created", AuditEvent.engine_task_id.in_([e.engine_task_id for e in completed])))}
    titles, hours, working = {}, defaultdict(list), defaultdict(list)
    for done in completed:
        titles.setdefault(done.element_id, (done.detail or done.element_id, done.lane or ""))
        start = created.get(done.engine_task_id)
        if start is None:
            continue
        hours[done.element_id].append((done.occurred_at - start.occurred_at).total_seconds() / 3600)
        working[done.element_id].append(_old_working_days_between(start.occurred_at, done.occurred_at,
                                                                  calendar=calendar))
    done_count = Counter(e.element_id for e in completed)
    met, missed, escalations = Counter(), Counter(), 0
    escalated = {(e.case_id, e.element_id) for e in events if e.action == "deadline.escalated"}
    for event in events:
        if event.action in ("deadline.met", "deadline.missed"):
            titles.setdefault(event.element_id, (event.detail or event.element_id, event.lane or ""))
            (met if event.action == "deadline.met" else missed)[event.element_id] += 1
        elif event.action == "deadline.escalated" or (
                event.action == "timer.fired" and (event.element_id or "").startswith("tenggat_")
                and (event.case_id, event.element_id) not in escalated):
            escalations += 1
    steps = sorted(
        ((element, title, lane, done_count[element],
          round(median(hours[element]), 1) if hours[element] else None,
          round(median(working[element]), 2) if working[element] else None, met[element], missed[element])
         for element, (title, lane) in titles.items()),
        key=lambda s: (s[2], s[1]))

    at_risk, overdue = [], []
    for entry, case in db.session.execute(
            db.select(TaskIndexEntry, Case).join(Case, TaskIndexEntry.case_id == Case.id)
            .where(Case.organisation_code == organisation_code, Case.completed.is_(False),
                   TaskIndexEntry.due_at.is_not(None))).tuples():
        left = calendar.working_days_left(entry.due_at, now=now)
        task = (case.tracking_number, entry.title, entry.lane, names.get(entry.org_unit, entry.org_unit or ""),
                entry.due_at, left)
        if entry.due_at < now:
            overdue.append(task)
        elif left <= at_risk_days:
            at_risk.append(task)
    return {
        "total": len(cases), "confidential": confidential, "by_type": _sorted(by_type),
        "by_route": _sorted(by_route), "by_status": _sorted(by_status), "by_unit": _sorted(by_unit),
        "deadlines_met": sum(met.values()), "deadlines_missed": sum(missed.values()), "escalations": escalations,
        "steps": steps, "at_risk": sorted(at_risk, key=str), "overdue": sorted(overdue, key=str),
    }
