"""Process owners edit a diagram (bpmn-js with the Camunda 7 properties panel), a
decision table (dmn-js) and the forms beside them, and deploy them through the gate."""
from functools import wraps

from flask import Response, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.downloads import content_disposition
from app.i18n import current_language
from app.modeler import bp
from app.services.definitions.forms import FormDefinitionError, check_definition, reference_types
from app.services.definitions.references import preview_choices
from app.services.modelling.bpmnlint import missing_reason as bpmnlint_missing_reason
from app.services.modelling.deploy_gate import GateRefused, read_upload
from app.services.modelling.model_editor import (
    ModelNotFound,
    available_forms,
    decision_for_editing,
    decisions_of,
    save_decision,
    save_diagram,
    version_for_editing,
)
from app.services.organisation.accounts import PROCESS_OWNER_ROLE
from app.task_forms import build_task_form, help_texts


def process_owner_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if PROCESS_OWNER_ROLE not in current_user.role_names:
            abort(404)
        try:
            return view(*args, **kwargs)
        except ModelNotFound:
            abort(404)

    return wrapped


def _refusal(exc: GateRefused):
    report = exc.report
    return jsonify(
        ok=False,
        message=_("Belum diterapkan: perbaiki masalah berikut. Tidak ada versi baru yang dibuat."),
        problems=[{"message": str(p.message), "element_id": p.element_id} for p in report.problems],
        missing_roles=report.missing_roles,
        warnings=[{"message": str(p.message), "element_id": p.element_id} for p in report.warnings],
    ), 422


def _submitted(field: str, filename: str) -> str:
    """The model text from the editor (JSON) or a file chosen on the desktop (multipart)."""
    upload = request.files.get("berkas")
    if upload is not None:
        return read_upload(upload.read(), filename=upload.filename or filename)
    payload = request.get_json(silent=True) or {}
    return payload.get(field) or request.form.get(field) or ""


def _download(text: str, filename: str) -> Response:
    return Response(text, mimetype="application/xml",
                    headers={"Content-Disposition": content_disposition(filename)})


@bp.get("/proses/<key>/ubah")
@process_owner_required
def edit_process(key: str):
    version = version_for_editing(process_key=key, number=request.args.get("versi", type=int))
    return render_template("modeler/process.html", version=version, key=key,
                           newest=version_for_editing(process_key=key), decisions=decisions_of(version),
                           lint_missing=bpmnlint_missing_reason())


@bp.get("/proses/<key>/bpmn")
@process_owner_required
def download_process(key: str):
    version = version_for_editing(process_key=key, number=request.args.get("versi", type=int))
    return _download(version.bpmn_xml, f"{key}.bpmn")


@bp.get("/proses/<key>/formulir")
@process_owner_required
def process_forms(key: str):
    version = version_for_editing(process_key=key, number=request.args.get("versi", type=int))
    # Every deployed form, so a task can take up another process's form; this version's first.
    return jsonify({**available_forms(), **(version.forms or {})})


@bp.post("/proses/<key>/terapkan")
@process_owner_required
def deploy_process(key: str):
    payload = request.get_json(silent=True) or {}
    try:
        bpmn_xml = _submitted("bpmn_xml", f"{key}.bpmn")
        deployment = save_diagram(
            process_key=key, bpmn_xml=bpmn_xml, edited_forms=payload.get("forms") or {},
            actor=current_user.username,
            create_missing_roles=bool(payload.get("create_missing_roles") or request.form.get("create_missing_roles")),
            expected_newest=payload.get("expected_newest") if isinstance(payload.get("expected_newest"), int) else None,
        )
    except GateRefused as exc:
        return _refusal(exc)
    version = deployment.version
    message = (_("Diterapkan sebagai versi %(number)d. Kasus baru memakai versi ini; kasus yang sedang berjalan "
                 "tetap pada versinya.", number=version.number) if deployment.changed
               else _("Tidak ada perubahan; versi %(number)d tetap dipakai.", number=version.number))
    return jsonify(ok=True, changed=deployment.changed, version=version.number, message=message,
                   warnings=[{"message": str(p.message), "element_id": p.element_id}
                             for p in deployment.report.warnings])


@bp.get("/keputusan/<decision_id>/ubah")
@process_owner_required
def edit_decision(decision_id: str):
    filename, _xml, users = decision_for_editing(decision_id=decision_id)
    return render_template("modeler/decision.html", decision_id=decision_id, filename=filename, users=users)


@bp.get("/keputusan/<decision_id>/dmn")
@process_owner_required
def download_decision(decision_id: str):
    filename, xml, _users = decision_for_editing(decision_id=decision_id)
    return _download(xml, filename)


@bp.post("/keputusan/<decision_id>/terapkan")
@process_owner_required
def deploy_decision(decision_id: str):
    try:
        filename, _xml, _users = decision_for_editing(decision_id=decision_id)
        deployments = save_decision(decision_id=decision_id, dmn_xml=_submitted("dmn_xml", filename),
                                    actor=current_user.username)
    except GateRefused as exc:
        return _refusal(exc)
    changed = [d for d in deployments if d.changed]
    if not changed:
        message = _("Tidak ada perubahan; tidak ada versi baru.")
    else:
        message = _("Diterapkan: %(versions)s. Kasus baru memakai tabel ini; kasus yang sedang berjalan tetap pada "
                    "versinya.", versions=", ".join(f"{d.version.definition.key} v{d.version.number}" for d in changed))
    return jsonify(ok=True, message=message,
                   versions=[{"process": d.version.definition.key, "version": d.version.number} for d in changed])


@bp.post("/formulir/pratinjau")
@process_owner_required
def preview_form():
    """The form as staff will see it on the task page, from the definition being edited."""
    definition = (request.get_json(silent=True) or {}).get("form")
    try:
        if not isinstance(definition, dict):
            raise FormDefinitionError(_("Formulir harus berupa objek JSON."))
        check_definition(definition, source=str(definition.get("key") or "formulir"))
    except FormDefinitionError as exc:
        return render_template("modeler/_form_preview.html", error=str(exc)), 422
    lang = current_language()
    form = build_task_form(definition, lang=lang, choices=preview_choices(reference_types(definition)))
    return render_template("modeler/_form_preview.html", definition=definition, form=form,
                           help=help_texts(definition, lang=lang), lang=lang, error=None)
