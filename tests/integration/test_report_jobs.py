"""A report asked for on /laporan is made in the background: the page answers at once,
shows the job's progress and reloads itself until the stored report is there; a second
request for the same semester joins the first. In the embedded default a thread makes
it; with REDIS_URL, a real Celery worker (the production shape)."""
import os
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.models import AuditEvent, PeriodicReport, ReportJob
from app.services.organisation.calendar import calendar_for
from app.services.reporting.report_jobs import run_report_job
from tests.helpers.report_job_helpers import wait_for_reports

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _this_semester() -> tuple[int, int]:
    local = datetime.now(timezone.utc).astimezone(calendar_for("bsn").zone)
    return local.year, 1 if local.month <= 6 else 2


def _ask(client, year, semester):
    return client.post("/laporan", data={"organisation": "bsn", "year": year, "semester": semester})


def test_the_page_shows_the_progress_until_the_report_is_stored(app, every_staff, client, auth):
    app.config["DUMAS_REPORTS"] = "off"  # nobody makes it until the test does
    year, semester = _this_semester()
    auth.login("kepalabsn")
    response = _ask(client, year, semester)
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "sedang dibuat; halaman ini diperbarui sendiri" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'data-status="queued"' in page and "menunggu giliran" in page
    # Asked again while it waits: the same job, not a second report.
    _ask(client, year, semester)
    [job] = db.session.scalars(db.select(ReportJob)).all()
    assert (job.requested_by, job.progress) == ("kepalabsn", 0)

    assert run_report_job(job_id=job.id) is not None
    assert run_report_job(job_id=job.id) is None  # delivered twice, made once
    page = client.get("/laporan").get_data(as_text=True)
    [report] = db.session.scalars(db.select(PeriodicReport)).all()
    assert f"/laporan/{report.id}.pdf" in page
    assert 'http-equiv="refresh"' not in page and 'id="report-jobs"' not in page
    db.session.expire_all()
    assert (job.status, job.progress, job.report_id) == ("done", 100, report.id)
    assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "report.generated")) == 1


@pytest.mark.committed
def test_in_the_embedded_default_a_thread_makes_it(app, every_staff, client, auth):
    assert app.config["DUMAS_REPORTS"] == "thread"
    year, semester = _this_semester()
    auth.login("kepala")
    assert _ask(client, year, semester).status_code == 303
    [report] = wait_for_reports(1)
    assert report.generated_by == "kepala"
    assert client.get(f"/laporan/{report.id}.xlsx").status_code == 200


def test_a_refused_request_makes_no_job(app, every_staff, client, auth):
    year, _ = _this_semester()
    auth.login("kepalabsn")
    page = _ask(client, year + 1, 1)
    assert page.status_code == 200 and f"Semester I {year + 1} belum dimulai." in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ReportJob.id))) == 0


@pytest.mark.committed
@pytest.mark.slow_celery
def test_with_redis_a_celery_worker_makes_it(app, every_staff, database_url):
    queue = f"dumas-test-{uuid.uuid4().hex[:8]}"
    web = create_app({**app.config, "DUMAS_REPORTS": "celery",
                      "CELERY": {**app.config["CELERY"], "broker_url": REDIS_URL, "task_default_queue": queue}})
    client = web.test_client()
    client.post("/masuk", data={"username": "kepalabsn", "password": "dumas-demo"})
    year, semester = _this_semester()
    db.session.remove()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "test-only",
           "DUMAS_CELERY_QUEUE": queue, "DUMAS_TIMERS": "off"}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "app.celery_worker", "worker", "--pool=solo",
                               "--loglevel=warning"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        assert client.post("/laporan", data={"organisation": "bsn", "year": year, "semester": semester}
                           ).status_code == 303
        [report] = wait_for_reports(1, timeout=90)
    finally:
        worker.terminate()
        logs = worker.communicate(timeout=20)[0]
    assert report.generated_by == "kepalabsn", logs
    assert db.session.scalars(db.select(ReportJob)).one().status == "done"
