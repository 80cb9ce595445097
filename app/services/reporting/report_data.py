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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from statistics import median

from flask_babel import lazy_gettext as _l

from app.engine import WorkingCalendar
from app.extensions import db
from app.models import Organisation
from app.services.definitions.statuses import all_statuses
from app.services.organisation.calendar import calendar_for
from app.services.reporting.aggregates import (
    report_case_groups,
    report_open_tasks,
    report_step_counts,
    report_step_durations,
    report_unit_counts,
    urgency_limits,
)

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
# Who receives the report is the organisation's `report_recipient` (as its SOP says: 000/001
# step 9, 004 step 8; set at /admin/instansi); an SOP that names nobody: its head.
DEFAULT_RECIPIENT = "Pimpinan instansi"
_FORWARDING_ROUTES = {"instansi_lain": "diteruskan", "apip": "diteruskan", "admin_nasional": "diteruskan"}


# Told the stage being computed and the percentage done (a report job's progress row).
Progress = Callable[[str, int], None]


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
        raise ReportError(_l("Semester harus 1 (Januari-Juni) atau 2 (Juli-Desember)."))
    if not 2000 <= year <= 2100:
        raise ReportError(_l("Tahun tidak valid."))
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
    return calendar.working_days_between(start, end)


def collect_report(*, organisation_code: str, year: int, semester: int, now: datetime | None = None,
                   at_risk_days: int = AT_RISK_DAYS, progress: Progress | None = None) -> ReportData:
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None or not organisation.hosted:
        raise ReportError(_l(
            "Instansi tidak dikenal atau tidak menjalankan SOP di sini: %(organisation_code)s.",
            organisation_code=organisation_code))
    now = now or datetime.now(timezone.utc)
    calendar = calendar_for(organisation_code)
    period = semester_period(year=year, semester=semester, calendar=calendar)
    if period.start > now:
        raise ReportError(_l("%(label)s belum dimulai.", label=period.label))
    data = ReportData(organisation_code=organisation.code, organisation_name=organisation.name, period=period,
                      recipient=organisation.report_recipient or DEFAULT_RECIPIENT,
                      generated_at=now, zone=organisation.timezone, at_risk_days=at_risk_days)
    progress = progress or (lambda stage, percent: None)
    progress("cases", 10)
    _count_cases(data, organisation_code, period)
    progress("steps", 35)
    _count_steps(data, organisation_code, period, calendar)
    progress("open", 60)
    _open_tasks(data, organisation_code, now, calendar, at_risk_days)
    return data


def _count_cases(data: ReportData, organisation_code: str, period: Period) -> None:
    by_type: Counter[str] = Counter()
    by_route: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    by_unit: Counter[str] = Counter()
    for status, forwarded, decided, jenis, confidential, count in report_case_groups(
            organisation_code=organisation_code, start=period.start, end=period.end):
        by_type[TYPE_LABELS.get(jenis, jenis) if jenis else NO_TYPE] += count
        route = route_from(status=status, forwarded=bool(forwarded), decided=decided)
        by_route[ROUTE_LABELS.get(route, route)] += count
        words = all_statuses().get(status)
        by_status[words.label[0] if words else status] += count
        data.total += count
        if confidential:
            data.confidential += count
    units, unrouted = report_unit_counts(organisation_code=organisation_code, start=period.start, end=period.end)
    for unit, count in units:
        by_unit[unit] += count
    if unrouted:
        by_unit[NO_UNIT] += unrouted
    data.by_type, data.by_route = _sorted(by_type), _sorted(by_route)
    data.by_status, data.by_unit = _sorted(by_status), _sorted(by_unit)


def route_from(*, status: str, forwarded: bool, decided: str | None) -> str:
    """Where a case went (see ROUTE_LABELS), from its status, whether it was handed to
    another agency, and the route of its last routing decision (None: none yet)."""
    if status in NOT_FOLLOWED_UP:
        return "tidak_ditindaklanjuti"
    if forwarded:
        return "diteruskan"
    if decided is None:
        return "belum_diputuskan"
    return _FORWARDING_ROUTES.get(decided, decided)


def _count_steps(data: ReportData, organisation_code: str, period: Period, calendar: WorkingCalendar) -> None:
    steps = report_step_counts(organisation_code=organisation_code, start=period.start, end=period.end)
    hours, working = defaultdict(list), defaultdict(list)
    for element, created_at, completed_at in report_step_durations(
            organisation_code=organisation_code, start=period.start, end=period.end):
        hours[element].append((completed_at - created_at).total_seconds() / 3600)
        working[element].append(calendar.working_days_between(created_at, completed_at))
    counts = steps["counts"]
    data.escalations = steps["escalations"]
    data.deadlines_met = sum(c.get("deadline.met", 0) for c in counts.values())
    data.deadlines_missed = sum(c.get("deadline.missed", 0) for c in counts.values())
    data.steps = sorted(
        (StepFigures(element_id=element, title=title, lane=lane,
                     completed=counts.get(element, {}).get("completed", 0),
                     median_hours=round(median(hours[element]), 1) if hours[element] else None,
                     median_working_days=round(median(working[element]), 2) if working[element] else None,
                     met=counts.get(element, {}).get("deadline.met", 0),
                     missed=counts.get(element, {}).get("deadline.missed", 0))
         for element, (title, lane) in steps["titles"].items()),
        key=lambda s: (s.lane, s.title),
    )


def _open_tasks(data: ReportData, organisation_code: str, now: datetime, calendar: WorkingCalendar,
                at_risk_days: int) -> None:
    limits = urgency_limits(now=now, days=at_risk_days, organisation_codes=[organisation_code])
    rows = report_open_tasks(organisation_code=organisation_code, limits=limits)
    left = calendar.working_days_left_by_day((due.astimezone(calendar.zone).date() for *_, due in rows), now=now)
    for tracking_number, step, lane, unit, due_at in rows:
        task = OpenTask(tracking_number=tracking_number, step=step, lane=lane, unit=unit, due_at=due_at,
                        working_days_left=left[due_at.astimezone(calendar.zone).date()], overdue=due_at < now)
        (data.overdue if task.overdue else data.at_risk).append(task)


def _sorted(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))
