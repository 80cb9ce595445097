"""The working-day calendar: national holidays and cuti bersama from the `holidays` package,
with the administrator's changes on top (days added for everyone or, as regional holidays,
for one organisation; package days marked "not a holiday"), each organisation's working
week and time zone."""
import threading
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.engine import WorkingCalendar
from app.engine.scripts import CUTI_BERSAMA, package_holidays
from app.extensions import db
from app.models import Holiday, Organisation
from app.services.audit_trail.audit import record_event
from app.services.organisation.calendar_revision import calendar_changed, current_revision
from app.services.organisation.org_settings import settings_for

NOT_A_HOLIDAY = "bukan_libur"
KINDS = ("cuti_bersama", "daerah", NOT_A_HOLIDAY)
KIND_LABELS = {
    "cuti_bersama": _l("Cuti bersama (semua instansi)"),
    "daerah": _l("Libur daerah (satu instansi)"),
    NOT_A_HOLIDAY: _l("Bukan hari libur (tetap hari kerja)"),
}
# Where a day on /admin/kalender comes from.
SOURCE_LABELS = {
    "nasional": _l("Libur nasional"),
    "cuti_bersama_paket": _l("Cuti bersama (kalender pemerintah)"),
    "ditambahkan": _l("Ditambahkan administrator"),
    "dihapus": _l("Dihapus administrator (bukan hari libur)"),
    "daerah": _l("Libur daerah"),
}

# Calendars are read for every inbox row and every workflow load, so each process keeps
# them, tagged with the calendar revision they were built from (app/services/organisation/calendar_revision.py).
_cache: dict[str | None, tuple[int, WorkingCalendar]] = {}
_lock = threading.Lock()


class CalendarError(ValueError):
    """A calendar change that cannot be made; the message says why."""


@dataclass(frozen=True)
class CalendarDay:
    """One line of the calendar page."""

    day: date
    name: str
    source: str  # a key of SOURCE_LABELS
    organisation_code: str | None
    holiday_id: int | None  # the administrator's entry, which can be undone
    can_mark_working: bool  # a package day not yet marked "not a holiday" for everyone

    @property
    def source_label(self):
        return SOURCE_LABELS[self.source]


def calendar_for(organisation_code: str | None) -> WorkingCalendar:
    revision = current_revision()
    cached = _cache.get(organisation_code)
    if cached and cached[0] == revision:
        return cached[1]
    organisation = db.session.get(Organisation, organisation_code) if organisation_code else None
    entries = db.session.execute(
        db.select(Holiday.day, Holiday.kind).where(
            (Holiday.organisation_code.is_(None)) | (Holiday.organisation_code == organisation_code)
        )
    ).all()
    calendar = WorkingCalendar(
        zone=ZoneInfo(organisation.timezone if organisation else "Asia/Jakarta"),
        working_weekdays=frozenset(int(d) for d in (organisation.working_days if organisation else "0,1,2,3,4").split(",")),
        extra_holidays=frozenset(day for day, kind in entries if kind != NOT_A_HOLIDAY),
        not_holidays=frozenset(day for day, kind in entries if kind == NOT_A_HOLIDAY),
        sop_days_working=_sop_days_working(organisation_code),
    )
    with _lock:
        _cache[organisation_code] = (revision, calendar)
    return calendar


def _sop_days_working(organisation_code: str | None) -> bool:
    return bool(settings_for(organisation_code)["working_days"])


def forget_cached_calendars() -> None:
    with _lock:
        _cache.clear()


