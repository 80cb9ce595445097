"""Functions the models may call from expressions, conditions and timer definitions.

SpiffWorkflow does not serialise its script engine, so the engine attaches this
environment again to every workflow it loads. Models are trusted code: only process
owners deploy them. Timer functions return aware ISO strings: SpiffWorkflow reads a
naive one in the server's zone.

"n hari kerja" (n working days), as these functions count it: counting starts the day
after the moment given (receipt); a working day is Monday to Friday and not an
Indonesian national holiday (the `holidays` package, country ID); the deadline is the
end (23:59:59) of the nth working day in the organisation's zone (WIB by default).
Cuti bersama and regional holidays, and per-organisation zones, are added by the
working-day calendar of the deadlines issue.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

DEFAULT_ZONE = ZoneInfo("Asia/Jakarta")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("ID", years=day.year)


def add_working_days(start: datetime, days: int, *, zone: ZoneInfo = DEFAULT_ZONE) -> datetime:
    """The end of the `days`-th working day after `start` (see the module docstring)."""
    day = start.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def working_days_left(due: datetime, *, now: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> int:
    """Working days from the day after `now` up to and including the due day; 0 when the
    deadline is today or has passed."""
    today, due_day = now.astimezone(zone).date(), due.astimezone(zone).date()
    count, day = 0, today
    while day < due_day:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def tambah_hari_kerja(jumlah: int) -> str:
    """Now plus `jumlah` working days, as an aware ISO timestamp for a timeDate timer."""
    return add_working_days(datetime.now(timezone.utc), jumlah).isoformat()


def tambah_hari(jumlah: int) -> str:
    """Now plus `jumlah` calendar days, as an aware ISO timestamp for a timeDate timer."""
    return (datetime.now(timezone.utc) + timedelta(days=jumlah)).isoformat()


def tambah_jam(jumlah: float) -> str:
    """Now plus `jumlah` hours, as an aware ISO timestamp for a timeDate timer."""
    return (datetime.now(timezone.utc) + timedelta(hours=jumlah)).isoformat()


def script_functions() -> dict:
    """The names a model can use. A task-data key with one of these names would shadow
    it and break every script, so forms must not use them."""
    return {"tambah_hari_kerja": tambah_hari_kerja, "tambah_hari": tambah_hari, "tambah_jam": tambah_jam}
