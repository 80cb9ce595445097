"""The SLA dashboard and the semester report, now counted in SQL, give the figures the
old case-by-case Python computation gave (tests/helpers/aggregates_oracle.py), on a
varied set: cases of two organisations at every step, extra open tasks with deadlines
spread over weekends and holidays, tasks of known, unknown and no unit, routing and
forwarding decisions, confidential reports, a Plt. delegation, and several viewers,
moments and at-risk windows."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from app.engine import WorkingCalendar
from app.extensions import db
from app.models import Case, CaseUnit, Complaint, Organisation, TaskIndexEntry
from app.services.administration.demo import DEMO_PASSWORD
from app.services.audit_trail.audit import record_event
from app.services.definitions.references import FORWARDED
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from app.services.organisation.calendar import add_holiday, calendar_for
from app.services.organisation.delegations import create_delegation
from app.services.reporting.report_data import collect_report
from app.services.reporting.sla import dashboard
from tests.helpers.aggregates_oracle import _old_working_days_between, old_dashboard, old_report
from tests.helpers.complaints import file_complaint
from tests.helpers.reports_scenario import build_scenario

STEPS = [("tugas_a", "Langkah A", "Kepala Inspektorat", None), ("tugas_b", "Langkah B", "Unit Eselon II", "bsn-dpspk"),
         ("tugas_c", "Langkah C", "Unit Eselon II", "bsn-akreditasi"), ("tugas_d", "Langkah D", "Unit Eselon II",
                                                                       "unit-yang-tidak-dikenal")]


def _vary(now: datetime) -> None:
    for jenis, confidentiality in (("aspirasi", "rahasia"), ("pengaduan", "biasa"), ("permintaan_informasi", "rahasia")):
        case = file_complaint(jenis=jenis)
        db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one().confidentiality = confidentiality
    db.session.commit()
    # Days off that change the arithmetic: one for everyone, one for Katingan only.
    local = now.astimezone(calendar_for("bsn").zone).date()
    add_holiday(day=local + timedelta(days=2), name="Uji cuti", kind="cuti_bersama", organisation_code=None, actor="uji")
    add_holiday(day=local + timedelta(days=1), name="Uji daerah", kind="daerah", organisation_code="katingan",
                actor="uji")
    cases = list(db.session.scalars(db.select(Case).order_by(Case.id)))
    for n, case in enumerate(cases):
        routes = [{"rute": "apip"}, {"unit_tujuan": "bsn-akreditasi"}, {"rute": ""}, {"rute": "pengawasan"}]
        record_event(case=case, action="decision.evaluated", actor="uji", data_after=routes[n % 4])
        if n % 5 == 2:
            record_event(case=case, action=FORWARDED, actor="uji", data_after={"kind": "penerusan"})
        if n % 3 == 0:
            db.session.merge(CaseUnit(case_id=case.id, unit_code="bsn-akreditasi" if n % 2 else "bsn-dpspk"))
        if case.completed:
            continue
        for k in range(9):
            element, title, lane, unit = STEPS[(n + k) % len(STEPS)]
            due = None if k == 8 else now + timedelta(hours=-30 + 17 * k + 5 * n)
            db.session.add(TaskIndexEntry(case_id=case.id, organisation_code=case.organisation_code,
                                          process_key=case.process_version.definition.key,
                                          engine_task_id=str(uuid.uuid4()), element_id=element,
                                          title=title, lane=lane, role=lane, org_unit=unit, due_at=due))
    db.session.commit()


@pytest.fixture
def varied(every_staff):
    build_scenario()
    now = datetime.now(timezone.utc)
    _vary(now)
    ensure_system_roles()
    every_staff["sysadmin"] = create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    create_delegation(absent="unit.dpspk", acting="unit.akreditasi", starts_at=now - timedelta(hours=1),
                      ends_at=now + timedelta(days=3), reason="cuti", actor=None)
    return every_staff, now


def _new_dashboard(user, now, days) -> dict:
    board = dashboard(user=user, now=now, at_risk_days=days)
    by_name = {o.name: o.code for o in db.session.scalars(db.select(Organisation))}
    assert board.urgent_total == len(board.urgent)  # fewer than the page's cut
    return {
        "rows": {(by_name.get(r.organisation), r.lane, r.element_id): (r.open, r.at_risk, r.overdue) for r in board.rows},
        "cases": (board.open_cases, board.at_risk_cases, board.overdue_cases),
        "urgent": sorted((t.tracking_number, t.step, t.due_at, t.overdue, t.unit) for t in board.urgent),
    }


@pytest.mark.parametrize("username", ["kepala", "unit.dpspk", "unit.akreditasi", "katingan.inspektur", "sysadmin"])
def test_the_dashboard_in_sql_counts_what_the_python_loop_counted(varied, username):
    staff, now = varied
    user = staff[username]
    for moment in (now, now + timedelta(days=2, hours=7), now - timedelta(days=1)):
        for days in (0, 3, 10):
            old = old_dashboard(user=user, now=moment, at_risk_days=days)
            assert _new_dashboard(user, moment, days) == old, (username, moment, days)
            assert old["cases"][0] > 0


@pytest.mark.parametrize("organisation", ["bsn", "katingan"])
def test_the_report_in_sql_counts_what_the_python_loop_counted(varied, organisation):
    _, now = varied
    local = now.astimezone(calendar_for(organisation).zone)
    year, semester = local.year, 1 if local.month <= 6 else 2
    for moment, days in ((now, 3), (now + timedelta(days=2), 0), (now + timedelta(days=1), 10)):
        old = old_report(organisation_code=organisation, year=year, semester=semester, now=moment, at_risk_days=days)
        data = collect_report(organisation_code=organisation, year=year, semester=semester, now=moment,
                              at_risk_days=days)
        new = {
            "total": data.total, "confidential": data.confidential, "by_type": data.by_type,
            "by_route": data.by_route, "by_status": data.by_status, "by_unit": data.by_unit,
            "deadlines_met": data.deadlines_met, "deadlines_missed": data.deadlines_missed,
            "escalations": data.escalations,
            "steps": [(s.element_id, s.title, s.lane, s.completed, s.median_hours, s.median_working_days, s.met,
                       s.missed) for s in data.steps],
            "at_risk": sorted(((t.tracking_number, t.step, t.lane, t.unit, t.due_at, t.working_days_left)
                               for t in data.at_risk), key=str),
            "overdue": sorted(((t.tracking_number, t.step, t.lane, t.unit, t.due_at, t.working_days_left)
                               for t in data.overdue), key=str),
        }
        assert new == old, (organisation, moment, days)
    if organisation == "bsn":
        assert data.total >= 9 and data.confidential == 3 and data.overdue and len(data.by_route) >= 3


def test_working_days_between_by_the_years_list_equals_the_day_by_day_walk():
    import random
    from zoneinfo import ZoneInfo

    rnd = random.Random(15)
    for zone in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"):
        calendar = WorkingCalendar(zone=ZoneInfo(zone), extra_holidays=frozenset({date(2026, 12, 24)}),
                                   working_weekdays=frozenset({0, 1, 2, 3, 4, 5}) if zone == "Asia/Makassar"
                                   else frozenset(range(5)))
        base = datetime(2025, 12, 1, tzinfo=timezone.utc)
        for _ in range(500):
            start = base + timedelta(seconds=rnd.randrange(400 * 86400))
            end = start + timedelta(seconds=rnd.randrange(rnd.choice([3600, 3 * 86400, 60 * 86400, 400 * 86400])))
            assert calendar.working_days_between(start, end) == pytest.approx(
                _old_working_days_between(start, end, calendar=calendar), abs=1e-9)
            threshold = calendar.at_risk_until(now=start, days=3)
            due = start + timedelta(seconds=rnd.randrange(12 * 86400))
            assert (calendar.working_days_left(due, now=start) <= 3) == (due < threshold)
