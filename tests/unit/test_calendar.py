"""The working-day calendar an administrator keeps: cuti bersama for everyone, regional
holidays for one organisation, each organisation's working week and time zone."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import AuditEvent
from app.services.organisation.calendar import (
    CalendarError,
    add_holiday,
    calendar_for,
    remove_holiday,
    set_working_week,
)
from app.services.organisation.organisations import ensure_known_organisations

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def organisations(app_context):
    ensure_known_organisations()


def _due(organisation: str | None, received: str, days: int) -> str:
    start = datetime.fromisoformat(received).replace(tzinfo=WIB)
    return calendar_for(organisation).add_working_days(start, days).isoformat()


def test_a_cuti_bersama_block_is_skipped_by_every_organisation(organisations):
    # Nyepi Thu 19 March 2026, Idul Fitri Sat-Sun 21-22 March (national holidays);
    # cuti bersama Fri 20, Mon 23 and Tue 24 March.
    for day in (20, 23, 24):
        add_holiday(day=date(2026, 3, day), name="Cuti bersama Idul Fitri", kind="cuti_bersama",
                    organisation_code=None, actor="sysadmin")
    # Received Wed 18 March: the first working day after it is Wednesday 25 March.
    assert _due("bsn", "2026-03-18T10:00", 1) == "2026-03-25T23:59:59+07:00"
    assert _due("katingan", "2026-03-18T10:00", 1) == "2026-03-25T23:59:59+07:00"


def test_a_regional_holiday_counts_for_its_organisation_only(organisations):
    add_holiday(day=date(2026, 11, 24), name="Hari jadi Kabupaten Katingan", kind="daerah",
                organisation_code="katingan", actor="sysadmin")
    assert _due("katingan", "2026-11-23T09:00", 1) == "2026-11-25T23:59:59+07:00"
    assert _due("bsn", "2026-11-23T09:00", 1) == "2026-11-24T23:59:59+07:00"
    with pytest.raises(CalendarError, match="satu instansi"):
        add_holiday(day=date(2026, 11, 25), name="x", kind="daerah", organisation_code=None, actor="sysadmin")


def test_an_organisation_in_wita_with_a_six_day_week(organisations):
    set_working_week(organisation_code="bps-kaltim", weekdays=[0, 1, 2, 3, 4, 5], actor="sysadmin")
    # Friday 6 Nov 2026 + 1 working day: Saturday, at the end of the day in WITA (UTC+8).
    assert _due("bps-kaltim", "2026-11-06T10:00", 1) == "2026-11-07T23:59:59+08:00"


def test_calendar_changes_are_audited_and_can_be_undone(organisations):
    # Thu 31 Dec 2026, a day the package does not list (24 Dec, used here before, is
    # cuti bersama in the package's government category and off anyway).
    holiday = add_holiday(day=date(2026, 12, 31), name="Cuti bersama tahun baru", kind="cuti_bersama",
                          organisation_code=None, actor="sysadmin")
    # Wed 30 Dec + 1: Thu 31 added, Fri 1 Jan New Year's Day, the weekend: Monday 4 January.
    assert _due("bsn", "2026-12-30T10:00", 1) == "2027-01-04T23:59:59+07:00"
    with pytest.raises(CalendarError, match="sudah tercatat"):
        add_holiday(day=date(2026, 12, 31), name="lagi", kind="cuti_bersama", organisation_code=None, actor="x")
    remove_holiday(holiday_id=holiday.id, actor="sysadmin")
    assert _due("bsn", "2026-12-30T10:00", 1) == "2026-12-31T23:59:59+07:00"
    actions = list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("calendar.%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["calendar.holiday_added", "calendar.holiday_removed"]
