"""The scheduled half-yearly reports: made once per organisation after each semester ends,
by beat in the scaled-out shape and by a sibling of the timer sweeper in the embedded one."""
import time
from datetime import datetime, timezone

import pytest

from app.background import start_report_thread
from app.extensions import db
from app.models import AuditEvent, Organisation, PeriodicReport
from app.services.reporting.reports import generate_due_reports


def _scheduled() -> list[tuple[str, int, int]]:
    db.session.expire_all()
    return sorted(db.session.execute(db.select(PeriodicReport.organisation_code, PeriodicReport.year,
                                               PeriodicReport.semester).where(PeriodicReport.schedule_key.is_not(None)))
                  .tuples())


def _hosted() -> list[str]:
    return sorted(db.session.scalars(db.select(Organisation.code).where(Organisation.process_key.is_not(None))))


def test_each_semester_is_generated_once_per_organisation(sop_models):
    hosted = _hosted()
    early_july = datetime(2026, 7, 2, 3, 0, tzinfo=timezone.utc)
    made = generate_due_reports(now=early_july)
    assert sorted(r.organisation_code for r in made) == hosted
    assert _scheduled() == [(code, 2026, 1) for code in hosted]

    assert generate_due_reports(now=early_july) == []  # the next hour's run
    assert generate_due_reports(now=datetime(2026, 12, 31, 3, 0, tzinfo=timezone.utc)) == []  # still semester II

    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)  # 08:00 WIB, 09:00 WITA: 2027 everywhere
    assert len(generate_due_reports(now=new_year)) == len(hosted)
    assert _scheduled() == sorted([(code, 2026, 1) for code in hosted] + [(code, 2026, 2) for code in hosted])
    generated = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "report.generated")).all()
    assert len(generated) == 2 * len(hosted)
    assert {(e.actor, e.data_after["scheduled"]) for e in generated} == {("sistem", True)}


def test_the_semester_ends_in_the_organisations_own_zone(sop_models):
    """30 June 16:30 UTC is already 1 July in Makassar (WITA) but still June in Jakarta."""
    made = generate_due_reports(now=datetime(2026, 6, 30, 16, 30, tzinfo=timezone.utc))
    by_code = {r.organisation_code: (r.year, r.semester) for r in made}
    assert by_code["bps-kaltim"] == (2026, 1)
    assert by_code["bsn"] == (2025, 2)


def test_an_on_demand_report_does_not_stand_in_for_the_scheduled_one(sop_models):
    from app.services.reporting.reports import generate_report

    generate_report(organisation_code="bsn", year=2026, semester=1, actor="kepalabsn",
                    now=datetime(2026, 7, 1, 3, 0, tzinfo=timezone.utc))
    made = generate_due_reports(now=datetime(2026, 7, 2, 3, 0, tzinfo=timezone.utc))
    assert "bsn" in {r.organisation_code for r in made}


@pytest.mark.committed
def test_the_embedded_thread_generates_last_semesters_reports_once(app, sop_models):
    hosted = _hosted()
    db.session.remove()
    stop = start_report_thread(app, interval=0.2)
    try:
        deadline = time.monotonic() + 60
        while len(_scheduled()) < len(hosted) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # several more checks: none may add a report
    finally:
        stop()
    scheduled = _scheduled()
    assert len(scheduled) == len(hosted)
    assert sorted(code for code, _, _ in scheduled) == hosted


def test_beat_runs_the_schedule(app):
    entry = app.config["CELERY"]["beat_schedule"]["semester-reports"]
    assert entry["task"] == "app.tasks.reports.generate_semester_reports"
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    assert "app.tasks.reports.generate_semester_reports" in celery.tasks