def add_holiday(*, day: date, name: str, kind: str, organisation_code: str | None, actor: str) -> Holiday:
    """Add a day off, or (kind "bukan_libur", `name` the reason) mark a day the package
    lists as a working day; commits. Deadlines already running keep their due times (an
    extension moves one); timers started from now on follow the change."""
    if kind not in KINDS:
        raise CalendarError(_("Jenis harus salah satu dari: %(kinds)s.",
                              kinds=", ".join(str(label) for label in KIND_LABELS.values())))
    if kind == "daerah" and not organisation_code:
        raise CalendarError(_("Libur daerah berlaku untuk satu instansi: sebutkan instansinya."))
    if organisation_code and db.session.get(Organisation, organisation_code) is None:
        raise CalendarError(_("Instansi tidak dikenal: %(code)s.", code=organisation_code))
    if kind == NOT_A_HOLIDAY:
        if day not in package_holidays(day.year):
            raise CalendarError(_("%(day)s bukan libur nasional atau cuti bersama menurut kalender pemerintah; "
                                  "hanya hari seperti itu yang dapat ditandai bukan hari libur.", day=day.isoformat()))
        if not name.strip():
            raise CalendarError(_("Alasan wajib diisi: mengapa hari itu tetap hari kerja."))
    elif not name.strip():
        raise CalendarError(_("Nama hari libur wajib diisi."))
    exists = db.session.scalars(db.select(Holiday).where(
        Holiday.day == day, Holiday.organisation_code.is_(None) if organisation_code is None
        else Holiday.organisation_code == organisation_code)).first()
    if exists:
        raise CalendarError(_("%(day)s sudah tercatat: %(name)s (%(kind)s).", day=day.isoformat(), name=exists.name,
                                kind=KIND_LABELS[exists.kind]))
    holiday = Holiday(day=day, name=name.strip(), kind=kind, organisation_code=organisation_code, created_by=actor)
    db.session.add(holiday)
    record_event(case=None, action="calendar.not_a_holiday" if kind == NOT_A_HOLIDAY else "calendar.holiday_added",
                 actor=actor, data_after={"day": day.isoformat(), "name": holiday.name, "kind": kind,
                                          "organisation": organisation_code})
    calendar_changed()
    db.session.commit()
    forget_cached_calendars()
    return holiday


def remove_holiday(*, holiday_id: int, actor: str) -> None:
    """Undo an administrator's entry (a day added, or a day marked not a holiday)."""
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise CalendarError(_("Hari libur tidak ditemukan."))
    record_event(case=None, action="calendar.holiday_removed", actor=actor,
                 data_before={"day": holiday.day.isoformat(), "name": holiday.name, "kind": holiday.kind,
                              "organisation": holiday.organisation_code})
    db.session.delete(holiday)
    calendar_changed()
    db.session.commit()
    forget_cached_calendars()


def holidays_in(year: int) -> list[Holiday]:
    """The administrator's entries in `year`."""
    return list(db.session.scalars(
        db.select(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day, Holiday.organisation_code)
    ))


def calendar_year(*, year: int) -> list[CalendarDay]:
    """Every day off in `year` and every change to one, each with where it comes from."""
    entries = holidays_in(year)
    removed_for_all = {h.day for h in entries if h.kind == NOT_A_HOLIDAY and h.organisation_code is None}
    days = [CalendarDay(day, name, "cuti_bersama_paket" if category == CUTI_BERSAMA else "nasional", None, None,
                        day not in removed_for_all)
            for day, (category, name) in package_holidays(year).items()]
    for h in entries:
        source = {NOT_A_HOLIDAY: "dihapus", "daerah": "daerah"}.get(h.kind, "ditambahkan")
        days.append(CalendarDay(h.day, h.name, source, h.organisation_code, h.id, False))
    # The package's line first, the administrator's change to it beneath.
    return sorted(days, key=lambda d: (d.day, d.holiday_id is not None, d.organisation_code or ""))


def set_working_week(*, organisation_code: str, weekdays: list[int], actor: str) -> Organisation:
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise CalendarError(_("Instansi tidak dikenal: %(code)s.", code=organisation_code))
    if not weekdays or any(d not in range(7) for d in weekdays):
        raise CalendarError(_("Hari kerja: angka 0 (Senin) sampai 6 (Minggu), paling sedikit satu."))
    before = organisation.working_days
    organisation.working_days = ",".join(str(d) for d in sorted(set(weekdays)))
    record_event(case=None, action="calendar.working_week_set", actor=actor,
                 data_before={"organisation": organisation_code, "working_days": before},
                 data_after={"organisation": organisation_code, "working_days": organisation.working_days})
    calendar_changed()
    db.session.commit()
    forget_cached_calendars()
    return organisation
