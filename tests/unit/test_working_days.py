"""'n hari kerja': counted from the day after receipt, due at the end of the nth working
day, skipping weekends, national holidays and cuti bersama."""
from datetime import datetime
from zoneinfo import ZoneInfo

from app.engine.scripts import add_working_days

WIB = ZoneInfo("Asia/Jakarta")


def _due(received: str, days: int) -> str:
    return add_working_days(datetime.fromisoformat(received).replace(tzinfo=WIB), days).isoformat()


def test_counting_starts_the_day_after_receipt():
    # Monday 2 Nov 2026, any hour: 1 working day is due end of Tuesday.
    assert _due("2026-11-02T08:00", 1) == "2026-11-03T23:59:59+07:00"
    assert _due("2026-11-02T23:30", 1) == "2026-11-03T23:59:59+07:00"


def test_weekends_are_skipped():
    # Friday 6 Nov 2026 + 3 working days: Mon 9, Tue 10, Wed 11.
    assert _due("2026-11-06T10:00", 3) == "2026-11-11T23:59:59+07:00"


def test_national_holidays_are_skipped():
    # Independence Day, Monday 17 Aug 2026: Friday 14 + 1 working day is Tuesday 18.
    assert _due("2026-08-14T10:00", 1) == "2026-08-18T23:59:59+07:00"


def test_fourteen_working_days_across_the_year_end():
    # Thu 17 Dec 2026: skip cuti bersama Natal (Thu 24 Dec, the package's "government"
    # category, counted since the calendar takes cuti bersama from it), Christmas (Fri 25
    # Dec), New Year's Day (Fri 1 Jan 2027) and Isra' Mi'raj (Tue 5 Jan 2027): the 14th
    # working day is Tuesday 12 January (Monday 11 before cuti bersama counted).
    assert _due("2026-12-17T09:00", 14) == "2027-01-12T23:59:59+07:00"


def test_cuti_bersama_from_the_government_calendar_is_skipped():
    # Wed 23 Dec 2026 + 1 working day: Thu 24 Dec is cuti bersama Natal, Fri 25 Christmas,
    # then the weekend: Monday 28 December. Nobody had to enter the 24th by hand.
    assert _due("2026-12-23T10:00", 1) == "2026-12-28T23:59:59+07:00"
    # Idul Fitri 2026: cuti bersama Fri 20, Mon 23 and Tue 24 March around the holiday.
    assert _due("2026-03-19T10:00", 1) == "2026-03-25T23:59:59+07:00"
