"""What a process owner adds for a new agency without code: a new process (its diagram
uploaded through the deploy gate) and the case statuses with their words."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.modeler import bp
from app.modeler.routes import process_owner_required
from app.services.definitions.statuses import StatusError, all_statuses, save_status
from app.services.modelling.deploy_gate import GateRefused, read_upload
from app.services.modelling.model_editor import save_new_diagram


@bp.route("/proses/baru", methods=["GET", "POST"])
@process_owner_required
def new_process():
    """Upload a .bpmn whose process id is new (saved from the desktop Camunda Modeler or
    downloaded from another process's editor and renamed)."""
    report = None
    if request.method == "POST":
        upload = request.files.get("berkas")
        try:
            if upload is None or not upload.filename:
                raise StatusError(_("Pilih berkas .bpmn."))
            tables = {f.filename: read_upload(f.read(), filename=f.filename)
                      for f in request.files.getlist("tabel") if f.filename}
            deployment = save_new_diagram(
                bpmn_xml=read_upload(upload.read(), filename=upload.filename), actor=current_user.username,
                create_missing_roles=request.form.get("create_missing_roles") == "ya", decision_xmls=tables)
        except StatusError as exc:
            flash(str(exc), "error")
        except GateRefused as exc:
            report = exc.report
        else:
            key = deployment.version.definition.key
            flash(_("Proses %(key)s diterapkan sebagai versi %(number)d.", key=key, number=deployment.version.number))
            return redirect(url_for("modeler.edit_process", key=key)), 303
    return render_template("modeler/new_process.html", report=report), 422 if report else 200


@bp.route("/status", methods=["GET", "POST"])
@process_owner_required
def statuses():
    """Every case status a diagram may set, with its label and the sentence the tracking
    page explains it with, in Indonesian and English; adding one here lets a diagram use it."""
    if request.method == "POST":
        form = request.form
        try:
            status = save_status(code=form.get("kode", ""), label_id=form.get("label_id", ""),
                                 label_en=form.get("label_en", ""), description_id=form.get("penjelasan_id", ""),
                                 description_en=form.get("penjelasan_en", ""), actor=current_user.username)
        except StatusError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Status %(code)s disimpan.", code=status.code))
            return redirect(url_for("modeler.statuses")), 303
    return render_template("modeler/statuses.html", statuses=all_statuses(),
                           editing=all_statuses().get(request.args.get("kode", "")), code=request.args.get("kode", ""))
