"""The working-day calendar: national holidays (the `holidays` package) plus the days an
administrator adds (cuti bersama for everyone, regional holidays for one organisation),
each organisation's working week and time zone."""
import threading
import time
from datetime import date
from zoneinfo import ZoneInfo

from app.engine import WorkingCalendar
from app.extensions import db
from app.models import Holiday, Organisation
from app.services.audit import record_event

KINDS = ("cuti_bersama", "daerah")
# A calendar is read on every workflow load; this keeps it off the hot path. Changes made
# in this process are seen at once, those made in another within this many seconds.
_CACHE_SECONDS = 60.0
_cache: dict[str | None, tuple[float, WorkingCalendar]] = {}
_lock = threading.Lock()


class CalendarError(ValueError):
    """A calendar change that cannot be made; the message says why."""


def calendar_for(organisation_code: str | None) -> WorkingCalendar:
    cached = _cache.get(organisation_code)
    if cached and time.monotonic() - cached[0] < _CACHE_SECONDS:
        return cached[1]
    organisation = db.session.get(Organisation, organisation_code) if organisation_code else None
    days = db.session.scalars(
        db.select(Holiday.day).where(
            (Holiday.organisation_code.is_(None)) | (Holiday.organisation_code == organisation_code)
        )
    )
    calendar = WorkingCalendar(
        zone=ZoneInfo(organisation.timezone if organisation else "Asia/Jakarta"),
        working_weekdays=frozenset(int(d) for d in (organisation.working_days if organisation else "0,1,2,3,4").split(",")),
        extra_holidays=frozenset(days),
    )
    with _lock:
        _cache[organisation_code] = (time.monotonic(), calendar)
    return calendar


def forget_cached_calendars() -> None:
    with _lock:
        _cache.clear()


def add_holiday(*, day: date, name: str, kind: str, organisation_code: str | None, actor: str) -> Holiday:
    """Add a day off; commits. Deadlines already running keep their due times (an
    extension moves one); timers started from now on skip the day."""
    if kind not in KINDS:
        raise CalendarError(f"Jenis libur harus salah satu dari: {', '.join(KINDS)}.")
    if kind == "daerah" and not organisation_code:
        raise CalendarError("Libur daerah berlaku untuk satu instansi: sebutkan instansinya.")
    if organisation_code and db.session.get(Organisation, organisation_code) is None:
        raise CalendarError(f"Instansi tidak dikenal: {organisation_code}.")
    if not name.strip():
        raise CalendarError("Nama hari libur wajib diisi.")
    exists = db.session.scalars(db.select(Holiday).where(
        Holiday.day == day, Holiday.organisation_code.is_(None) if organisation_code is None
        else Holiday.organisation_code == organisation_code)).first()
    if exists:
        raise CalendarError(f"{day.isoformat()} sudah tercatat sebagai {exists.name}.")
    holiday = Holiday(day=day, name=name.strip(), kind=kind, organisation_code=organisation_code, created_by=actor)
    db.session.add(holiday)
    record_event(case=None, action="calendar.holiday_added", actor=actor,
                 data_after={"day": day.isoformat(), "name": holiday.name, "kind": kind,
                             "organisation": organisation_code})
    db.session.commit()
    forget_cached_calendars()
    return holiday


def remove_holiday(*, holiday_id: int, actor: str) -> None:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise CalendarError("Hari libur tidak ditemukan.")
    record_event(case=None, action="calendar.holiday_removed", actor=actor,
                 data_before={"day": holiday.day.isoformat(), "name": holiday.name, "kind": holiday.kind,
                              "organisation": holiday.organisation_code})
    db.session.delete(holiday)
    db.session.commit()
    forget_cached_calendars()


def holidays_in(year: int) -> list[Holiday]:
    return list(db.session.scalars(
        db.select(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day, Holiday.organisation_code)
    ))


def set_working_week(*, organisation_code: str, weekdays: list[int], actor: str) -> Organisation:
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise CalendarError(f"Instansi tidak dikenal: {organisation_code}.")
    if not weekdays or any(d not in range(7) for d in weekdays):
        raise CalendarError("Hari kerja: angka 0 (Senin) sampai 6 (Minggu), paling sedikit satu.")
    before = organisation.working_days
    organisation.working_days = ",".join(str(d) for d in sorted(set(weekdays)))
    record_event(case=None, action="calendar.working_week_set", actor=actor,
                 data_before={"organisation": organisation_code, "working_days": before},
                 data_after={"organisation": organisation_code, "working_days": organisation.working_days})
    db.session.commit()
    forget_cached_calendars()
    return organisation
