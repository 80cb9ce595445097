"""Functions the models may call from expressions, conditions and timer definitions.

SpiffWorkflow does not serialise its script engine, so the engine attaches this
environment again to every workflow it loads, built for the case's organisation: its
working week, its time zone and its holidays. Models are not trusted code: they run in
`app/engine/sandbox.py`, where these functions are the only ones besides plain data
builtins, so they bound their own work too. Timer functions return aware ISO strings: SpiffWorkflow reads a naive
one in the server's zone.

"n hari kerja" (n working days), as these functions count it: counting starts the day
after the moment given (receipt); a working day is a day of the organisation's working week
(Monday to Friday unless set otherwise) that is not a day off: an Indonesian national
holiday or cuti bersama as the `holidays` package lists them (country ID, categories
"public" and "government"), unless the administrator marked it "not a holiday", nor a day
the administrator added (cuti bersama for everyone, or a regional holiday for one
organisation); the deadline is the end (23:59:59) of the nth working day in the
organisation's zone (WIB, WITA or WIT).
"""
import importlib.util
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from holidays.holiday_base import HolidayBase

NATIONAL, CUTI_BERSAMA = "public", "government"  # the package's category names


@lru_cache(maxsize=1)
def _indonesia() -> type[HolidayBase]:
    """The package's Indonesian calendar, loaded from its own module file. Asked for the
    usual way (`holidays.country_holidays("ID")`) it is imported through the package
    `holidays.countries`, whose __init__ imports all of its ~250 countries: ~8 MB that
    every web worker held after its first page with a deadline, for the one country
    used. The module imports only the package's calendars and helpers, not its siblings
    (tests/unit/test_package_holidays.py checks it gives what country_holidays gives)."""
    path = Path(holidays.__file__).parent / "countries" / "indonesia.py"
    spec = importlib.util.spec_from_file_location("holidays.countries.indonesia", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"the holidays package has no {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Indonesia


@lru_cache(maxsize=32)
def package_holidays(year: int) -> dict[date, tuple[str, str]]:
    """The package's days off in Indonesia in `year`: day -> (category, Indonesian name).
    Building them costs milliseconds, so once per year per process (the package's data
    only changes with an upgrade, i.e. a restart)."""
    days = {d: (CUTI_BERSAMA, name) for d, name in
            _indonesia()(years=year, categories=(CUTI_BERSAMA,), language="id").items()}
    days.update((d, (NATIONAL, name)) for d, name in
                _indonesia()(years=year, categories=(NATIONAL,), language="id").items())
    return days


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    working_weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    extra_holidays: frozenset[date] = frozenset()  # added by the administrator
    not_holidays: frozenset[date] = frozenset()  # package days the administrator removed
    # Where an SOP says only "hari": working days (SP4N-LAPOR! practice) or calendar days,
    # the organisation's choice (app/services/organisation/org_settings.py); read by tambah_hari_sop.
    sop_days_working: bool = True
    # Per year, built on first use: the set of days off, and the working days in order
    # (as ordinals), so a deadline or a count of days left is a binary search.
    _days_off: dict[int, frozenset[date]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _working: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def days_off(self, year: int) -> frozenset[date]:
        days = self._days_off.get(year)
        if days is None:
            added = {d for d in self.extra_holidays if d.year == year}
            days = self._days_off[year] = frozenset(package_holidays(year).keys() - self.not_holidays | added)
        return days

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.days_off(day.year)

    def _working_days(self, year: int) -> list[int]:
        days = self._working.get(year)
        if days is None:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            days = self._working[year] = [
                n for n in range(first, last + 1) if self.is_working_day(date.fromordinal(n))
            ]
        return days

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the `days`-th working day after `start` (see the module docstring)."""
        day = start.astimezone(self.zone).date()
        after, remaining, year = day.toordinal(), days, day.year
        while remaining > 0:
            working = self._working_days(year)
            first = bisect_right(working, after)
            if remaining <= len(working) - first:
                day = date.fromordinal(working[first + remaining - 1])
                break
            remaining -= len(working) - first
            year += 1
            if year > day.year + 100:
                raise ValueError("no working days in this calendar")
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone)

    def working_days_before(self, due: datetime, days: int) -> datetime:
        """The end of the `days`-th working day before the day of `due` (a reminder
        "2 hari kerja sebelum" a deadline at the end of the 14th working day falls at the
        end of the 12th)."""
        ordinal, year, remaining = due.astimezone(self.zone).date().toordinal(), due.astimezone(self.zone).year, days
        while True:
            working = self._working_days(year)
            before = bisect_right(working, ordinal - 1)  # working days strictly before the due day
            if remaining <= before:
                day = date.fromordinal(working[before - remaining])
                return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone)
            remaining -= before
            year -= 1
            ordinal = date(year, 12, 31).toordinal() + 1
            if year < 1900:
                raise ValueError("no working days in this calendar")

    def working_days_left(self, due: datetime, *, now: datetime) -> int:
        """Working days from the day after `now` up to and including the due day; 0 when
        the deadline is today or has passed."""
        today, due_day = now.astimezone(self.zone).date(), due.astimezone(self.zone).date()
        count = 0
        for year in range(today.year, due_day.year + 1):
            working = self._working_days(year)
            count += max(0, bisect_right(working, due_day.toordinal()) - bisect_right(working, today.toordinal()))
        return count

    def working_days_left_by_day(self, due_days: Iterable[date], *, now: datetime) -> dict[date, int]:
        """`working_days_left` for many due days (local dates) at once, each distinct day
        counted once: what a page or report with thousands of deadlines asks, where most
        share a day."""
        today = now.astimezone(self.zone).date()
        counts = {}
        for due_day in set(due_days):
            count = 0
            for year in range(today.year, due_day.year + 1):
                working = self._working_days(year)
                count += max(0, bisect_right(working, due_day.toordinal()) - bisect_right(working, today.toordinal()))
            counts[due_day] = count
        return counts

    def at_risk_until(self, *, now: datetime, days: int) -> datetime:
        """The first moment more than `days` working days away: a due time from `now` up to
        (not including) this one has at most `days` working days left. One answer per
        calendar and `now`, so a database can compare every deadline with it."""
        last_at_risk = self.add_working_days(now, days + 1).date()
        return datetime.combine(last_at_risk, time(), tzinfo=self.zone).astimezone(timezone.utc)

    def working_days_between(self, start: datetime, end: datetime) -> float:
        """The part of [start, end) that fell on working days, in days (no zone here has
        daylight saving time, so every day is 86 400 s): the first and last day's parts,
        plus the whole working days between them counted from the year's ordered list."""
        if end <= start:
            return 0.0
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        first, last = start.date(), end.date()
        if first == last:
            return (end - start).total_seconds() / 86400 if self.is_working_day(first) else 0.0
        total = 0.0
        if self.is_working_day(first):
            total += (datetime.combine(first + timedelta(days=1), time(), tzinfo=self.zone) - start).total_seconds() / 86400
        if self.is_working_day(last):
            total += (end - datetime.combine(last, time(), tzinfo=self.zone)).total_seconds() / 86400
        for year in range(first.year, last.year + 1):
            working = self._working_days(year)
            total += max(0, bisect_right(working, last.toordinal() - 1) - bisect_right(working, first.toordinal()))
        return total


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

    def tambah_hari_sop(jumlah: int) -> str:
        """Now plus `jumlah` of the SOP's "hari": working or calendar days as the
        organisation chose."""
        return tambah_hari_kerja(jumlah) if calendar.sop_days_working else tambah_hari(jumlah)

    def tambah_hari_kerja_sejak(mulai: str, jumlah: int) -> str:
        """`jumlah` working days counted from the moment `mulai` (an ISO timestamp the
        case holds, e.g. `diterima_pada`, when the complaint was received), not from now."""
        if not 0 <= int(jumlah) <= MAX_WORKING_DAYS:
            raise ValueError(f"tambah_hari_kerja_sejak: jumlah hari harus antara 0 dan {MAX_WORKING_DAYS}, bukan {jumlah}")
        start = datetime.fromisoformat(str(mulai))
        if start.tzinfo is None:
            start = start.replace(tzinfo=calendar.zone)
        return calendar.add_working_days(start, int(jumlah)).isoformat()

    return {"tambah_hari_kerja": tambah_hari_kerja, "tambah_hari": tambah_hari, "tambah_jam": tambah_jam,
            "tambah_hari_kerja_sejak": tambah_hari_kerja_sejak, "tambah_hari_sop": tambah_hari_sop}
