"""Half-yearly reports (on demand, and those the schedule made) and the SLA dashboard."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.background import start_report_job
from app.downloads import content_disposition
from app.reports import bp
from app.reports.forms import ReportForm
from app.services.organisation.access import NotAllowed
from app.services.reporting.report_jobs import QUEUED, RUNNING, STAGE_LABELS, STATUS_LABELS, jobs_shown, request_report
from app.services.reporting.reports import (
    ReportError,
    may_read_reports,
    previous_semester,
    report_for,
    report_organisations,
    reports_of,
)
from app.services.reporting.sla import dashboard, may_view_dashboard

FILE_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.app_context_processor
def _navigation():
    """The base template shows the links to these pages only to who may open them."""
    return {"may_view_dashboard": may_view_dashboard, "may_read_reports": may_read_reports}


def _organisations_or_404():
    organisations = report_organisations(current_user)
    if not organisations:
        abort(404)
    return organisations


@bp.route("/laporan", methods=["GET", "POST"])
@login_required
def index():
    organisations = _organisations_or_404()
    form = ReportForm()
    form.organisation.choices = [SelectChoice(o.code, o.name) for o in organisations]
    chosen = request.args.get("instansi") or form.organisation.data or organisations[0].code
    if request.method == "GET":
        form.organisation.data = chosen
        form.year.data, semester = previous_semester(organisation_code=chosen)
        form.semester.data = str(semester)
    elif form.validate_on_submit():
        try:
            job = request_report(user=current_user, organisation_code=form.organisation.data, year=form.year.data,
                                 semester=int(form.semester.data))
        except NotAllowed:
            abort(404)
        except ReportError as exc:
            flash(str(exc), "error")
        else:
            start_report_job(current_app._get_current_object(), job_id=job.id)
            flash(_("Laporan %(period)s sedang dibuat; halaman ini diperbarui sendiri sampai laporannya siap.",
                    period=job.period_label))
            return redirect(url_for("reports.index", instansi=job.organisation_code)), 303
    try:
        reports = reports_of(user=current_user, organisation_code=chosen)
        jobs = jobs_shown(user=current_user, organisation_code=chosen)
    except NotAllowed:
        abort(404)
    return render_template("reports/index.html", form=form, organisations=organisations, chosen=chosen,
                           reports=reports, jobs=jobs, pending=any(j.status in (QUEUED, RUNNING) for j in jobs),
                           status_labels=STATUS_LABELS, stage_labels=STAGE_LABELS)


@bp.get("/laporan/<int:report_id>.<kind>")
@login_required
def download(report_id: int, kind: str):
    if kind not in FILE_TYPES:
        abort(404)
    try:
        report = report_for(user=current_user, report_id=report_id)
    except NotAllowed:
        abort(404)
    name = f"laporan-semesteran-{report.organisation_code}-{report.year}-{report.semester}.{kind}"
    return Response(getattr(report, kind), mimetype=FILE_TYPES[kind], headers={
        "Content-Disposition": content_disposition(name),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    })


@bp.get("/dasbor-sla")
@login_required
def sla_dashboard():
    if not may_view_dashboard(current_user):
        abort(404)
    days = max(0, min(request.args.get("hari", 3, type=int), 30))
    return render_template("reports/sla.html", board=dashboard(user=current_user, at_risk_days=days))
