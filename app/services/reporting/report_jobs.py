"""Reports asked for on /laporan, made in the background: the request is checked and
recorded at once (a report job), the figures and files are made by a Celery task (a
thread in the embedded default, app/background.py), and the page reads the job's
progress until the stored report is there to download. A second request for the same
organisation and semester while one is being made joins that one."""
from datetime import datetime, timedelta, timezone
from typing import cast

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, update

from app.extensions import db
from app.models import Organisation, ReportJob, User
from app.services.organisation.calendar import calendar_for
from app.services.reporting.report_data import ReportError, semester_period
from app.services.reporting.reports import check_allowed, generate_report

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {QUEUED: _l("menunggu giliran"), RUNNING: _l("sedang dibuat"), DONE: _l("selesai"),
                 FAILED: _l("gagal")}
STAGE_LABELS = {
    "": _l("menunggu"),
    "cases": _l("menghitung kasus yang diterima"),
    "steps": _l("menghitung waktu tiap langkah dan batas waktu"),
    "open": _l("memeriksa tugas terbuka"),
    "files": _l("menyusun PDF, CSV dan XLSX"),
    "stored": _l("tersimpan"),
}
# How long a failed job stays on the page, so whoever asked reads why.
FAILED_SHOWN = timedelta(days=1)
# A job still queued or running after this was lost with its process (a restart while a
# thread made it): it is no longer shown as in progress, and a new request starts afresh.
ABANDONED_AFTER = timedelta(hours=1)


def request_report(*, user: User, organisation_code: str, year: int, semester: int,
                   now: datetime | None = None) -> ReportJob:
    """Check the request as making the report would (ReportError with the reason), and
    record it; commits. The caller starts the job (app/background.py, start_report_job)."""
    now = now or datetime.now(timezone.utc)
    check_allowed(user, organisation_code)
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None or not organisation.hosted:
        raise ReportError(_l(
            "Instansi tidak dikenal atau tidak menjalankan SOP di sini: %(organisation_code)s.",
            organisation_code=organisation_code))
    period = semester_period(year=year, semester=semester, calendar=calendar_for(organisation_code))
    if period.start > now:
        raise ReportError(_l("%(label)s belum dimulai.", label=period.label))
    running = db.session.scalars(db.select(ReportJob).where(
        ReportJob.organisation_code == organisation_code, ReportJob.year == year, ReportJob.semester == semester,
        ReportJob.status.in_((QUEUED, RUNNING)), ReportJob.requested_at > now - ABANDONED_AFTER)).first()
    if running is not None:
        return running
    job = ReportJob(organisation_code=organisation_code, year=year, semester=semester,
                    requested_by=user.username, requested_at=now, status=QUEUED, progress=0, stage="")
    db.session.add(job)
    db.session.commit()
    return job


def _progress(job_id: int, *, status: str, progress: int, stage: str, **values) -> None:
    # Committed on its own, between stages, so the page sees it while the report is made:
    # the one exception to one commit per task, and it writes only the job's row.
    db.session.execute(update(ReportJob).where(ReportJob.id == job_id)
                       .values(status=status, progress=progress, stage=stage, **values))
    db.session.commit()


def run_report_job(*, job_id: int, now: datetime | None = None) -> int | None:
    """Make the job's report and store it; the stored report's id, or None if the job is
    unknown, already taken, or failed (the reason is kept on the job)."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status != QUEUED:
        return None
    # Taken by one runner only: a task delivered twice finds it no longer queued.
    taken = cast(CursorResult, db.session.execute(update(ReportJob).where(ReportJob.id == job_id, ReportJob.status == QUEUED)
                               .values(status=RUNNING, stage="cases", progress=5)))
    db.session.commit()
    if taken.rowcount != 1:
        return None
    job = db.session.get_one(ReportJob, job_id)

    def stage(name: str, percent: int) -> None:
        _progress(job_id, status=RUNNING, progress=percent, stage=name)

    try:
        report = generate_report(organisation_code=job.organisation_code, year=job.year, semester=job.semester,
                                 actor=job.requested_by, now=now, progress=stage)
    except Exception as exc:
        db.session.rollback()
        # Stored in Indonesian, the source language: the page translates it when it shows it.
        with force_locale("id"):
            message = str(exc) if isinstance(exc, ReportError) else str(_l("Terjadi kesalahan saat membuat laporan."))
        _progress(job_id, status=FAILED, progress=100, stage="", error=message,
                  finished_at=datetime.now(timezone.utc))
        if not isinstance(exc, ReportError):
            raise
        return None
    _progress(job_id, status=DONE, progress=100, stage="stored", report_id=report.id,
              finished_at=datetime.now(timezone.utc))
    return report.id


def jobs_shown(*, user: User, organisation_code: str, now: datetime | None = None) -> list[ReportJob]:
    """The organisation's reports being made, and those that failed lately, newest first."""
    check_allowed(user, organisation_code)
    now = now or datetime.now(timezone.utc)
    return list(db.session.scalars(db.select(ReportJob).where(
        ReportJob.organisation_code == organisation_code,
        (ReportJob.status.in_((QUEUED, RUNNING)) & (ReportJob.requested_at > now - ABANDONED_AFTER))
        | ((ReportJob.status == FAILED) & (ReportJob.finished_at > now - FAILED_SHOWN)),
    ).order_by(ReportJob.id.desc())))

