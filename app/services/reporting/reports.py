"""Half-yearly reports: made on demand by the organisation's heads, or once by the
schedule after each semester ends; stored with their PDF, CSV and XLSX, and audited.

Who may make and read them: the system administrator, and within their own organisation
(a user with no organisation: every one) the lanes that receive or compile the report in
the SOPs, below. The figures: app/services/reporting/report_data.py; the files: report_files.py."""
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Organisation, PeriodicReport, User
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.organisation.access import NotAllowed
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE
from app.services.organisation.calendar import calendar_for
from app.services.reporting.report_data import AT_RISK_DAYS, Progress, ReportError, collect_report
from app.services.reporting.report_files import report_csv, report_pdf, report_xlsx

__all__ = ["ReportError", "check_allowed", "generate_report", "generate_due_reports", "previous_semester", "report_for",
           "report_organisations", "reports_of"]

# Who compiles or receives an organisation's report is its `report_lanes`, data set at
# /admin/instansi/<code> (shipped, seed/organisations.json: SOP 000 Kepala BSN receives it,
# Kepala Inspektorat and the admin compile it; SOP 001 the Inspektur receives it from the
# Sekretariat; SOP 002/003 the officers who manage complaints; SOP 004 the report writer,
# the Kepala Bidang, the Asdep and the Deputi). The system administrator reads them all.


def may_read_reports(user: User) -> bool:
    return bool(report_organisations(user))


def report_organisations(user: User) -> list[Organisation]:
    """The hosted organisations whose reports `user` may make and read: those of the user's
    organisation (any, for a national account) that name one of the user's roles among
    their report lanes."""
    query = db.select(Organisation).where(Organisation.process_key.is_not(None)).order_by(Organisation.name)
    if user.organisation_code is not None:
        query = query.where(Organisation.code == user.organisation_code)
    organisations = list(db.session.scalars(query))
    if SYSTEM_ADMIN_ROLE in user.role_names:
        return organisations
    return [o for o in organisations if user.role_names & set(o.report_lanes or [])]


def check_allowed(user: User, organisation_code: str) -> None:
    if organisation_code not in {o.code for o in report_organisations(user)}:
        raise NotAllowed(_l("Laporan tidak ditemukan."))


def reports_of(*, user: User, organisation_code: str) -> list[PeriodicReport]:
    check_allowed(user, organisation_code)
    return list(db.session.scalars(
        db.select(PeriodicReport).where(PeriodicReport.organisation_code == organisation_code)
        .order_by(PeriodicReport.year.desc(), PeriodicReport.semester.desc(), PeriodicReport.id.desc())))


def report_for(*, user: User, report_id: int) -> PeriodicReport:
    report = db.session.get(PeriodicReport, report_id)
    if report is None:
        raise NotAllowed(_l("Laporan tidak ditemukan."))
    check_allowed(user, report.organisation_code)
    return report


def generate_report(*, organisation_code: str, year: int, semester: int, actor: str, user: User | None = None,
                    now: datetime | None = None, schedule_key: str | None = None,
                    at_risk_days: int = AT_RISK_DAYS, progress: Progress | None = None) -> PeriodicReport:
    """Compute, render and store one report, audited; commits. `user` (on demand) must be
    allowed for the organisation; the CLI and the schedule pass none. `progress(stage,
    percent)` is told as each stage begins (app/services/reporting/report_jobs.py)."""
    if user is not None:
        check_allowed(user, organisation_code)
    data = collect_report(organisation_code=organisation_code, year=year, semester=semester, now=now,
                          at_risk_days=at_risk_days, progress=progress)
    if progress:
        progress("files", 75)
    report = PeriodicReport(
        organisation_code=organisation_code, year=year, semester=semester, generated_by=actor,
        generated_at=data.generated_at, schedule_key=schedule_key, summary=data.summary(),
        pdf=report_pdf(data), csv=report_csv(data), xlsx=report_xlsx(data),
    )
    db.session.add(report)
    db.session.flush()
    record_event(case=None, action="report.generated", actor=actor,
                 data_after={"report_id": report.id, "organisation": organisation_code, "year": year,
                             "semester": semester, "scheduled": schedule_key is not None, **data.summary()},
                 detail=f"Laporan semesteran {organisation_code} {data.period.label}")
    db.session.commit()
    return report


def previous_semester(now: datetime | None = None, *, organisation_code: str) -> tuple[int, int]:
    """The last semester that has ended at `now` (by default the project clock's) in the
    organisation's zone: what the schedule makes and what the report form offers first."""
    now = now or datetime.fromtimestamp(clock.now(), timezone.utc)
    local = now.astimezone(calendar_for(organisation_code).zone)
    return (local.year - 1, 2) if local.month <= 6 else (local.year, 1)


def generate_due_reports(*, now: datetime | None = None) -> list[PeriodicReport]:
    """The schedule: for every hosted organisation, make the report of the semester that
    ended last, unless it was made by the schedule already. Cheap when there is nothing to
    do (one query), so the embedded thread may call it often. Two callers at once: the
    unique schedule key lets one store it; the other's work is rolled back."""
    now = now or datetime.now(timezone.utc)
    made = []
    organisations = list(db.session.scalars(db.select(Organisation).where(Organisation.process_key.is_not(None))))
    wanted = {}
    for organisation in organisations:
        year, semester = previous_semester(now, organisation_code=organisation.code)
        wanted[f"{organisation.code}:{year}:{semester}"] = (organisation.code, year, semester)
    done = set(db.session.scalars(db.select(PeriodicReport.schedule_key).where(
        PeriodicReport.schedule_key.in_(list(wanted)))))
    db.session.rollback()  # end the read before the (slow) generation
    for key in sorted(set(wanted) - done):
        code, year, semester = wanted[key]
        try:
            made.append(generate_report(organisation_code=code, year=year, semester=semester, actor=SYSTEM_ACTOR,
                                        now=now, schedule_key=key))
        except IntegrityError:  # another sweeper stored it first
            db.session.rollback()
    return made
