"""System administration: the working-day calendar."""
from datetime import date
from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin import bp
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE
from app.services.organisation.calendar import (
    KIND_LABELS,
    NOT_A_HOLIDAY,
    CalendarError,
    add_holiday,
    calendar_year,
    remove_holiday,
    set_working_week,
)
from app.services.organisation.organisations import all_organisations

# The years the calendar page shows: the holidays package has data for these, and the
# template links to the year before and after.
MIN_YEAR, MAX_YEAR = 2000, 2100


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if SYSTEM_ADMIN_ROLE not in current_user.role_names:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/kalender")
@admin_required
def calendar():
    year = request.args.get("tahun", date.today().year, type=int)
    if not MIN_YEAR <= year <= MAX_YEAR:
        flash(_("Tahun harus antara %(first)d dan %(last)d.", first=MIN_YEAR, last=MAX_YEAR), "error")
        year = date.today().year
    return render_template("admin/calendar.html", year=year, days=calendar_year(year=year), kinds=KIND_LABELS,
                           organisations=all_organisations(), not_a_holiday=NOT_A_HOLIDAY)


@bp.post("/kalender")
@admin_required
def add_to_calendar():
    try:
        day = date.fromisoformat(request.form.get("tanggal", ""))
        add_holiday(day=day, name=request.form.get("nama", ""), kind=request.form.get("jenis", ""),
                    organisation_code=request.form.get("instansi") or None, actor=current_user.username)
    except ValueError as exc:  # CalendarError is a ValueError; so is a bad date
        flash(str(exc) if isinstance(exc, CalendarError) else _("Tanggal tidak valid."), "error")
        return redirect(url_for("admin.calendar")), 303
    if request.form.get("jenis") == NOT_A_HOLIDAY:
        flash(_("%(day)s ditandai bukan hari libur.", day=day.isoformat()))
    else:
        flash(_("Hari libur %(day)s ditambahkan.", day=day.isoformat()))
    return redirect(url_for("admin.calendar", tahun=day.year)), 303


@bp.post("/kalender/<int:holiday_id>/hapus")
@admin_required
def remove_from_calendar(holiday_id: int):
    try:
        remove_holiday(holiday_id=holiday_id, actor=current_user.username)
    except CalendarError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.calendar")), 303


@bp.post("/kalender/hari-kerja")
@admin_required
def working_week():
    try:
        set_working_week(organisation_code=request.form.get("instansi", ""),
                         weekdays=[int(d) for d in request.form.getlist("hari")], actor=current_user.username)
    except CalendarError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Hari kerja disimpan."))
    return redirect(url_for("admin.calendar")), 303
