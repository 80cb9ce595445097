"""Units and organisations in the browser: /admin/unit and /admin/instansi."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.admin.accounts import accounts_admin_required
from app.services.administration.account_admin import NotInScope, scoped_organisations, scoped_units
from app.services.administration.org_admin import (
    TIMEZONES,
    create_organisation,
    create_unit,
    free_processes,
    get_organisation,
    get_unit,
    sop_lanes,
    update_agency_settings,
    update_organisation,
    update_unit,
)
from app.services.organisation.accounts import AccountError


@bp.get("/unit")
@accounts_admin_required
def units():
    return render_template("admin/units.html", units=scoped_units(scope=g.admin_scope),
                           organisations=scoped_organisations(scope=g.admin_scope), system=g.admin_scope.system)


@bp.post("/unit")
@accounts_admin_required
def add_unit():
    try:
        unit = create_unit(scope=g.admin_scope, code=request.form.get("kode", ""), name=request.form.get("nama", ""),
                           organisation_code=request.form.get("instansi", ""))
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Unit %(name)s ditambahkan.", name=unit.name))
    return redirect(url_for("admin.units")), 303


@bp.route("/unit/<code>", methods=["GET", "POST"])
@accounts_admin_required
def unit(code: str):
    try:
        found = get_unit(scope=g.admin_scope, code=code)
        if request.method == "POST":
            update_unit(scope=g.admin_scope, code=code, name=request.form.get("nama", ""),
                        organisation_code=request.form.get("instansi", ""))
            flash(_("Perubahan unit disimpan."))
            return redirect(url_for("admin.units")), 303
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
    return render_template("admin/unit_form.html", unit=found, organisations=scoped_organisations(scope=g.admin_scope),
                           system=g.admin_scope.system)


@bp.get("/instansi")
@accounts_admin_required
def organisations():
    return render_template("admin/organisations.html", organisations=scoped_organisations(scope=g.admin_scope),
                           system=g.admin_scope.system, timezones=TIMEZONES)


@bp.post("/instansi")
@accounts_admin_required
def add_organisation():
    try:
        organisation = create_organisation(scope=g.admin_scope, code=request.form.get("kode", ""),
                                           name=request.form.get("nama", ""),
                                           timezone=request.form.get("zona_waktu", "Asia/Jakarta"),
                                           accepts_complaints=request.form.get("menerima_pengaduan") == "ya")
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Instansi %(name)s ditambahkan.", name=organisation.name))
    return redirect(url_for("admin.organisations")), 303


@bp.route("/instansi/<code>", methods=["GET", "POST"])
@accounts_admin_required
def organisation(code: str):
    try:
        found = get_organisation(scope=g.admin_scope, code=code)
        if request.method == "POST":
            update_organisation(scope=g.admin_scope, code=code, name=request.form.get("nama", ""),
                                timezone=request.form.get("zona_waktu", found.timezone),
                                accepts_complaints=request.form.get("menerima_pengaduan") == "ya")
            flash(_("Perubahan instansi disimpan."))
            return redirect(url_for("admin.organisations")), 303
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
    return _organisation_page(found)


def _organisation_page(found):
    return render_template("admin/organisation_form.html", organisation=found, system=g.admin_scope.system,
                           timezones=TIMEZONES, lanes=sop_lanes(found), processes=free_processes(found))


@bp.post("/instansi/<code>/sop")
@accounts_admin_required
def organisation_sop(code: str):
    """The SOP an agency runs here and the lanes of it with rights of their own."""
    try:
        update_agency_settings(scope=g.admin_scope, code=code, process_key=request.form.get("proses", ""),
                               identity_lanes=request.form.getlist("jalur_identitas"),
                               intake_lanes=request.form.getlist("jalur_luring"),
                               report_lanes=request.form.getlist("jalur_laporan"),
                               report_recipient=request.form.get("penerima_laporan", ""))
    except NotInScope:
        abort(404)
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.organisation", code=code)), 303
    flash(_("Pengaturan SOP instansi disimpan."))
    return redirect(url_for("admin.organisation", code=code)), 303
