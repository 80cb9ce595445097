"""The figures of a half-yearly report (laporan semesteran): SOP 000/001 step 9 (to Kepala
BSN / the Inspektur) and SOP 004 step 8 (to the Minister and President).

Everything is read from the cases, the task index and the audit trail; nothing here
writes. What is counted, and from when:
- the cases of the organisation received in the semester (semester I = January-June, II =
  July-December, in the organisation's own time zone), by type (`Complaint.jenis`), route,
  status now and unit; confidential reports ("rahasia") are counted like any other, since
  the report goes only to the organisation's own heads, and a separate total without them
  is given for anything that is published;
- deadlines met and missed, and deadlines that passed and escalated (a `tenggat_…` timer
  fired), by the audit events that occurred in the semester;
- the median time of each step (task created → task completed) for steps completed in the
  semester, in hours and in working days of the organisation's calendar;
- the open cases at risk (due within `at_risk_days` working days) and overdue, as of the
  moment the report is made, by tracking number only: never a name, never a title (a
  complainant's title can name people).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from statistics import median

from app.engine import WorkingCalendar
from app.extensions import db
from app.models import AuditEvent, Case, CaseUnit, Complaint, Organisation, OrgUnit, TaskIndexEntry
from app.services.calendar import calendar_for
from app.services.references import FORWARDED
from app.services.tracking import STATUS_LABELS

AT_RISK_DAYS = 3
TYPE_LABELS = {"pengaduan": "Pengaduan", "aspirasi": "Aspirasi", "permintaan_informasi": "Permintaan informasi"}
NO_TYPE = "Tanpa jenis (pemantauan/kasus internal)"
NO_UNIT = "Belum disalurkan ke unit"
# Where a case went. A case ends as "not followed up" whatever was decided before, and as
# "forwarded" once it was handed to another agency; otherwise the routing decision's
# output (`rute`, or SOP 003's `unit_tujuan`) says which follow-up it took.
NOT_FOLLOWED_UP = frozenset({"tidak_ditindaklanjuti", "tidak_lengkap", "diarsipkan"})
ROUTE_LABELS = {
    "pengawasan": "Tindak lanjut pengawasan (berkadar pengawasan)",
    "unit_kerja": "Tindak lanjut unit kerja",
    "penghubung": "Disalurkan ke pejabat penghubung",
    "jawab_admin": "Dijawab langsung oleh admin",
    "minta_kelengkapan": "Menunggu kelengkapan dari pengadu",
    "diteruskan": "Diteruskan ke instansi lain",
    "tidak_ditindaklanjuti": "Tidak ditindaklanjuti",
    "belum_diputuskan": "Belum diputuskan",
}
# Who receives the report, as each SOP says (000/001 step 9, 004 step 8); 002 and 003 name
# nobody, so their reports go to the organisation's head.
RECIPIENTS = {
    "sop_000": "Kepala BSN",
    "sop_001": "Inspektur",
    "sop_004": "Menteri Sekretaris Negara dan Presiden/Wakil Presiden (melalui Asdep Dumas/Deputi Hublemmas)",
}
_FORWARDING_ROUTES = {"instansi_lain": "diteruskan", "apip": "diteruskan", "admin_nasional": "diteruskan"}


class ReportError(ValueError):
    """A report that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Period:
    year: int
    semester: int
    first_day: date
    last_day: date
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive

    @property
    def label(self) -> str:
        return f"Semester {'I' if self.semester == 1 else 'II'} {self.year}"


@dataclass(frozen=True)
class StepFigures:
    element_id: str
    title: str
    lane: str
    completed: int = 0
    median_hours: float | None = None
    median_working_days: float | None = None
    met: int = 0
    missed: int = 0


@dataclass(frozen=True)
class OpenTask:
    tracking_number: str
    step: str
    lane: str
    unit: str
    due_at: datetime
    working_days_left: int
    overdue: bool


