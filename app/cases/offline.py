"""Staff page: enter a complaint received offline (pengaduan luring, SOP 002 step n)."""
from datetime import date

from flask import abort, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.cases import bp
from app.cases.offline_forms import CHANNEL_LABELS, OfflineComplaintForm
from app.i18n import current_language
from app.services.intake.complaints import MAX_FILE_BYTES, MAX_FILES, ComplaintInvalid, read_uploads
from app.services.intake.offline import enter_offline_complaint, offline_intakes
from app.services.mail.mail_complaints import mail_inbox
from app.services.organisation.access import NotAllowed

# The session key of the receipt between the POST that entered a complaint and the one
# GET that shows it to the officer.
_RECEIPT = "offline_receipt"


@bp.app_template_global()
def channel_label(code: str | None) -> str:
    return str(CHANNEL_LABELS.get(code or "", code or "—"))


@bp.app_template_global()
def can_enter_offline() -> bool:
    return current_user.is_authenticated and bool(offline_intakes(user=current_user))


@bp.route("/pengaduan-luring", methods=["GET", "POST"])
@login_required
def offline_complaint():
    intakes = offline_intakes(user=current_user)
    if not intakes:
        abort(404)
    form = OfflineComplaintForm()
    form.instansi.choices = [SelectChoice(o.code, o.name) for o in intakes]
    if request.method == "GET":
        form.instansi.data = intakes[0].code
    if form.validate_on_submit():
        letter = form.letter()
        try:
            case, access_code = enter_offline_complaint(
                user=current_user,
                # Not the citizen form's default agency: only what was chosen, if any.
                raw={**form.complaint_data(), "instansi": request.form.get("instansi", "")},
                uploads=read_uploads(form.chosen_files()),
                letter=read_uploads([letter])[0] if letter else None,
                channel=form.kanal.data or "",
                received_on=form.tanggal_diterima.data or "",
                lang=current_language(),
            )
        except NotAllowed:
            abort(404)
        except ComplaintInvalid as exc:
            form.show_errors(exc.errors)
        else:
            session[_RECEIPT] = {"tracking_number": case.tracking_number, "access_code": access_code,
                                 "case_id": case.id}
            return redirect(url_for("cases.offline_receipt")), 303
    return render_template(
        "cases/offline.html", form=form, files_dropped=request.method == "POST", today=date.today().isoformat(),
        max_files=MAX_FILES, max_mb=MAX_FILE_BYTES // (1024 * 1024), mails=mail_inbox(user=current_user),
    ), 422 if request.method == "POST" else 200


@bp.get("/pengaduan-luring/tercatat")
@login_required
def offline_receipt():
    """The tracking number and access code, shown once, for the officer to hand over."""
    response = make_response(render_template("cases/offline_receipt.html", receipt=session.pop(_RECEIPT, None)))
    response.headers["Cache-Control"] = "no-store"
    return response
