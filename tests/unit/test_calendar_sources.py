"""Where a day off comes from: the government calendar (the `holidays` package: national
holidays and cuti bersama), the administrator's additions, and the package days the
administrator marks "not a holiday"; and every process seeing a change at once."""
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import AuditEvent
from app.services.organisation.calendar import CalendarError, add_holiday, calendar_for, remove_holiday
from app.services.organisation.organisations import ensure_known_organisations

ROOT = Path(__file__).resolve().parents[2]
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def organisations(app_context):
    ensure_known_organisations()


def _due(organisation: str | None, received: str, days: int) -> str:
    return calendar_for(organisation).add_working_days(datetime.fromisoformat(received).replace(tzinfo=WIB),
                                                       days).isoformat()


def test_cuti_bersama_marked_not_a_holiday_is_worked_again(organisations):
    # Thu 24 Dec 2026 is cuti bersama Natal in the package: Wed 23 + 1 working day skips
    # it and Christmas (Fri 25) to Monday 28.
    assert _due("bsn", "2026-12-23T10:00", 1) == "2026-12-28T23:59:59+07:00"
    marked = add_holiday(day=date(2026, 12, 24), name="Layanan pengaduan tetap buka", kind="bukan_libur",
                         organisation_code=None, actor="sysadmin")
    assert _due("bsn", "2026-12-23T10:00", 1) == "2026-12-24T23:59:59+07:00"
    assert _due("katingan", "2026-12-23T10:00", 1) == "2026-12-24T23:59:59+07:00"
    remove_holiday(holiday_id=marked.id, actor="sysadmin")
    assert _due("bsn", "2026-12-23T10:00", 1) == "2026-12-28T23:59:59+07:00"
    actions = list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("calendar.%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["calendar.not_a_holiday", "calendar.holiday_removed"]


def test_one_organisation_works_a_national_holiday_the_others_do_not(organisations):
    # Mon 17 Aug 2026, Independence Day: Katingan marks it a working day for itself only.
    add_holiday(day=date(2026, 8, 17), name="Piket pengaduan", kind="bukan_libur",
                organisation_code="katingan", actor="sysadmin")
    assert _due("katingan", "2026-08-14T10:00", 1) == "2026-08-17T23:59:59+07:00"
    assert _due("bsn", "2026-08-14T10:00", 1) == "2026-08-18T23:59:59+07:00"


def test_only_a_listed_day_with_a_reason_can_be_marked(organisations):
    with pytest.raises(CalendarError, match="2026-12-23 bukan libur nasional atau cuti bersama"):
        add_holiday(day=date(2026, 12, 23), name="x", kind="bukan_libur", organisation_code=None, actor="sysadmin")
    with pytest.raises(CalendarError, match="Alasan wajib diisi"):
        add_holiday(day=date(2026, 12, 24), name="  ", kind="bukan_libur", organisation_code=None, actor="sysadmin")
    with pytest.raises(CalendarError, match="Jenis harus salah satu dari: Cuti bersama"):
        add_holiday(day=date(2026, 12, 24), name="x", kind="libur", organisation_code=None, actor="sysadmin")
    assert _due("bsn", "2026-12-23T10:00", 1) == "2026-12-28T23:59:59+07:00"


@pytest.mark.committed
def test_a_change_made_by_another_process_counts_from_the_next_transaction(app, organisations):
    """gunicorn runs several workers and Celery more: the administrator's change reaches
    every one of them, not 60 seconds later."""
    assert _due("bsn", "2026-11-24T10:00", 1) == "2026-11-25T23:59:59+07:00"
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-only",
           "DUMAS_TIMERS": "off"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "calendar", "add", "--date", "2026-11-25",
                    "--name", "Cuti bersama", "--kind", "cuti_bersama"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=60)
    db.session.rollback()  # this process's next transaction, as the next request would be
    assert _due("bsn", "2026-11-24T10:00", 1) == "2026-11-26T23:59:59+07:00"


def test_a_calendar_is_built_once_until_the_calendar_changes(organisations):
    first = calendar_for("bsn")
    db.session.commit()
    assert calendar_for("bsn") is first  # a new transaction, nothing changed: the same calendar
    add_holiday(day=date(2026, 11, 25), name="Cuti", kind="cuti_bersama", organisation_code=None, actor="sysadmin")
    assert calendar_for("bsn") is not first and date(2026, 11, 25) in calendar_for("bsn").days_off(2026)