@dataclass
class ReportData:
    organisation_code: str
    organisation_name: str
    recipient: str
    period: Period
    generated_at: datetime
    zone: str
    at_risk_days: int
    total: int = 0
    confidential: int = 0
    by_type: list[tuple[str, int]] = field(default_factory=list)
    by_route: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    deadlines_met: int = 0
    deadlines_missed: int = 0
    escalations: int = 0
    steps: list[StepFigures] = field(default_factory=list)
    at_risk: list[OpenTask] = field(default_factory=list)
    overdue: list[OpenTask] = field(default_factory=list)

    @property
    def public_total(self) -> int:
        """The count that may be published: confidential reports stay out of anything public."""
        return self.total - self.confidential

    @property
    def at_risk_cases(self) -> int:
        """Cases with a task at risk and none overdue: a case counts once, by its most urgent task."""
        return len({t.tracking_number for t in self.at_risk} - {t.tracking_number for t in self.overdue})

    @property
    def overdue_cases(self) -> int:
        return len({t.tracking_number for t in self.overdue})

    def summary(self) -> dict:
        """The headline numbers, kept with the stored report."""
        return {
            "period": self.period.label, "total": self.total, "confidential": self.confidential,
            "public_total": self.public_total, "deadlines_met": self.deadlines_met,
            "deadlines_missed": self.deadlines_missed, "escalations": self.escalations,
            "at_risk": self.at_risk_cases, "overdue": self.overdue_cases,
        }


def semester_period(*, year: int, semester: int, calendar: WorkingCalendar) -> Period:
    if semester not in (1, 2):
        raise ReportError("Semester harus 1 (Januari-Juni) atau 2 (Juli-Desember).")
    if not 2000 <= year <= 2100:
        raise ReportError("Tahun tidak valid.")
    first = date(year, 1 if semester == 1 else 7, 1)
    following = date(year, 7, 1) if semester == 1 else date(year + 1, 1, 1)
    return Period(
        year=year, semester=semester, first_day=first, last_day=following - timedelta(days=1),
        start=datetime.combine(first, time(), tzinfo=calendar.zone).astimezone(timezone.utc),
        end=datetime.combine(following, time(), tzinfo=calendar.zone).astimezone(timezone.utc),
    )


def working_days_between(start: datetime, end: datetime, *, calendar: WorkingCalendar) -> float:
    """The part of [start, end) that fell on working days, in days: a step begun on Friday
    afternoon and finished on Monday morning took well under one working day."""
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


def collect_report(*, organisation_code: str, year: int, semester: int, now: datetime | None = None,
                   at_risk_days: int = AT_RISK_DAYS) -> ReportData:
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None or not organisation.hosted:
        raise ReportError(f"Instansi tidak dikenal atau tidak menjalankan SOP di sini: {organisation_code}.")
    now = now or datetime.now(timezone.utc)
    calendar = calendar_for(organisation_code)
    period = semester_period(year=year, semester=semester, calendar=calendar)
    if period.start > now:
        raise ReportError(f"{period.label} belum dimulai.")
    data = ReportData(organisation_code=organisation.code, organisation_name=organisation.name, period=period,
                      recipient=RECIPIENTS.get(organisation.process_key, "Pimpinan instansi"),
                      generated_at=now, zone=organisation.timezone, at_risk_days=at_risk_days)
    _count_cases(data, organisation_code, period)
    _count_steps(data, organisation_code, period, calendar)
    _open_tasks(data, organisation_code, now, calendar, at_risk_days)
    return data


def _count_cases(data: ReportData, organisation_code: str, period: Period) -> None:
    cases = list(db.session.scalars(db.select(Case).where(
        Case.organisation_code == organisation_code, Case.created_at >= period.start, Case.created_at < period.end)))
    ids = [c.id for c in cases]
    complaints = {c.case_id: c for c in db.session.scalars(db.select(Complaint).where(Complaint.case_id.in_(ids)))}
    started = {e.case_id: e for e in _events(ids, ("case.started",))}
    routing = defaultdict(list)
    for event in _events(ids, ("decision.evaluated", FORWARDED)):
        routing[event.case_id].append(event)
    units = defaultdict(list)
    names = {code: name for code, name in db.session.execute(db.select(OrgUnit.code, OrgUnit.name))}
    for row in db.session.scalars(db.select(CaseUnit).where(CaseUnit.case_id.in_(ids))):
        units[row.case_id].append(names.get(row.unit_code, row.unit_code))

    by_type, by_route, by_status, by_unit = Counter(), Counter(), Counter(), Counter()
    for case in cases:
        complaint = complaints.get(case.id)
        jenis = complaint.jenis if complaint else ((started.get(case.id) and started[case.id].data_after) or {}).get("jenis")
        by_type[TYPE_LABELS.get(jenis, jenis) if jenis else NO_TYPE] += 1
        route = route_of(case, routing[case.id])
        by_route[ROUTE_LABELS.get(route, route)] += 1
        by_status[STATUS_LABELS.get(case.status, (case.status,))[0]] += 1
        for unit in units[case.id] or [NO_UNIT]:
            by_unit[unit] += 1
        if complaint is not None and complaint.confidentiality == "rahasia":
            data.confidential += 1
    data.total = len(cases)
    data.by_type, data.by_route = _sorted(by_type), _sorted(by_route)
    data.by_status, data.by_unit = _sorted(by_status), _sorted(by_unit)


