from celery import shared_task

from app.extensions import db
from app.services.reporting.report_jobs import run_report_job
from app.services.reporting.reports import generate_due_reports


@shared_task(ignore_result=True)
def generate_semester_reports() -> int:
    """Run by beat every hour: the report of the semester that ended last, once per
    organisation (the stored report's schedule key makes a second run a no-op)."""
    try:
        return len(generate_due_reports())
    finally:
        db.session.remove()


@shared_task(ignore_result=True, acks_late=True)
def make_report(job_id: int) -> int | None:
    """A report asked for on /laporan (app/services/reporting/report_jobs.py). Delivered twice, it
    is made once: the second run finds the job no longer queued."""
    try:
        return run_report_job(job_id=job_id)
    finally:
        db.session.remove()
