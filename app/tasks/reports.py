from celery import shared_task

from app.extensions import db
from app.services.reports import generate_due_reports


@shared_task(ignore_result=True)
def generate_semester_reports() -> int:
    """Run by beat every hour: the report of the semester that ended last, once per
    organisation (the stored report's schedule key makes a second run a no-op)."""
    try:
        return len(generate_due_reports())
    finally:
        db.session.remove()