def route_of(case: Case, events: list[AuditEvent]) -> str:
    """Where a case went, from its status and its routing events (see ROUTE_LABELS)."""
    if case.status in NOT_FOLLOWED_UP:
        return "tidak_ditindaklanjuti"
    if any(e.action == FORWARDED and (e.data_after or {}).get("kind") == "penerusan" for e in events):
        return "diteruskan"
    route = None
    for event in events:  # in order: the last routing decision stands
        outputs = (event.data_after or {}) if event.action == "decision.evaluated" else {}
        if outputs.get("rute"):
            route = outputs["rute"]
        elif outputs.get("unit_tujuan"):
            route = "unit_kerja"
    if route is None:
        return "belum_diputuskan"
    return _FORWARDING_ROUTES.get(route, route)


def _count_steps(data: ReportData, organisation_code: str, period: Period, calendar: WorkingCalendar) -> None:
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
    titles: dict[str, tuple[str, str]] = {}
    hours, working = defaultdict(list), defaultdict(list)
    for done in completed:
        titles.setdefault(done.element_id, (done.detail or done.element_id, done.lane or ""))
        start = created.get(done.engine_task_id)
        if start is None:
            continue
        hours[done.element_id].append((done.occurred_at - start.occurred_at).total_seconds() / 3600)
        working[done.element_id].append(working_days_between(start.occurred_at, done.occurred_at, calendar=calendar))
    done_count = Counter(e.element_id for e in completed)
    met, missed = Counter(), Counter()
    # A deadline policy's escalation is `deadline.escalated`; its timer's `timer.fired`
    # is not counted again. Drawn escalations (older diagrams) only have the timer.
    escalated = {(e.case_id, e.element_id) for e in events if e.action == "deadline.escalated"}
    for event in events:
        if event.action in ("deadline.met", "deadline.missed"):
            titles.setdefault(event.element_id, (event.detail or event.element_id, event.lane or ""))
            (met if event.action == "deadline.met" else missed)[event.element_id] += 1
        elif event.action == "deadline.escalated" or (
                event.action == "timer.fired" and (event.element_id or "").startswith("tenggat_")
                and (event.case_id, event.element_id) not in escalated):
            data.escalations += 1
    data.deadlines_met, data.deadlines_missed = sum(met.values()), sum(missed.values())
    data.steps = sorted(
        (StepFigures(element_id=element, title=title, lane=lane,
                     completed=done_count[element],
                     median_hours=round(median(hours[element]), 1) if hours[element] else None,
                     median_working_days=round(median(working[element]), 2) if working[element] else None,
                     met=met[element], missed=missed[element])
         for element, (title, lane) in titles.items()),
        key=lambda s: (s.lane, s.title),
    )


def open_tasks_with_deadline(*, case_filter, now: datetime) -> list[tuple[TaskIndexEntry, Case]]:
    """Ready tasks with a due time on open cases chosen by `case_filter` (a where clause)."""
    return list(db.session.execute(
        db.select(TaskIndexEntry, Case).join(Case, TaskIndexEntry.case_id == Case.id)
        .where(case_filter, Case.completed.is_(False), TaskIndexEntry.due_at.is_not(None))
        .order_by(TaskIndexEntry.due_at)
    ).tuples())


def _open_tasks(data: ReportData, organisation_code: str, now: datetime, calendar: WorkingCalendar,
                at_risk_days: int) -> None:
    names = {code: name for code, name in db.session.execute(db.select(OrgUnit.code, OrgUnit.name))}
    for entry, case in open_tasks_with_deadline(case_filter=Case.organisation_code == organisation_code, now=now):
        left = calendar.working_days_left(entry.due_at, now=now)
        task = OpenTask(tracking_number=case.tracking_number, step=entry.title, lane=entry.lane,
                        unit=names.get(entry.org_unit, entry.org_unit or ""), due_at=entry.due_at,
                        working_days_left=left, overdue=entry.due_at < now)
        if task.overdue:
            data.overdue.append(task)
        elif left <= at_risk_days:
            data.at_risk.append(task)


def _events(case_ids: list[int], actions: tuple[str, ...]) -> list[AuditEvent]:
    if not case_ids:
        return []
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id.in_(case_ids), AuditEvent.action.in_(actions)).order_by(AuditEvent.id)))


def _sorted(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))
