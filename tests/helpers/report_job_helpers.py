"""Waiting for reports made in the background (a thread of the test's app, or a worker)."""
import time

from app.extensions import db
from app.models import PeriodicReport, ReportJob


def wait_for_reports(count: int, *, timeout: float = 60) -> list[PeriodicReport]:
    """The stored reports once there are `count` and no job is still queued or running."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # a fresh snapshot each round
        reports = list(db.session.scalars(db.select(PeriodicReport).order_by(PeriodicReport.id)))
        busy = db.session.scalar(db.select(db.func.count()).where(ReportJob.status.in_(("queued", "running"))))
        if len(reports) >= count and not busy:
            return reports
        if time.monotonic() > deadline:
            jobs = [(j.status, j.stage, j.error) for j in db.session.scalars(db.select(ReportJob))]
            raise AssertionError(f"{len(reports)} reports after {timeout} s; jobs: {jobs}")
        time.sleep(0.1)
