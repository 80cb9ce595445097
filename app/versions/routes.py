"""Process owners' view of deployed models: versions, their differences, export, rollback."""
from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.downloads import content_disposition
from app.services.modelling.bpmnlint import missing_reason as bpmnlint_missing_reason
from app.services.modelling.version_diff import diff_versions
from app.services.modelling.versions import (
    VersionError,
    decision_file_of,
    decision_table_histories,
    process_histories,
    process_history,
    rollback_process,
    version_of,
)
from app.services.organisation.accounts import PROCESS_OWNER_ROLE, SYSTEM_ADMIN_ROLE
from app.versions import bp
from app.versions.forms import RollbackForm

# Desktop Camunda Modeler opens files by extension; the content is plain XML.
XML_TYPE = "application/xml; charset=utf-8"


def owner_required(view):
    """Process owners and the system administrator; anyone else sees nothing (404)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not {PROCESS_OWNER_ROLE, SYSTEM_ADMIN_ROLE} & current_user.role_names:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.context_processor
def _editor_links():
    """Only process owners edit (the modeler answers 404 to anyone else), so only they
    are shown the links to it."""
    return {"may_edit": current_user.is_authenticated and PROCESS_OWNER_ROLE in current_user.role_names}


def _or_404(call, **kwargs):
    try:
        return call(**kwargs)
    except VersionError:
        abort(404)


@bp.get("")
@owner_required
def index():
    return render_template("versions/index.html", histories=process_histories(), tables=decision_table_histories(),
                           lint_missing=bpmnlint_missing_reason())


@bp.get("/proses/<key>")
@owner_required
def history(key: str):
    return render_template("versions/history.html", history=_or_404(process_history, process_key=key))


@bp.get("/proses/<key>/beda")
@owner_required
def diff(key: str):
    history = _or_404(process_history, process_key=key)
    newest = history.newest.number
    old_number = request.args.get("dari", max(newest - 1, 1), type=int)
    new_number = request.args.get("ke", newest, type=int)
    old = _or_404(version_of, process_key=key, number=old_number)
    new = _or_404(version_of, process_key=key, number=new_number)
    return render_template("versions/diff.html", history=history, old=old, new=new, diff=diff_versions(old, new))


@bp.route("/proses/<key>/versi/<int:number>/pulihkan", methods=["GET", "POST"])
@owner_required
def rollback(key: str, number: int):
    history = _or_404(process_history, process_key=key)
    old = _or_404(version_of, process_key=key, number=number)
    form = RollbackForm()
    if form.validate_on_submit():
        try:
            restored = rollback_process(process_key=key, number=number, actor=current_user.username)
        except VersionError as exc:
            flash(str(exc), "error")
            return redirect(url_for("versions.history", key=key)), 303
        flash(_("Versi %(old)s dipulihkan sebagai versi %(new)s.", old=number, new=restored.number))
        return redirect(url_for("versions.history", key=key)), 303
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return render_template("versions/rollback.html", history=history, old=old, form=form,
                           diff=diff_versions(history.newest, old))


@bp.get("/proses/<key>/versi/<int:number>/ekspor")
@owner_required
def export_bpmn(key: str, number: int):
    version = _or_404(version_of, process_key=key, number=number)
    return _xml_download(version.bpmn_xml, f"{key}.bpmn")


@bp.get("/proses/<key>/versi/<int:number>/tabel/<filename>")
@owner_required
def export_dmn(key: str, number: int, filename: str):
    return _xml_download(_or_404(decision_file_of, process_key=key, number=number, filename=filename), filename)


def _xml_download(xml: str, filename: str) -> Response:
    response = Response(xml, content_type=XML_TYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
