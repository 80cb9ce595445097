"""Functions the models may call from expressions, conditions and timer definitions.

SpiffWorkflow does not serialise its script engine, so the engine attaches this
environment again to every workflow it loads, built for the case's organisation: its
working week, its time zone and its holidays. Models are not trusted code: they run in
`app/engine/sandbox.py`, where these functions are the only ones besides plain data
builtins, so they bound their own work too. Timer functions return aware ISO strings: SpiffWorkflow reads a naive
one in the server's zone.

"n hari kerja" (n working days), as these functions count it: counting starts the day
after the moment given (receipt); a working day is a day of the organisation's working week
(Monday to Friday unless set otherwise) that is not an Indonesian national holiday (the
`holidays` package, country ID) nor a day the administrator added to the calendar (cuti
bersama for everyone, or a regional holiday for one organisation); the deadline is the end
(23:59:59) of the nth working day in the organisation's zone (WIB, WITA or WIT).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    working_weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    extra_holidays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.working_weekdays
            and day not in self.extra_holidays
            and day not in holidays.country_holidays("ID", years=day.year)
        )

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the `days`-th working day after `start` (see the module docstring)."""
        day = start.astimezone(self.zone).date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone)

    def working_days_left(self, due: datetime, *, now: datetime) -> int:
        """Working days from the day after `now` up to and including the due day; 0 when
        the deadline is today or has passed."""
        today, due_day = now.astimezone(self.zone).date(), due.astimezone(self.zone).date()
        count, day = 0, today
        while day < due_day:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


DEFAULT_CALENDAR = WorkingCalendar()
MAX_WORKING_DAYS = 1000  # about four years; the SOPs' longest term is 60 working days


def add_working_days(start: datetime, days: int, *, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> datetime:
    return calendar.add_working_days(start, days)


def working_days_left(due: datetime, *, now: datetime, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> int:
    return calendar.working_days_left(due, now=now)


def script_functions(calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dict:
    """The names a model can use, bound to one organisation's calendar. A task-data key
    with one of these names would shadow it and break every script, so forms must not
    use them."""

    def tambah_hari_kerja(jumlah: int) -> str:
        """Now plus `jumlah` working days, as an aware ISO timestamp for a timeDate timer."""
        if not 0 <= int(jumlah) <= MAX_WORKING_DAYS:  # counted day by day: keep a model from looping for hours
            raise ValueError(f"tambah_hari_kerja: jumlah hari harus antara 0 dan {MAX_WORKING_DAYS}, bukan {jumlah}")
        return calendar.add_working_days(datetime.now(timezone.utc), int(jumlah)).isoformat()

    def tambah_hari(jumlah: int) -> str:
        """Now plus `jumlah` calendar days, as an aware ISO timestamp."""
        return (datetime.now(timezone.utc) + timedelta(days=jumlah)).isoformat()

    def tambah_jam(jumlah: float) -> str:
        """Now plus `jumlah` hours, as an aware ISO timestamp."""
        return (datetime.now(timezone.utc) + timedelta(hours=jumlah)).isoformat()

    return {"tambah_hari_kerja": tambah_hari_kerja, "tambah_hari": tambah_hari, "tambah_jam": tambah_jam}
